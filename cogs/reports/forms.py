"""The report form and the reason form, as stateless modals.

A modal sent through discord.py is remembered in memory until it is submitted; after a restart
that memory is gone and the member's text would be dropped. So these modals are dropped from
discord.py's store as soon as they are sent, their custom_id carries what the submission needs
(``report:form:<trip id>``, ``report:reason:<report id>:<action>``), and the reports cog answers
every submission from its listener, whether or not the bot restarted in between.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.domain import reports as rules
from bot.interactions import Speaker, guild_id, services
from bot.services.reports import Form

FORM = re.compile(r"report:form:(?P<trip>[0-9]{1,20})")
REASON = re.compile(r"report:reason:(?P<report>[0-9]{1,20}):(?P<action>nosubsidy|changes|reject)")
MODAL_TITLE_LIMIT = 45
TEXT_DISPLAY_LIMIT = 1_500


def _title(text: str) -> str:
    return text if len(text) <= MODAL_TITLE_LIMIT else text[: MODAL_TITLE_LIMIT - 1] + "…"


async def open_modal(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    """Send ``modal`` as the first response, then forget it (see the module docstring)."""
    await interaction.response.send_modal(modal)
    modal.stop()


def report_modal(say: Speaker, form: Form, minimum: int, maximum: int) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title=_title(
            say(
                "report.form.title",
                trip=say("trip.label", city=form.trip.city, span=form.trip.trip.span),
            )
        ),
        custom_id=f"report:form:{form.trip.trip.id}",
    )
    if form.reason:
        intro = say(f"report.form.reason.{form.previous_state}", reason=form.reason)
        modal.add_item(discord.ui.TextDisplay(intro[:TEXT_DISPLAY_LIMIT]))
    modal.add_item(
        discord.ui.Label(
            text=say("report.form.title_label"),
            component=discord.ui.TextInput(
                custom_id="title",
                required=False,
                max_length=rules.MAX_TITLE,
                default=form.title or None,
            ),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text=say("report.form.body_label"),
            description=say("report.form.body_hint", min=minimum, max=maximum),
            component=discord.ui.TextInput(
                custom_id="body",
                style=discord.TextStyle.paragraph,
                max_length=rules.MAX_BODY,
                default=form.body or None,
            ),
        )
    )
    return modal


def reason_modal(say: Speaker, report_id: int, action: str) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title=_title(say(f"report.reason.title.{action}", id=report_id)),
        custom_id=f"report:reason:{report_id}:{action}",
    )
    modal.add_item(
        discord.ui.Label(
            text=say("report.reason.label"),
            description=say("report.reason.hint"),
            component=discord.ui.TextInput(
                custom_id="reason",
                style=discord.TextStyle.paragraph,
                max_length=rules.MAX_REASON,
            ),
        )
    )
    return modal


async def open_report_form(interaction: discord.Interaction, trip_ref: str | int) -> None:
    """Open the report form for one of the member's trips, filled with what they last typed
    (or with the report staff sent back)."""
    say = await Speaker.of(interaction)
    svc = services(interaction)
    form = await svc.reports.form(guild_id(interaction), interaction.user.id, trip_ref)
    settings = await svc.settings.get(guild_id(interaction))
    modal = report_modal(say, form, settings.report_min_units, settings.report_max_units)
    await open_modal(interaction, modal)


def submitted_values(interaction: discord.Interaction) -> dict[str, str]:
    """custom_id -> value of every text input in a modal submission (rows or labels)."""
    data: Any = interaction.data or {}
    values: dict[str, str] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if not isinstance(component, dict):
                continue
            if "components" in component:
                walk(component["components"])
            elif "component" in component:
                walk([component["component"]])
            elif "custom_id" in component and isinstance(component.get("value"), str):
                values[component["custom_id"]] = component["value"]

    components = data.get("components")
    walk(components if isinstance(components, list) else [])
    return values
