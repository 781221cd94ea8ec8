"""The unmodified bot in a process of its own, connected to a fake Discord on 127.0.0.1.

    python -m tests.e2e.bot_process --port PORT --database PATH

The fault tests kill this process with SIGKILL; the benchmark reads its memory from /proc. Both
talk to it only as Discord would, through the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fake_discord.interactions import NotLikeDiscord, command_data, envelope
from fake_discord.models import Guild, User
from fake_discord.server import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--backup-keep", type=int, default=0)
    parser.add_argument(
        "--trace-sql", type=Path, help="write each statement run and its parameters (JSON lines)"
    )
    args = parser.parse_args()

    import aiohttp
    import discord.utils

    from bot.app import AssociationBot
    from bot.config import Settings
    from fake_discord.server import Resolver

    discord.utils.setup_logging(level=int(os.environ.get("BOT_LOG_LEVEL", "30")), root=True)
    settings = Settings(
        token="fake-token",
        database_path=args.database,
        default_preset="kifa",
        backup_keep=args.backup_keep,
    )

    async def run() -> None:
        connector = aiohttp.TCPConnector(resolver=Resolver(args.port), ssl=False)
        async with AssociationBot(settings, connector=connector) as bot:
            await bot.login(settings.token)  # runs setup_hook: the database is open after it
            if args.trace_sql:
                trace = args.trace_sql.open("a", encoding="utf-8", buffering=1)
                bot.db.trace(lambda sql, params: trace.write(json.dumps([sql, params]) + "\n"))
            await bot.connect()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


@dataclass
class BotProcess:
    """A running bot process, as the parent sees it."""

    process: asyncio.subprocess.Process
    started: float

    @classmethod
    async def spawn(
        cls, port: int, database: Path, *, backup_keep: int = 0, trace_sql: Path | None = None
    ) -> BotProcess:
        started = time.perf_counter()
        options = ["--port", str(port), "--database", str(database)]
        options += ["--backup-keep", str(backup_keep)]
        if trace_sql:
            options += ["--trace-sql", str(trace_sql)]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.e2e.bot_process", *options, cwd=ROOT
        )
        return cls(process, started)

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_memory_mb(self) -> float:
        """The most memory the process has held (VmHWM), in MB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc")

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far, all its threads, user and system."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak_memory(self) -> None:
        """Start counting the peak again from what the process holds now."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last commit, as when the power goes."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        """Ctrl+C, as the office stops it; SIGKILL if it does not go."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.kill()
        await self.process.wait()


async def answering(
    fake: FakeDiscord, user: User, timeout: float = 30.0, guild: Guild | None = None
) -> None:
    """Return once the bot connected to ``fake`` answers a command in ``guild`` (the world's
    own by default): its start-up is over."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                payload = envelope(fake, 2, user, command_data(fake, "help", {}), guild=guild)
                await fake.dispatch("INTERACTION_CREATE", payload)
                answered = f"/{payload['token']}/callback"
                await fake.wait_for_call(lambda c, end=answered: c.path.endswith(end), 0.25)
                return
            except (NotLikeDiscord, RuntimeError, ConnectionError, TimeoutError):
                # not synced yet, not connected yet, or not answering yet
                await asyncio.sleep(0.02)


if __name__ == "__main__":
    main()
