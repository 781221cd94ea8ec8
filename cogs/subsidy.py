"""/subsidy: whether a city's subsidy is still open, why my trips do or do not receive it, and
the ledger staff keep (paid, void)."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import staff_only
from bot.domain.dates import Span
from bot.domain.outbox import MessageRef
from bot.i18n import t
from bot.interactions import Speaker, services
from bot.outbox import Rendered
from bot.progress import ProgressReply
from bot.services.transitions import SUBSIDY_DM
from bot.subsidy_text import standing_text

LEDGER_LINES = 20


def grant_line(say: Speaker, grant: Any, names: dict[str, str]) -> str:
    return say(
        "subsidy.ledger.line",
        id=grant.id,
        city=names.get(grant.city_slug, grant.city_slug),
        user=f"<@{grant.user_id}>",
        amount=f"{grant.amount_yen:,}",
        state=say(f"subsidy.state.{grant.state}"),
    )


@app_commands.guild_only()
class Subsidy(commands.GroupCog, group_name="subsidy", group_description="The travel subsidy"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="check", description="Is a city's subsidy still open this year?")
    @app_commands.describe(
        city="Start typing a name", year="Fiscal year, e.g. 2025 (default: this one)"
    )
    @app_commands.autocomplete(city=autocomplete.cities)
    async def check(
        self,
        interaction: discord.Interaction,
        city: app_commands.Range[str, 1, 100],
        year: app_commands.Range[int, 2000, 2100] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.cities.get(interaction.guild_id, city)
        fiscal = await svc.subsidy.fiscal_year(interaction.guild_id, year)
        standing = await svc.subsidy.standing(interaction.guild_id, found, fiscal)
        await say.send(standing_text(say, standing))

    @app_commands.command(
        name="mine", description="For each of your trips: subsidy or not, and why"
    )
    async def mine(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        await svc.members.require_member(interaction.guild_id, interaction.user.id)
        trips = {
            v.trip.id: v for v in await svc.trips.mine(interaction.guild_id, interaction.user.id)
        }
        lines = []
        for trip_id, why in await svc.subsidy.mine(interaction.guild_id, interaction.user.id):
            view = trips.get(trip_id)
            if view is not None:
                label = say("trip.label", city=view.city, span=view.trip.span)
                lines.append(f"• {label}: {say(why.key, **why.params)}")
        await say.send("\n".join(lines)[:2_000] if lines else say("trip.list.empty"))

    @app_commands.command(name="ledger", description="The subsidy ledger for a fiscal year")
    @app_commands.describe(year="Fiscal year, e.g. 2025 (default: this one)")
    @staff_only()
    async def ledger(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        svc = services(interaction)
        fiscal = await svc.subsidy.fiscal_year(interaction.guild_id, year)
        reply = ProgressReply(say, "progress.grants")
        grants = await svc.subsidy.ledger(interaction.guild_id, fiscal.year, reply.update)
        names = {
            slug: c.name(say.language)
            for slug, c in (await svc.cities.by_slug(interaction.guild_id)).items()
        }
        title = say(
            "subsidy.ledger.title",
            year=say("subsidy.year", year=fiscal.year, span=Span(fiscal.start, fiscal.end)),
        )
        lines = [grant_line(say, g, names) for g in grants[:LEDGER_LINES]] or [
            say("subsidy.ledger.empty")
        ]
        if len(grants) > LEDGER_LINES:
            lines.append(say("member.list.more", count=len(grants) - LEDGER_LINES))
        embed = discord.Embed(
            title=title, description="\n".join(lines), colour=discord.Colour.green()
        )
        data = svc.subsidy.ledger_csv(grants, names)
        await reply.send(
            embed=embed, file=discord.File(io.BytesIO(data), filename=f"ledger-{fiscal.year}.csv")
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
            interaction.guild_id, interaction.user.id, grant, method
        )
        await say.send(
            say("subsidy.paid.done", id=done.id, day=done.paid_on, method=done.paid_method)
        )

    @app_commands.command(
        name="void", description="Void a grant; the next report in line receives it"
    )
    @app_commands.describe(
        grant="The grant (pick from the list)", reason="Why (kept in the audit log)"
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
            interaction.guild_id, interaction.user.id, grant, reason
        )
        text = say("subsidy.void.done", id=grant.strip().lstrip("#"))
        if successor is not None:
            text += "\n" + say(
                "subsidy.void.next", user=f"<@{successor.user_id}>", id=successor.report_id
            )
        else:
            text += "\n" + say("subsidy.void.open")
        await say.send(text)


async def subsidy_dm(bot: Any, message: MessageRef) -> Rendered:
    guild_id = message.guild_id
    grant = await bot.services.subsidy.grant(guild_id, message["grant_id"])
    language = (await bot.services.settings.get(guild_id)).language
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


async def setup(bot: commands.Bot) -> None:
    bot.outbox.register(SUBSIDY_DM, subsidy_dm)  # type: ignore[attr-defined]
    await bot.add_cog(Subsidy(bot))
