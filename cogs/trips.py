"""/trip: members log their visits to the partner cities, list and cancel them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.domain import reports as rules
from bot.domain.reports import Report
from bot.interactions import Speaker, guild_id, services
from bot.services.trips import TripView

if TYPE_CHECKING:
    from bot.app import AssociationBot

LIST_LINES = 25


def trip_line(say: Speaker, view: TripView, report: Report | None) -> str:
    line = say("trip.label", city=view.city, span=view.trip.span)
    if report is not None:
        line += say("trip.list.report", state=say(f"report.state.{report.state}"))
    if view.trip.note:
        note = discord.utils.escape_markdown(view.trip.note.replace("\n", " ")[:80])
        line += say("trip.list.note", note=note)
    if report is not None and report.reason and report.state == rules.APPROVED_NO_SUBSIDY:
        line += "\n  " + say("report.review.reason", reason=report.reason[:300])
    return "• " + line


@app_commands.guild_only()
class Trips(
    commands.GroupCog, group_name="trip", group_description="Your visits to partner cities"
):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="log", description="Log a visit to a partner city")
    @app_commands.describe(
        city="Start typing a name, in English or Japanese",
        start="First day, e.g. 2025-08-03, 3 Aug 2025 or 2025年8月3日",
        end="Last day (default: the same day)",
        note="A short note for yourself (optional)",
    )
    @app_commands.autocomplete(city=autocomplete.cities)
    async def log(
        self,
        interaction: discord.Interaction,
        city: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        end: app_commands.Range[str, 1, 40] | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        view = await services(interaction).trips.log(
            guild_id(interaction), interaction.user.id, city, start, end, note
        )
        await say.send(
            say("trip.log.done", trip=say("trip.label", city=view.city, span=view.trip.span))
        )

    @app_commands.command(name="list", description="Your trips, newest first")
    async def list_trips(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        views = await svc.trips.mine(guild_id(interaction), interaction.user.id)
        if not views:
            await svc.members.require_member(guild_id(interaction), interaction.user.id)
            await say.send(say("trip.list.empty"))
            return
        latest = await svc.reports.latest_by_trip(guild_id(interaction), interaction.user.id)
        lines = [trip_line(say, v, latest.get(v.trip.id)) for v in views[:LIST_LINES]]
        if len(views) > LIST_LINES:
            lines.append(say("trip.list.more", count=len(views) - LIST_LINES))
        embed = discord.Embed(
            title=say("trip.list.title", count=len(views)),
            description="\n".join(lines),
            colour=discord.Colour.orange(),
        )
        await say.send(embed=embed)

    @app_commands.command(name="cancel", description="Cancel one of your trips")
    @app_commands.describe(trip="Pick the trip from the list")
    @app_commands.autocomplete(trip=autocomplete.my_trips)
    async def cancel(
        self, interaction: discord.Interaction, trip: app_commands.Range[str, 1, 100]
    ) -> None:
        say = await Speaker.of(interaction)
        view = await services(interaction).trips.cancel(
            guild_id(interaction), interaction.user.id, trip
        )
        await say.send(
            say("trip.cancel.done", trip=say("trip.label", city=view.city, span=view.trip.span))
        )


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Trips(bot))
