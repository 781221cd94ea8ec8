"""/report: members submit, follow and withdraw their reports; the form and reason submissions
are answered here too (see cogs/reports/forms.py for why they are stateless)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import require_staff, staff_only
from bot.domain import reports as rules
from bot.domain.ids import parse_id
from bot.error_handler import answer_error
from bot.interactions import Speaker, services
from bot.services.reports import LengthRefused, ReportView
from cogs.reports.forms import FORM, REASON, form_guild, open_report_form, submitted_values
from cogs.reports.queue import send_queue
from cogs.reports.review import write_again_view

STATUS_LINES = 15


def status_line(say: Speaker, view: ReportView) -> str:
    report = view.report
    line = say(
        "report.status.line",
        id=report.id,
        trip=say("trip.label", city=view.trip.city, span=view.trip.trip.span),
        state=say(f"report.state.{report.state}"),
        count=report.units,
    )
    if report.reason and report.state in (rules.CHANGES_REQUESTED, rules.REJECTED):
        line += "\n  " + say("report.review.reason", reason=report.reason[:300])
    if report.dm_failed:
        line += "\n  " + say("report.status.dm_failed")
    return "• " + line


@app_commands.guild_only()
class Reports(commands.GroupCog, group_name="report", group_description="Reports on your trips"):
    def __init__(self, bot: commands.Bot) -> None:
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
        views = await svc.reports.mine(interaction.guild_id, interaction.user.id)
        if not views:
            await svc.members.require_member(interaction.guild_id, interaction.user.id)
            await say.send(say("report.status.empty"))
            return
        lines = [status_line(say, v) for v in views[:STATUS_LINES]]
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
            interaction.guild_id, interaction.user.id, report
        )
        trip = say("trip.label", city=view.trip.city, span=view.trip.trip.span)
        await say.send(say("report.withdraw.done", id=view.report.id, trip=trip))

    @app_commands.command(name="queue", description="Reports awaiting review, oldest first")
    @staff_only()
    async def queue(self, interaction: discord.Interaction) -> None:
        await send_queue(interaction, offset=0)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        custom_id = (interaction.data or {}).get("custom_id", "")
        try:
            if match := FORM.fullmatch(custom_id):
                guild = parse_id(match["guild"]) if match["guild"] else None
                await self._report_submitted(interaction, match["trip"], guild)
            elif match := REASON.fullmatch(custom_id):
                await self._reason_submitted(interaction, int(match["report"]), match["action"])
        except Exception as error:
            await answer_error(interaction, error)

    async def _report_submitted(
        self, interaction: discord.Interaction, trip_ref: str, guild_id: int | None
    ) -> None:
        say = await Speaker.of(interaction)
        values = submitted_values(interaction.data or {})
        guild = form_guild(interaction, guild_id)
        try:
            view = await services(interaction).reports.submit(
                guild,
                interaction.user.id,
                trip_ref,
                values.get("title"),
                values.get("body", ""),
                say.language,
            )
        except LengthRefused as refused:
            await say.send(
                say(refused.key, **refused.params) + "\n" + say("report.kept"),
                view=write_again_view(say, refused.trip_id, guild_id),
            )
            return
        trip = say("trip.label", city=view.trip.city, span=view.trip.trip.span)
        key = "report.received_again" if view.report.revision > 1 else "report.received"
        text = say(key, id=view.report.id, trip=trip, count=view.report.units)
        if view.report.late:
            text += "\n" + say("report.received_late", day=view.report.due_on)
        await say.send(text)

    async def _reason_submitted(
        self, interaction: discord.Interaction, report_id: int, action: str
    ) -> None:
        await require_staff(interaction)
        say = await Speaker.of(interaction)
        reason = submitted_values(interaction.data or {}).get("reason")
        await services(interaction).reports.decide(
            interaction.guild_id, interaction.user.id, report_id, action, reason
        )
        await say.send(say(f"report.decided.{rules.ACTIONS[action]}", id=report_id))
