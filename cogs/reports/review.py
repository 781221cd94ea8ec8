"""The persistent buttons: Approve / Approve without subsidy / Request changes / Reject on a
review post, and the button that opens the report form for a trip (under a refused report, in a
deadline reminder, in a request for changes). They are DynamicItems: the custom_id carries the
report or trip (and, in a direct message, the server), the state comes from the database, and
they keep working after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import require_staff
from bot.domain import reports as rules
from bot.domain.ids import parse_id
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
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"report:write:(?P<trip>[0-9]{1,20})(?::(?P<guild>[0-9]{1,20}))?",
):
    """Opens the report form for a trip, with the text the member typed (kept as a draft) or the
    report staff sent back. In a direct message the custom_id names the server as well."""

    def __init__(self, trip_id: int, label: str = "", guild_id: int | None = None) -> None:
        custom_id = f"report:write:{trip_id}"
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=discord.ButtonStyle.primary,
                custom_id=custom_id if guild_id is None else f"{custom_id}:{guild_id}",
            )
        )
        self.trip_id = trip_id
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> WriteButton:
        guild = parse_id(match["guild"]) if match["guild"] else None
        return cls(parse_id(match["trip"]) or 0, guild_id=guild)  # 0: no such trip

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await open_report_form(interaction, self.trip_id, self.guild_id)
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


def write_again_view(say: Speaker, trip_id: int, guild_id: int | None = None) -> discord.ui.View:
    return write_view(say("report.button.write_again"), trip_id, guild_id)


def write_view(label: str, trip_id: int, guild_id: int | None = None) -> discord.ui.View:
    """One button that opens the report form for ``trip_id`` (``guild_id`` in a DM)."""
    view = discord.ui.View(timeout=None)
    view.add_item(WriteButton(trip_id, label=label, guild_id=guild_id))
    return view
