"""One playground: the stand-in for Discord, the unmodified bot connected to it, the office's
set-up on a fresh database, and the page's server, started together and stopped together.

The bot is the one ``python run_bot.py`` runs; only its connector differs: it resolves Discord's
hosts to the stand-in on 127.0.0.1 and refuses every other host, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.config import Settings
from bot.daily import DailyJob
from bot.domain.clock import Clock
from fake_discord.models import snowflake
from fake_discord.server import FakeDiscord
from playground import cast
from playground.client import Client
from playground.web import make_app

if TYPE_CHECKING:
    from bot.app import AssociationBot

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # the page's server never listens on anything but loopback
DEFAULT_PORT = 8765
START_TIMEOUT = 30.0
TOKEN = "playground"  # the stand-in accepts any token; no real one is needed or read


@dataclass
class Playground:
    database_path: Path | None = None
    port: int = DEFAULT_PORT
    clock: Clock = field(default_factory=Clock)
    fake: FakeDiscord = field(init=False)
    client: Client = field(init=False)
    bot: AssociationBot | None = None
    _task: asyncio.Task | None = None
    _runner: web.AppRunner | None = None
    _temporary: tempfile.TemporaryDirectory | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _connected: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.fake = FakeDiscord(cast.world(), now=self.clock.now)
        self.client = Client(self.fake)

    @property
    def address(self) -> str:
        return f"http://{HOST}:{self.port}/"

    async def start(self) -> None:
        """Start everything; on any failure, stop what was started and raise."""
        try:
            await self.serve_page()
            await self.start_bot()
        except BaseException:
            await self.stop()
            raise

    async def serve_page(self) -> None:
        """The page answers at once; until the bot is ready, it says the bot is starting."""
        self._runner = web.AppRunner(make_app(self), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def start_bot(self) -> None:
        """The stand-in for Discord, the bot connected to it, and on a new database the office's
        set-up; then the page may act."""
        if self.database_path is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="playground-")
            self.database_path = Path(self._temporary.name) / "bot.sqlite3"
        fresh = not self.database_path.exists()
        await self.fake.start()
        await self._start_bot()
        if not self.fake.commands:
            await self._sync_commands()
        if fresh:
            await self.set_up()
        self.client.since = snowflake()  # the office's set-up happened before the visitor came
        # The day's work has run once since the start: "next day" then runs the next day's.
        caught_up = [job.caught_up.wait() for job in self._daily_jobs()]
        await asyncio.wait_for(asyncio.gather(*caught_up), START_TIMEOUT)
        self.ready.set()

    async def _start_bot(self) -> None:
        from bot.app import AssociationBot  # the heavy part: after the page answers

        assert self.database_path is not None
        settings = Settings(
            token=TOKEN,
            database_path=self.database_path,
            default_preset="kifa",
            backup_keep=0,  # a playground's database is not worth daily copies
        )
        connector = aiohttp.TCPConnector(resolver=self.fake.resolver(), ssl=False)
        bot = AssociationBot(settings, connector=connector, clock=self.clock)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(TOKEN), name="playground bot")
        guild_id = self.fake.world.guild.id

        async def guild_known() -> None:  # interactions are answered from here on
            if bot.get_guild(guild_id) is None:
                await bot.wait_for("guild_available", check=lambda g: g.id == guild_id)

        known = self._connected = asyncio.create_task(guild_known())
        done, _ = await asyncio.wait(
            {self._task, known}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        known.cancel()
        if self._task in done:
            self._task.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped while starting")
        if not done:
            raise TimeoutError("the bot did not connect to the stand-in for Discord")

    async def _sync_commands(self) -> None:
        """A database kept from an earlier playground (``--database``) meets a stand-in that
        has never seen its commands: they are pushed to it, as ``run_bot.py sync`` pushes them
        to a new Discord application."""
        from bot import command_sync

        assert self.bot is not None
        await command_sync.sync(self.bot.tree, self.bot.services.state, None)

    async def set_up(self) -> None:
        """What the office does once, through the bot's own commands: the admin names the staff
        and member roles and the review and announcement channels; staff register the members."""
        guild = self.fake.world.guild
        await self._do(
            "admin",
            "setup roles",
            {"staff": guild.role("Staff").id, "member": guild.role("Member").id},
        )
        await self._do(
            "admin",
            "setup channels",
            {
                "moderation": guild.channel("moderation").id,
                "announcements": guild.channel("announcements").id,
            },
        )
        for entry in cast.REGISTRY:
            user = cast.user_named(self.fake.world, entry.username)
            options = {
                "user": user.id,
                "number": entry.number,
                "name": entry.name,
                "reading": entry.reading,
            }
            await self._do("staff", "member add", options)

    async def _do(self, person: str, path: str, options: dict[str, Any]) -> None:
        general = self.fake.world.guild.channel("general").id
        outcome = await self.client.command(person, "en", str(general), path, options)
        if outcome.late:
            raise RuntimeError(f"the bot did not answer /{path} while setting up")

    async def next_day(self) -> None:
        """Move the bot's clock forward a day and run what its daily jobs run (reminders,
        expiries), as they would have run at their hour on that day."""
        self.clock.advance(timedelta(days=1))
        for job in self._daily_jobs():
            try:
                await job.run_now()
            except Exception:
                log.exception("A daily job failed")

    def _daily_jobs(self) -> list[DailyJob]:
        """The work the bot's features do once a day, each cog's own."""
        assert self.bot is not None
        return [
            job
            for cog in self.bot.cogs.values()
            for job in vars(cog).values()
            if isinstance(job, DailyJob)
        ]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        bot, task = self.bot, self._task
        self.bot = self._task = None
        if task is not None and self._connected is not None and not task.done():
            # Stopped while starting (Ctrl+C at once): let the bot finish opening its database
            # and connecting, so that closing it closes everything it opened.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait(
                    {task, self._connected},
                    timeout=START_TIMEOUT,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            self._connected.cancel()
        if bot is not None:
            await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, START_TIMEOUT)
        await self.fake.stop()
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None


async def serve(database_path: Path | None, port: int) -> None:
    """``run_bot.py playground``: start, print the address, run until Ctrl+C."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    playground = Playground(database_path, port)
    try:
        await playground.serve_page()
        print(f"The playground is at {playground.address} (Ctrl+C stops it).", flush=True)
        await playground.start_bot()
        print(f"The bot is ready ({loop.time() - started:.1f} s after the start).", flush=True)
        await asyncio.Event().wait()
    finally:
        await playground.stop()
