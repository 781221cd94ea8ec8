"""What the bot remembers of its own accord, once a day (bot.services.reminders): members are
reminded of their reports' deadlines, and staff of the reports that have waited too long."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.daily import DailyJob
from bot.domain.clock import TOKYO
from bot.domain.deadlines import REMIND_AT
from bot.domain.errors import DomainError
from bot.domain.outbox import MessageRef
from bot.i18n import t
from bot.outbox import Permanent, Rendered
from bot.services.reminders import DEADLINE_DM
from cogs.reports.review import write_view

if TYPE_CHECKING:
    from bot.app import AssociationBot

log = logging.getLogger(__name__)

DAILY_AT = REMIND_AT.replace(tzinfo=TOKYO)


class Reminders(commands.Cog):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot
        # What fell due while the bot was down is queued as soon as it is back; what was
        # already queued is not queued again (the reminders are keyed).
        self.daily = DailyJob(bot, DAILY_AT, self.run_day)

    async def cog_load(self) -> None:
        self.daily.start()

    async def cog_unload(self) -> None:
        self.daily.cancel()

    async def run_day(self) -> None:
        reminders = self.bot.services.reminders
        for guild_id in await reminders.guilds():
            try:
                run = await reminders.run_day(guild_id)
            except Exception:
                log.exception("Could not queue the day's reminders in guild %s", guild_id)
                continue
            if run.deadline_reminders or run.review_reminder:
                log.info(
                    "Guild %s: %d deadline reminders queued%s",
                    guild_id,
                    run.deadline_reminders,
                    ", and the review reminder" if run.review_reminder else "",
                )


async def deadline_dm(bot: AssociationBot, message: MessageRef) -> Rendered:
    """A member's reminder: which trip, by when, and a button that opens its report form."""
    try:
        due = await bot.services.reminders.deadline_reminder(message.guild_id, message["trip_id"])
    except DomainError:  # the trip lost its deadline after the reminder was queued
        raise Permanent("the trip no longer has a report deadline") from None
    language = await bot.services.languages.of_member(due.trip.trip.user_id, message.guild_id)
    trip = t(language, "trip.label", city=due.trip.city, span=due.trip.trip.span)
    return Rendered(
        content=t(language, "report.deadline.reminder", trip=trip, day=due.due),
        view=write_view(
            t(language, "report.button.write"), due.trip.trip.id, guild_id=message.guild_id
        ),
    )


async def setup(bot: AssociationBot) -> None:
    bot.outbox.register(DEADLINE_DM, deadline_dm)
    await bot.add_cog(Reminders(bot))
