"""Reports and their review: /report, the review post and its buttons, the announcement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.transitions import ANNOUNCEMENT, DECISION_DM, REVIEW_POST
from cogs.reports import render
from cogs.reports.commands import Reports
from cogs.reports.forms import FORM, REASON
from cogs.reports.review import ReviewButton, WriteButton

if TYPE_CHECKING:
    from bot.app import AssociationBot


async def setup(bot: AssociationBot) -> None:
    bot.add_dynamic_items(ReviewButton, WriteButton)
    outbox = bot.outbox
    outbox.register(REVIEW_POST, render.review_post)
    outbox.register(ANNOUNCEMENT, render.announcement)
    outbox.register(DECISION_DM, render.decision_dm)
    reports = Reports(bot)
    bot.routes.add_modal(FORM, reports.report_submitted)
    bot.routes.add_modal(REASON, reports.reason_submitted)
    await bot.add_cog(reports)
