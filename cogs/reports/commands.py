"""/report: members submit, follow and withdraw their reports; the form and reason submissions
are answered here too (see cogs/reports/forms.py for why they are stateless)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import require_staff, staff_only
from bot.domain import credit
from bot.domain import reports as rules
from bot.domain.ids import parse_id
from bot.domain.settings import GuildSettings
from bot.interactions import Speaker, guild_id, services
from bot.services.reports import KeptAsDraft, ReportView
from cogs.reports.export import export_reports
from cogs.reports.forms import (
    DROP_PHOTOS,
    PHOTOS,
    PUBLICATION,
    form_guild,
    open_report_form,
    submitted_choices,
    submitted_uploads,
    submitted_values,
)
from cogs.reports.queue import send_queue
from cogs.reports.review import write_again_view

if TYPE_CHECKING:
    from bot.app import AssociationBot

STATUS_LINES = 15


def status_line(say: Speaker, view: ReportView, settings: GuildSettings) -> str:
    report = view.report
    line = say(
        "report.status.line",
        id=report.id,
        trip=say("trip.label", city=view.trip.city, span=view.trip.trip.span),
        state=say(f"report.state.{report.state}"),
        length=report.length(settings.report_min_units, settings.report_max_units),
    )
    if report.reason and report.state in rules.REASON_SHOWN:
        line += "\n  " + say("report.review.reason", reason=report.reason[:300])
    if report.dm_failed:
        line += "\n  " + say("report.status.dm_failed")
    return "• " + line


@app_commands.guild_only()
class Reports(commands.GroupCog, group_name="report", group_description="Reports on your trips"):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="submit", description="Write the report on one of your trips")
    @app_commands.describe(trip="Pick the trip from the list")
    @app_commands.autocomplete(trip=autocomplete.reportable_trips)
    async def submit(
        self, interaction: discord.Interaction, trip: app_commands.Range[str, 1, 100]
    ) -> None:
        await open_report_form(interaction, trip)

    @app_commands.command(name="status", description="Your reports and where each stands")
    async def status(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        views = await svc.reports.mine(guild_id(interaction), interaction.user.id)
        if not views:
            await svc.members.require_member(guild_id(interaction), interaction.user.id)
            await say.send(say("report.status.empty"))
            return
        settings = await svc.settings.get(guild_id(interaction))
        lines = [status_line(say, v, settings) for v in views[:STATUS_LINES]]
        if len(views) > STATUS_LINES:
            lines.append(say("report.status.more", count=len(views) - STATUS_LINES))
        embed = discord.Embed(
            title=say("report.status.title", count=len(views)),
            description="\n".join(lines)[:4_000],
            colour=discord.Colour.gold(),
        )
        await say.send(embed=embed)

    @app_commands.command(name="withdraw", description="Withdraw a report still awaiting review")
    @app_commands.describe(report="Pick the report from the list")
    @app_commands.autocomplete(report=autocomplete.withdrawable_reports)
    async def withdraw(
        self, interaction: discord.Interaction, report: app_commands.Range[str, 1, 100]
    ) -> None:
        say = await Speaker.of(interaction)
        view = await services(interaction).reports.withdraw(
            guild_id(interaction), interaction.user.id, report
        )
        trip = say("trip.label", city=view.trip.city, span=view.trip.trip.span)
        await say.send(say("report.withdraw.done", id=view.report.id, trip=trip))

    @app_commands.command(name="queue", description="Reports awaiting review, oldest first")
    @staff_only()
    async def queue(self, interaction: discord.Interaction) -> None:
        await send_queue(interaction, offset=0)

    @app_commands.command(
        name="export", description="The approved reports as a Word document for the newsletter"
    )
    @app_commands.describe(
        year="Fiscal year, e.g. 2025 (default: this one)",
        city="Only the reports on one city",
        since="Only reports approved since this day, e.g. 2025-10-01",
    )
    @app_commands.autocomplete(city=autocomplete.cities)
    @staff_only()
    async def export(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
        city: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await export_reports(interaction, year, city, since)

    async def report_submitted(
        self, interaction: discord.Interaction, match: re.Match[str]
    ) -> None:
        """The report form (``report:form:<trip>[:<guild>]``) was sent; see bot/custom_ids.py.
        A form opened from a reminder in a direct message names its server."""
        say = await Speaker.of(interaction)
        values = submitted_values(interaction)
        guild = form_guild(interaction, parse_id(match["guild"]) if match["guild"] else None)
        uploads = submitted_uploads(interaction, PHOTOS)
        choices = submitted_choices(interaction, PUBLICATION)
        if uploads:  # downloading and cleaning photos takes longer than Discord waits
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            view = await services(interaction).reports.submit(
                guild,
                interaction.user.id,
                match["trip"],
                values.get("title"),
                values.get("body", ""),
                say.language,
                credit.from_publication_choices(choices),
                uploads,
                drop_photos=DROP_PHOTOS in choices,
            )
        except KeptAsDraft as refused:
            text = say(refused.key, **refused.params) + "\n" + say("report.kept")
            if refused.photos_dropped:
                text += "\n" + say("report.kept_without_photos")
            await say.send(
                text,
                view=write_again_view(
                    say, refused.trip_id, guild if interaction.guild_id is None else None
                ),
            )
            return
        trip = say("trip.label", city=view.trip.city, span=view.trip.trip.span)
        key = "report.received_again" if view.report.revision > 1 else "report.received"
        settings = await services(interaction).settings.get(guild)
        length = view.report.length(settings.report_min_units, settings.report_max_units)
        text = say(key, id=view.report.id, trip=trip, length=length)
        if view.report.late:
            text += "\n" + say("report.received_late", day=view.report.due_on)
        name_chosen = view.report.credit != credit.ANONYMOUS
        if (
            name_chosen
            and await services(interaction).reports.credited_as(guild, view.report.id) is None
        ):
            text += "\n" + say("report.credit.fell_back")  # no name, or no initials from it
        await say.send(text)

    async def reason_submitted(
        self, interaction: discord.Interaction, match: re.Match[str]
    ) -> None:
        """A staff reason (``report:reason:<report>:<action>``) was sent."""
        await require_staff(interaction)
        say = await Speaker.of(interaction)
        report_id, action = int(match["report"]), match["action"]
        reason = submitted_values(interaction).get("reason")
        await services(interaction).reports.decide(
            guild_id(interaction), interaction.user.id, report_id, action, reason
        )
        await say.send(say(f"report.decided.{rules.ACTIONS[action]}", id=report_id))
