"""The daily backup of the database (see bot/services/backups.py and README, 'Backups')."""

from __future__ import annotations

import logging
from datetime import time
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.daily import DailyJob
from bot.domain.clock import TOKYO
from bot.services.backups import BackupService
from db.backup import BackupError

if TYPE_CHECKING:
    from bot.app import AssociationBot

log = logging.getLogger(__name__)

DAILY_AT = time(4, 0, tzinfo=TOKYO)  # the quietest hour of the association's day


class Backups(commands.Cog):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot
        self.daily = DailyJob(bot, DAILY_AT, self.back_up, catch_up=self.catch_up)

    @property
    def backups(self) -> BackupService:
        return self.bot.services.backups

    async def cog_load(self) -> None:
        self.daily.start()

    async def cog_unload(self) -> None:
        self.daily.cancel()

    async def catch_up(self) -> None:
        """A day the bot was down at the usual hour gets its copy as soon as it is back."""
        if not self.backups.enabled:
            log.warning("Daily backups are off (BACKUP_KEEP=0)")
        elif self.backups.due():
            await self.back_up()

    async def back_up(self) -> None:
        if not self.backups.enabled:
            return
        try:
            made, pruned = await self.backups.daily()
        except BackupError:
            log.exception("The daily backup failed; the next try is at the next daily hour")
            return
        log.info(
            "Backup written to %s (%.1f MB); %d old copies removed",
            made.path,
            made.size_bytes / 1e6,
            len(pruned),
        )


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Backups(bot))
