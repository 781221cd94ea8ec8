"""Run the sister-city association bot.

    python run_bot.py                   run the bot (Ctrl+C stops it)
    python run_bot.py migrate           create or upgrade the database, then exit
    python run_bot.py sync [--guild ID] push the slash commands to Discord, then exit
    python run_bot.py backup PATH       copy the database to PATH (safe while the bot runs)
    python run_bot.py restore PATH      put the backup PATH in place (stop the bot first)
    python run_bot.py playground        try it in a browser, without Discord (no token needed)

Settings come from the environment or a .env file beside this script: see README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

EXIT_CONFIG = 2
EXIT_FAILED = 1

log = logging.getLogger("run_bot")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="run_bot.py",
        description="Run the sister-city association Discord bot. "
        "Settings come from the environment or a .env file (see README.md).",
    )
    actions = parser.add_subparsers(
        dest="action", metavar="{run,migrate,sync,backup,restore,playground}"
    )
    actions.add_parser("run", help="run the bot (the default when no action is given)")
    actions.add_parser("migrate", help="create or upgrade the database, then exit")
    sync = actions.add_parser(
        "sync",
        help="push the slash commands to Discord, then exit (the bot also does this by itself "
        "when its commands changed)",
    )
    sync.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="only this server (appears at once; handy for testing)",
    )
    backup = actions.add_parser(
        "backup", help="copy the database to PATH, then exit (safe while the bot runs)"
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="the file to write")
    restore = actions.add_parser(
        "restore",
        help="put a backup in place of the database, then exit (stop the bot first; the current "
        "database is moved aside, not deleted)",
    )
    restore.add_argument("path", type=Path, metavar="PATH", help="the backup to restore")
    playground = actions.add_parser(
        "playground",
        help="run the bot against a built-in stand-in for Discord and serve a page on "
        "127.0.0.1 to try it in a browser (no token, nothing leaves the machine)",
    )
    playground.add_argument(
        "--port", type=int, default=8765, help="the page's port on 127.0.0.1 (default 8765)"
    )
    playground.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="keep the playground's data in PATH (default: a fresh temporary database on the "
        "KIFA preset, already set up, deleted when the playground stops)",
    )
    return parser.parse_args(argv)


def setup_logging(level: int) -> None:
    import discord.utils

    discord.utils.setup_logging(level=level, root=True)


async def run(settings: Settings) -> None:
    from bot.app import AssociationBot

    async with AssociationBot(settings) as bot:
        await bot.start(settings.token)


async def migrate_only(settings: Settings) -> None:
    from db.database import Database
    from db.migrate import migrate

    db = await Database.open(settings.database_path)
    try:
        before, after = await migrate(db)
    finally:
        await db.close()
    print(f"{settings.database_path}: schema version {before} -> {after}")


async def sync_only(settings: Settings, guild_id: int | None) -> None:
    from bot import command_sync
    from bot.app import AssociationBot

    async with AssociationBot(settings, sync_commands=False) as bot:
        await bot.login(settings.token)
        count = await command_sync.sync(bot.tree, bot.services.state, guild_id)
    print(f"Synced {count} commands to {'server ' + str(guild_id) if guild_id else 'all servers'}.")


def backup_only(settings: Settings, target: Path) -> int:
    from db.backup import BackupError, copy

    try:
        made = copy(settings.database_path, target)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"Backed up {settings.database_path} to {made.path} "
        f"({made.size_bytes / 1e6:.1f} MB, schema version {made.schema_version}); "
        "the copy passed an integrity check."
    )
    return 0


def restore_only(settings: Settings, backup: Path) -> int:
    from bot.domain.clock import TOKYO, utcnow
    from db.backup import BackupError, restore
    from db.migrate import DatabaseTooNewError, load_migrations

    try:
        newest = load_migrations()[-1].version
        aside = restore(backup, settings.database_path, utcnow().astimezone(TOKYO), newest)
    except (BackupError, DatabaseTooNewError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Restored {backup} to {settings.database_path}.")
    if aside is not None:
        print(f"The database it replaced was moved to {aside} (nothing was deleted).")
    print("Start the bot as usual; it upgrades the copy's schema if it is older.")
    return 0


def playground_only(database: Path | None, port: int) -> int:
    """The playground needs no settings: no token, its own database, its own Discord."""
    from playground.session import serve

    setup_logging(logging.WARNING)
    # Nothing a visitor can act on: voice is not used, and a temporary database needs no copies.
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    logging.getLogger("cogs.backups").setLevel(logging.ERROR)
    try:
        asyncio.run(serve(database, port))
    except KeyboardInterrupt:
        print("The playground stopped.")
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    action = args.action or "run"
    if action == "playground":
        return playground_only(args.database, args.port)
    env_file = Path(__file__).resolve().parent / ".env"
    try:
        settings = load_settings(env_file=env_file, require_token=action in ("run", "sync"))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG

    from bot.services import presets

    if settings.default_preset not in presets.available():
        print(
            f"error: DEFAULT_PRESET must be one of {', '.join(presets.available())}, "
            f"not {settings.default_preset!r}.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if action == "backup":
        return backup_only(settings, args.path)
    if action == "restore":
        return restore_only(settings, args.path)
    setup_logging(settings.log_level_number)
    from bot.services.outbox import OutboxContractError
    from db.migrate import DatabaseTooNewError

    try:
        if action == "migrate":
            asyncio.run(migrate_only(settings))
        elif action == "sync":
            asyncio.run(sync_only(settings, args.guild or settings.dev_guild_id))
        else:
            asyncio.run(run(settings))
    except (DatabaseTooNewError, OutboxContractError) as error:
        log.critical("%s", error)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
