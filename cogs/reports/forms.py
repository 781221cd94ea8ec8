"""The report form and the reason form, as stateless modals.

A modal sent through discord.py is remembered in memory until it is submitted; after a restart
that memory is gone and the member's text would be dropped. So these modals are dropped from
discord.py's store as soon as they are sent, their custom_id carries what the submission needs
(``report:form:<trip id>``, ``report:reason:<report id>:<action>``), and the reports cog answers
every submission from its listener, whether or not the bot restarted in between.

A report form opened from a direct message (a deadline reminder, a request for changes) has no
server around it: its custom_id names the server too (``report:form:<trip id>:<guild id>``).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import discord
from discord import app_commands

from bot.domain import credit
from bot.domain import photos as photo_rules
from bot.domain import reports as rules
from bot.domain.errors import DomainError
from bot.domain.ids import parse_id
from bot.interactions import Speaker, read_attachment, services
from bot.services.reports import Form, Upload

FORM = re.compile(r"report:form:(?P<trip>[0-9]{1,20})(?::(?P<guild>[0-9]{1,20}))?")
REASON = re.compile(r"report:reason:(?P<report>[0-9]{1,20}):(?P<action>nosubsidy|changes|reject)")
PHOTOS = "photos"
PUBLICATION = "publication"
DROP_PHOTOS = "drop_photos"  # a box of the publication group: the earlier photos go
MODAL_TITLE_LIMIT = 45
TEXT_DISPLAY_LIMIT = 1_500


def _title(text: str) -> str:
    return text if len(text) <= MODAL_TITLE_LIMIT else text[: MODAL_TITLE_LIMIT - 1] + "…"


async def open_modal(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    """Send ``modal`` as the first response, then forget it (see the module docstring)."""
    await interaction.response.send_modal(modal)
    modal.stop()


def report_modal(
    say: Speaker, form: Form, minimum: int, maximum: int, guild_id: int | None = None
) -> discord.ui.Modal:
    """The report form; ``guild_id`` when it is opened outside the server (from a DM)."""
    custom_id = f"report:form:{form.trip.trip.id}"
    modal = discord.ui.Modal(
        title=_title(
            say(
                "report.form.title",
                trip=say("trip.label", city=form.trip.city, span=form.trip.trip.span),
            )
        ),
        custom_id=custom_id if guild_id is None else f"{custom_id}:{guild_id}",
    )
    notes = []
    if form.reason:
        notes.append(say(f"report.form.reason.{form.previous_state}", reason=form.reason))
    if form.late:
        notes.append(say("report.form.late", day=form.trip.trip.report_due))
    if notes:
        modal.add_item(discord.ui.TextDisplay("\n\n".join(notes)[:TEXT_DISPLAY_LIMIT]))
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
    hint = "report.form.photos_kept" if form.photos_kept else "report.form.photos_hint"
    modal.add_item(
        discord.ui.Label(
            text=say("report.form.photos_label"),
            description=say(
                hint,
                max=photo_rules.MAX_PHOTOS,
                mb=photo_rules.MAX_MEGABYTES,
                count=form.photos_kept,
            ),
            component=discord.ui.FileUpload(
                custom_id=PHOTOS, required=False, min_values=0, max_values=photo_rules.MAX_PHOTOS
            ),
        )
    )
    ticked = credit.choices_of(*form.publication)
    # With photos from before, one more box: a modal holds five components, all in use.
    choices = (*credit.CHOICES, DROP_PHOTOS) if form.photos_kept else credit.CHOICES
    publication = discord.ui.CheckboxGroup(
        custom_id=PUBLICATION, required=False, min_values=0, max_values=len(choices)
    )
    for choice in choices:
        publication.add_option(
            label=say(f"report.form.publication.{choice}"),
            value=choice,
            description=say(f"report.form.publication.{choice}_hint"),
            default=choice in ticked,
        )
    modal.add_item(
        discord.ui.Label(
            text=say("report.form.publication_label"),
            description=say("report.form.publication_hint"),
            component=publication,
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


async def open_report_form(
    interaction: discord.Interaction, trip_ref: str | int, guild_id: int | None = None
) -> None:
    """Open the report form for one of the member's trips, filled with what they last typed
    (or with the report staff sent back). ``guild_id``: the server the trip belongs to, for a
    form opened from a direct message."""
    say = await Speaker.of(interaction)
    svc = services(interaction)
    guild = form_guild(interaction, guild_id)
    form = await svc.reports.form(guild, interaction.user.id, trip_ref)
    settings = await svc.settings.get(guild)
    modal = report_modal(
        say,
        form,
        settings.report_min_units,
        settings.report_max_units,
        guild_id=guild if interaction.guild_id is None else None,
    )
    await open_modal(interaction, modal)


def form_guild(interaction: discord.Interaction, named: int | None) -> int:
    """The server a report form (or its button) acts in: where it is used, or, in a direct
    message, the one its custom_id names. A custom_id naming another server than the one it is
    used in is refused, as a trip of another server would be."""
    if interaction.guild_id is not None:
        if named is not None and named != interaction.guild_id:
            raise DomainError("trip.unknown")
        return interaction.guild_id
    if named is None or parse_id(interaction.user.id) is None:  # a forged sender names no one
        raise app_commands.NoPrivateMessage()
    return named


def _submitted(interaction: discord.Interaction) -> dict[str, dict[str, Any]]:
    """custom_id -> component of every input in a modal submission (in rows or labels)."""
    data: Any = interaction.data or {}
    found: dict[str, dict[str, Any]] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if not isinstance(component, dict):
                continue
            if isinstance(component.get("components"), list):
                walk(component["components"])
            elif "component" in component:
                walk([component["component"]])
            elif isinstance(component.get("custom_id"), str):
                found[component["custom_id"]] = component

    components = data.get("components")
    walk(components if isinstance(components, list) else [])
    return found


def submitted_values(interaction: discord.Interaction) -> dict[str, str]:
    """custom_id -> value of every text input in a modal submission."""
    return {
        key: component["value"]
        for key, component in _submitted(interaction).items()
        if isinstance(component.get("value"), str)
    }


def submitted_choices(interaction: discord.Interaction, custom_id: str) -> list[str]:
    """The values ticked in the checkbox group ``custom_id`` (none when it was not sent)."""
    values = _submitted(interaction).get(custom_id, {}).get("values")
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def submitted_uploads(interaction: discord.Interaction, custom_id: str) -> list[Upload]:
    """The files uploaded in the file upload ``custom_id``: its values are attachment ids, the
    attachments themselves are in ``data.resolved.attachments``. An id without its attachment
    (or an attachment Discord would never describe so) is left out."""
    values = _submitted(interaction).get(custom_id, {}).get("values")
    data: Any = interaction.data or {}
    resolved = data.get("resolved")
    described = resolved.get("attachments") if isinstance(resolved, dict) else None
    if not isinstance(values, list) or not isinstance(described, dict):
        return []
    uploads = []
    for value in values:
        payload = described.get(value) if isinstance(value, str) else None
        try:
            # discord.py builds attachments from payloads with the client's connection state;
            # there is no public constructor for a modal's uploads (a stateless modal has no
            # FileUpload item to fill).
            file = discord.Attachment(data=payload, state=interaction._state)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            continue
        if not isinstance(file.size, int) or not isinstance(file.filename, str):
            continue
        uploads.append(Upload(file.filename[:100], file.size, partial(read_attachment, file)))
    return uploads
