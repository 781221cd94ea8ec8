"""Typed settings, read from the environment and an optional ``.env`` file.

Real environment variables win over ``.env``, so an office can keep the token in ``.env`` and a
service manager can still override anything. The token is kept out of ``repr`` so that it cannot
reach a log line by accident.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_PATH = Path("data/bot.sqlite3")
DEFAULT_BACKUP_KEEP = 14
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for whoever runs the bot."""


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    database_path: Path = DEFAULT_DATABASE_PATH
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    default_preset: str = "kifa"
    backup_dir: Path | None = None  # None: a "backups" folder beside the database
    backup_keep: int = DEFAULT_BACKUP_KEEP  # daily copies kept; 0 turns daily backups off

    @property
    def backup_folder(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def read_env_file(path: Path) -> dict[str, str]:
    """Parse ``KEY=VALUE`` lines; ``#`` comments, blank lines, ``export`` and quotes are allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ConfigError(f"{path}, line {number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    *,
    require_token: bool = True,
) -> Settings:
    """Build :class:`Settings`, or raise :class:`ConfigError` with one clear line."""
    merged: dict[str, str] = read_env_file(env_file) if env_file is not None else {}
    merged.update(os.environ if environ is None else environ)

    token = merged.get("DISCORD_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError(
            "DISCORD_TOKEN is not set: put the bot token in the environment or in a .env file "
            "(see README.md, 'Set-up')."
        )

    log_level = merged.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}.")

    dev_guild_raw = merged.get("DEV_GUILD_ID", "").strip()
    dev_guild_id = None
    if dev_guild_raw:
        if not dev_guild_raw.isdigit():
            raise ConfigError(
                f"DEV_GUILD_ID must be a server id (digits only), not {dev_guild_raw!r}."
            )
        dev_guild_id = int(dev_guild_raw)

    database_path = Path(merged.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)
    preset = merged.get("DEFAULT_PRESET", "").strip().lower() or "kifa"

    backup_dir_raw = merged.get("BACKUP_DIR", "").strip()
    keep_raw = merged.get("BACKUP_KEEP", "").strip() or str(DEFAULT_BACKUP_KEEP)
    if not keep_raw.isdigit():
        raise ConfigError(
            f"BACKUP_KEEP must be how many daily backups to keep (0 turns them off), "
            f"not {keep_raw!r}."
        )

    return Settings(
        token=token,
        database_path=database_path,
        log_level=log_level,
        dev_guild_id=dev_guild_id,
        default_preset=preset,
        backup_dir=Path(backup_dir_raw) if backup_dir_raw else None,
        backup_keep=int(keep_raw),
    )
