"""Reports and their review: /report, the review post and its buttons, the announcement."""

from __future__ import annotations

from discord.ext import commands

from bot.services.reminders import REVIEW_REMINDER
from bot.services.transitions import ANNOUNCEMENT, DECISION_DM, REVIEW_POST
from cogs.reports import render
from cogs.reports.commands import Reports
from cogs.reports.queue import QueuePageButton, review_reminder
from cogs.reports.review import ReviewButton, WriteButton


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(ReviewButton, WriteButton, QueuePageButton)
    outbox = bot.outbox  # type: ignore[attr-defined]
    outbox.register(REVIEW_POST, render.review_post)
    outbox.register(ANNOUNCEMENT, render.announcement)
    outbox.register(DECISION_DM, render.decision_dm)
    outbox.register(REVIEW_REMINDER, review_reminder)
    await bot.add_cog(Reports(bot))
