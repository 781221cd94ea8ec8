"""/subsidy: whether a city's subsidy is still open, why my trips do or do not receive it, and
the ledger staff keep (paid, void)."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import staff_only
from bot.domain.clock import TOKYO
from bot.domain.dates import Span
from bot.domain.errors import Phrase
from bot.domain.fiscal import FiscalYear
from bot.domain.ids import parse_id
from bot.domain.outbox import MessageRef
from bot.files.chart import bar_chart
from bot.files.csv_file import csv_file
from bot.i18n import t
from bot.interactions import Speaker, guild_id, services
from bot.outbox import Rendered
from bot.progress import ProgressReply
from bot.services.subsidy import CityYear, Summary
from bot.services.transitions import SUBSIDY_DM
from bot.subsidy_text import payee, standing_text
from db.ledger import Grant

if TYPE_CHECKING:
    from bot.app import AssociationBot

LEDGER_LINES = 20
LEDGER_COLUMNS = (
    "grant", "fiscal_year", "city", "member_name", "reading", "membership_number",
    "discord_user_id", "report", "report_title", "amount_yen", "state", "granted_at", "paid_on",
    "paid_method", "void_reason",
)  # fmt: skip


async def open_year(
    interaction: discord.Interaction, year: int | None
) -> tuple[Speaker, FiscalYear, str]:
    """The opening of a staff report on a fiscal year: the answer deferred (it may take
    seconds), the year asked for (default: this one), and the language of its files, the
    server's, because they go into the association's papers."""
    say = await Speaker.of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    svc = services(interaction)
    fiscal = await svc.subsidy.fiscal_year(guild_id(interaction), year)
    language = (await svc.settings.get(guild_id(interaction))).language
    return say, fiscal, language


def grant_line(say: Speaker, grant: Grant, names: dict[str, str]) -> str:
    return say(
        "subsidy.ledger.line",
        id=grant.id,
        city=names.get(grant.city_slug, grant.city_slug),
        payee=discord.utils.escape_markdown(payee(say.language, grant)),
        user=f"<@{grant.user_id}>",
        amount=f"{grant.amount_yen:,}",
        state=say(f"subsidy.state.{grant.state}"),
    )


def ledger_file(language: str, grants: list[Grant], names: dict[str, str]) -> bytes:
    """The ledger as the office's spreadsheet, headers and states in the server's language."""
    former = t(language, "member.name.former")
    return csv_file(
        [t(language, f"csv.ledger.{c}") for c in LEDGER_COLUMNS],
        (
            [
                g.id, g.fiscal_year, names.get(g.city_slug, g.city_slug),
                former if g.member_forgotten else g.member_name, g.member_reading,
                g.member_number, str(g.user_id), g.report_id, g.report_title, g.amount_yen,
                t(language, f"subsidy.state.{g.state}"), g.granted_at.astimezone(TOKYO).date(),
                g.paid_on, g.paid_method, g.void_reason,
            ]
            for g in grants
        ),
    )  # fmt: skip


SUMMARY_COLUMNS = (
    "city", "trips", "reports", "approved", "without_subsidy", "grant", "granted_yen", "paid_yen",
)  # fmt: skip


def _city_name(language: str, line: CityYear) -> str:
    if line.city is None:
        return t(language, "subsidy.summary.total") if not line.slug else line.slug
    return line.city.name(language)


def summary_line(say: Speaker, line: CityYear) -> str:
    if not line.grant_state:  # the totals
        grant = say(
            "subsidy.summary.grant_total",
            granted=f"{line.granted_yen:,}",
            paid=f"{line.paid_yen:,}",
        )
    elif line.grant_state in ("granted", "paid"):
        grant = say(f"subsidy.summary.grant.{line.grant_state}", amount=f"{line.granted_yen:,}")
    else:
        grant = say(f"subsidy.summary.state.{line.grant_state}")
    return say(
        "subsidy.summary.line",
        city=_city_name(say.language, line),
        trips=line.trips,
        reports=line.reports,
        approved=line.approved,
        without=line.without_subsidy,
        grant=grant,
    )


def summary_file(language: str, summary: Summary) -> bytes:
    """The table for the general meeting's papers: one row per city, then the totals."""
    return csv_file(
        [t(language, f"csv.summary.{c}") for c in SUMMARY_COLUMNS],
        (
            [
                _city_name(language, line), line.trips, line.reports, line.approved,
                line.without_subsidy,
                t(language, f"subsidy.summary.state.{line.grant_state}") if line.grant_state
                else None,
                line.granted_yen, line.paid_yen,
            ]
            for line in [*summary.cities, summary.total]
        ),
    )  # fmt: skip


def summary_chart(language: str, summary: Summary, year_text: str) -> bytes:
    """Trips logged and approved reports per city, labelled in ``language``."""
    cities = summary.cities
    return bar_chart(
        t(language, "subsidy.summary.chart.title", year=year_text),
        [_city_name(language, line) for line in cities],
        [
            (t(language, "subsidy.summary.chart.trips"), [line.trips for line in cities]),
            (t(language, "subsidy.summary.chart.approved"), [line.approved for line in cities]),
        ],
        t(language, "subsidy.summary.chart.count"),
    )


@app_commands.guild_only()
class Subsidy(commands.GroupCog, group_name="subsidy", group_description="The travel subsidy"):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="check", description="Is a city's subsidy still open this year?")
    @app_commands.describe(city="Start typing a name", year="Year, e.g. 2025 (default: this year)")
    @app_commands.autocomplete(city=autocomplete.cities)
    async def check(
        self,
        interaction: discord.Interaction,
        city: app_commands.Range[str, 1, 100],
        year: app_commands.Range[int, 2000, 2100] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.cities.get(guild_id(interaction), city)
        fiscal = await svc.subsidy.fiscal_year(guild_id(interaction), year)
        standing = await svc.subsidy.standing(guild_id(interaction), found, fiscal)
        await say.send(standing_text(say, standing, interaction.user.id))

    @app_commands.command(
        name="mine", description="For each of your trips: subsidy or not, and why"
    )
    async def mine(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        await svc.members.require_member(guild_id(interaction), interaction.user.id)
        trips = {
            v.trip.id: v for v in await svc.trips.mine(guild_id(interaction), interaction.user.id)
        }
        lines = []
        for trip_id, why in await svc.subsidy.mine(guild_id(interaction), interaction.user.id):
            view = trips.get(trip_id)
            if view is not None:
                label = say("trip.label", city=view.city, span=view.trip.span)
                lines.append(say("subsidy.mine.line", trip=label, why=Phrase(why.key, why.params)))
        await say.send("\n".join(lines)[:2_000] if lines else say("trip.list.empty"))

    @app_commands.command(name="ledger", description="The subsidy ledger for a fiscal year")
    @app_commands.describe(year="Year, e.g. 2025 (default: this year)")
    @staff_only()
    async def ledger(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
    ) -> None:
        say, fiscal, language = await open_year(interaction, year)
        svc = services(interaction)
        reply = ProgressReply(say, "progress.grants")
        grants = await svc.subsidy.ledger(guild_id(interaction), fiscal.year, reply.update)
        names = {
            slug: c.name(say.language)
            for slug, c in (await svc.cities.by_slug(guild_id(interaction))).items()
        }
        title = say(
            "subsidy.ledger.title",
            year=say("subsidy.year", year=fiscal.year, span=Span(fiscal.start, fiscal.end)),
        )
        lines = [grant_line(say, g, names) for g in grants[:LEDGER_LINES]] or [
            say("subsidy.ledger.empty")
        ]
        if len(grants) > LEDGER_LINES:
            lines.append(say("subsidy.ledger.more", count=len(grants) - LEDGER_LINES))
        embed = discord.Embed(
            title=title, description="\n".join(lines), colour=discord.Colour.green()
        )
        file_names = {
            slug: c.name(language)
            for slug, c in (await svc.cities.by_slug(guild_id(interaction))).items()
        }
        data = ledger_file(language, grants, file_names)
        await reply.send(
            embed=embed, file=discord.File(io.BytesIO(data), filename=f"ledger-{fiscal.year}.csv")
        )

    @app_commands.command(
        name="summary", description="The fiscal year in numbers per city, with a chart and a CSV"
    )
    @app_commands.describe(year="Fiscal year, e.g. 2025 (default: this one)")
    @staff_only()
    async def summary(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
    ) -> None:
        say, fiscal, language = await open_year(interaction, year)
        summary = await services(interaction).subsidy.summary(guild_id(interaction), fiscal)
        span = Span(fiscal.start, fiscal.end)
        file_year = t(language, "subsidy.year", year=fiscal.year, span=span)
        png = await asyncio.to_thread(summary_chart, language, summary, file_year)
        table = summary_file(language, summary)
        lines = [summary_line(say, line) for line in summary.cities[:LEDGER_LINES]]
        lines.append(summary_line(say, summary.total))
        chart_name, table_name = f"summary-{fiscal.year}.png", f"summary-{fiscal.year}.csv"
        embed = discord.Embed(
            title=say(
                "subsidy.summary.title",
                year=say("subsidy.year", year=fiscal.year, span=span),
            ),
            description="\n".join(lines)[:4_000],
            colour=discord.Colour.green(),
        )
        embed.set_image(url=f"attachment://{chart_name}")
        await say.send(
            embed=embed,
            files=[
                discord.File(io.BytesIO(png), filename=chart_name),
                discord.File(io.BytesIO(table), filename=table_name),
            ],
        )

    @app_commands.command(name="paid", description="Mark a grant paid")
    @app_commands.describe(
        grant="The grant (pick from the list)", method="How it was paid, e.g. cash, bank transfer"
    )
    @app_commands.autocomplete(grant=autocomplete.live_grants)
    @staff_only()
    async def paid(
        self,
        interaction: discord.Interaction,
        grant: app_commands.Range[str, 1, 100],
        method: app_commands.Range[str, 1, 100],
    ) -> None:
        say = await Speaker.of(interaction)
        done = await services(interaction).subsidy.pay(
            guild_id(interaction), interaction.user.id, grant, method
        )
        await say.send(
            say("subsidy.paid.done", id=done.id, day=done.paid_on, method=done.paid_method)
        )

    @app_commands.command(
        name="void", description="Cancel a grant; the next report in line receives it"
    )
    @app_commands.describe(
        grant="The grant (pick from the list)", reason="Why (kept in the record of staff actions)"
    )
    @app_commands.autocomplete(grant=autocomplete.live_grants)
    @staff_only()
    async def void(
        self,
        interaction: discord.Interaction,
        grant: app_commands.Range[str, 1, 100],
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        say = await Speaker.of(interaction)
        successor = await services(interaction).subsidy.void(
            guild_id(interaction), interaction.user.id, grant, reason
        )
        text = say("subsidy.void.done", id=parse_id(grant))
        if successor is not None:
            text += "\n" + say(
                "subsidy.void.next", user=f"<@{successor.user_id}>", id=successor.report_id
            )
        else:
            text += "\n" + say("subsidy.void.open")
        await say.send(text)


async def subsidy_dm(bot: AssociationBot, message: MessageRef) -> Rendered:
    guild_id = message.guild_id
    grant = await bot.services.subsidy.grant(guild_id, message["grant_id"])
    language = await bot.services.languages.of_member(grant.user_id, guild_id)
    city = (await bot.services.cities.by_slug(guild_id)).get(grant.city_slug)
    return Rendered(
        content=t(
            language,
            "subsidy.dm.granted",
            city=city.name(language) if city else grant.city_slug,
            year=grant.fiscal_year,
            amount=f"{grant.amount_yen:,}",
            id=grant.report_id,
        )
    )


async def setup(bot: AssociationBot) -> None:
    bot.outbox.register(SUBSIDY_DM, subsidy_dm)
    await bot.add_cog(Subsidy(bot))
