"""Work the bot does of its own accord once a day: at a fixed time in Asia/Tokyo, and once as
soon as it is ready after a start, for what fell due while it was down.

Each feature's cog owns one :class:`DailyJob`; the work itself must be safe to run twice on
the same day (keyed reminders, a backup only when due, roles put in step), because a restart
runs the catch-up again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import time
from typing import Any

from discord.ext import commands, tasks

Work = Callable[[], Coroutine[Any, Any, None]]


class DailyJob:
    def __init__(
        self, bot: commands.Bot, at: time, work: Work, *, catch_up: Work | None = None
    ) -> None:
        """``work`` runs every day at ``at`` (aware); ``catch_up`` (default: ``work``) once
        when the bot is ready."""
        self._bot = bot
        self._catch_up_work = catch_up or work
        self._loop = tasks.loop(time=at)(work)
        self._loop.before_loop(self._catch_up)
        self.caught_up = asyncio.Event()  # set once the start's catch-up has run

    def start(self) -> None:
        self._loop.start()

    def cancel(self) -> None:
        self._loop.cancel()

    async def _catch_up(self) -> None:
        await self._bot.wait_until_ready()
        await self._catch_up_work()
        self.caught_up.set()
