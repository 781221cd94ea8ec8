"""The persistent buttons: Approve / Approve without subsidy / Request changes / Reject on a
review post, and "Open my text again" under a refused report. They are DynamicItems: the
custom_id carries the report or trip, the state comes from the database, and they keep working
after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import require_staff
from bot.domain import reports as rules
from bot.domain.reports import Report
from bot.error_handler import answer_error
from bot.i18n import t
from bot.interactions import Speaker, guild_id, services
from cogs.reports.forms import open_modal, open_report_form, reason_modal

ACTION_STYLES = {
    "approve": discord.ButtonStyle.success,
    "nosubsidy": discord.ButtonStyle.secondary,
    "changes": discord.ButtonStyle.primary,
    "reject": discord.ButtonStyle.danger,
}


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"report:(?P<id>[0-9]{1,20}):(?P<action>approve|nosubsidy|changes|reject)",
):
    def __init__(
        self, report_id: int, action: str, label: str = "", disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=ACTION_STYLES[action],
                custom_id=f"report:{report_id}:{action}",
                disabled=disabled,
            )
        )
        self.report_id = report_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(int(match["id"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await require_staff(interaction)
            say = await Speaker.of(interaction)
            reports = services(interaction).reports
            if self.action in rules.NEEDS_REASON:
                await reports.decidable(guild_id(interaction), self.report_id)
                await open_modal(interaction, reason_modal(say, self.report_id, self.action))
                return
            await reports.decide(
                guild_id(interaction), interaction.user.id, self.report_id, self.action, None
            )
            await say.send(say("report.decided.approved", id=self.report_id))
        except Exception as error:
            await answer_error(interaction, error)


class WriteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"report:write:(?P<trip>[0-9]{1,20})"
):
    """Reopens the report form with the text the member typed (kept as a draft)."""

    def __init__(self, trip_id: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=discord.ButtonStyle.primary,
                custom_id=f"report:write:{trip_id}",
            )
        )
        self.trip_id = trip_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> WriteButton:
        return cls(int(match["trip"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await open_report_form(interaction, self.trip_id)
        except Exception as error:
            await answer_error(interaction, error)


def review_view(language: str, report: Report) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in rules.ACTIONS:
        view.add_item(
            ReviewButton(
                report.id,
                action,
                label=t(language, f"report.button.{action}"),
                disabled=not report.open,
            )
        )
    return view


def write_again_view(say: Speaker, trip_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(WriteButton(trip_id, label=say("report.button.write_again")))
    return view
