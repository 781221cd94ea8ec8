"""/city: the partner cities, for everyone; export, import and preset switch for staff."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import staff_only
from bot.domain import countries
from bot.domain.ask.answers import Answer, NotFound, Scope
from bot.domain.cities import Association, City, CityDataError, Since
from bot.interactions import Speaker, guild_id, read_attachment, services
from bot.progress import ProgressReply
from bot.services import presets
from bot.subsidy_text import standing_text

if TYPE_CHECKING:
    from bot.app import AssociationBot

EMBED_DESCRIPTION_LIMIT = 4_000
MAX_PROBLEMS_SHOWN = 15


def format_since(say: Speaker, since: Since) -> str:
    if since.month is None:
        return say("date.year", year=since.year)
    month = say(f"month.{since.month}")
    if since.day is None:
        return say("date.year_month", year=since.year, month=month)
    return say("date.full", year=since.year, month=month, day=since.day)


def country_name(say: Speaker, code: str) -> str:
    return countries.name(code, say.language)


def relationship(say: Speaker, city: City) -> str:
    kind = say(f"relationship.{city.relationship}")
    return say("relationship.planned", relationship=kind) if city.planned else kind


def whose_relationship(say: Speaker, city: City) -> str:
    """The relationship, saying whose partner the city is when it is not the home city's
    ("Shiga Prefecture's sister state")."""
    kind = relationship(say, city)
    partner = city.partner_of(say.language)
    return say("relationship.of", partner=partner, relationship=kind) if partner else kind


def city_line(say: Speaker, city: City) -> str:
    return say(
        "city.list.line",
        name=city.name(say.language),
        other=city.other_name(say.language),
        relationship=whose_relationship(say, city),
        since=format_since(say, city.since),
        country=country_name(say, city.country),
    )


def city_embed(say: Speaker, city: City) -> discord.Embed:
    lang = say.language
    embed = discord.Embed(
        title=say("city.names", name=city.name(lang), other=city.other_name(lang)),
        description=city.description(lang)[:EMBED_DESCRIPTION_LIMIT],
        colour=discord.Colour.teal(),
    )
    embed.add_field(name=say("city.info.relationship"), value=whose_relationship(say, city))
    embed.add_field(name=say("city.info.since"), value=format_since(say, city.since))
    embed.add_field(
        name=say("city.info.location"),
        value=say(
            "city.info.location_value",
            region=city.region(lang),
            country=country_name(say, city.country),
        ),
    )
    facts = "\n".join(f"• {fact}" for fact in city.facts(lang))
    if facts:
        embed.add_field(name=say("city.info.facts"), value=facts[:1024], inline=False)
    if city.links:
        links = "\n".join(
            f"[{link.label_ja if lang == 'ja' else link.label_en}]({link.url})"
            for link in city.links
        )
        embed.add_field(name=say("city.info.links"), value=links[:1024], inline=False)
    embed.add_field(
        name=say("city.info.subsidy"),
        value=say("city.info.subsidy_yes" if city.subsidy_eligible else "city.info.subsidy_no"),
        inline=False,
    )
    return embed


def _scope(say: Speaker, scope: Scope) -> str:
    kind = (
        say(f"relationship.plural.{scope.relationship}")
        if scope.relationship
        else say("ask.scope.all")
    )
    if scope.year is not None:
        return say("ask.scope.in_year", kind=kind, year=scope.year)
    if scope.country is not None:
        key = "ask.scope.outside" if scope.outside else "ask.scope.in_country"
        return say(key, kind=kind, country=country_name(say, scope.country))
    return kind


def _listed(say: Speaker, city: City) -> str:
    name = city.name(say.language)
    return say("ask.planned_name", name=name) if city.planned else name


def _whose(answer: Answer, association: Association, language: str) -> str:
    """Whose partners the answer speaks of: the home city's, or another's when every city it
    names is that other's partner (Michigan and Shiga Prefecture)."""
    named = (answer.city,) if answer.city else answer.cities
    partners = {c.partner_of(language) for c in named}
    if len(partners) == 1 and (partner := partners.pop()):
        return partner
    return association.home(language)


def render_answer(
    say: Speaker, answer: Answer, association: Association, viewer: int | None
) -> str:
    """The reply to /city ask: the sentence, then its source on a line of small print."""
    lang = say.language
    city = answer.city
    if answer.key == "ask.standing":
        sentence = standing_text(say, answer.values["standing"], viewer)
    else:
        values: dict[str, object] = {
            "home": _whose(answer, association, lang),
            "cities": say("list.separator").join(_listed(say, c) for c in answer.cities),
            **answer.values,
        }
        if isinstance(answer.values.get("scope"), Scope):
            values["scope"] = _scope(say, answer.values["scope"])
        if city is not None:
            values.update(
                city=city.name(lang),
                since=format_since(say, city.since),
                region=city.region(lang),
                links=" ".join(link.url for link in city.links),
                # "planned" says it already; the relationship says it again otherwise
                relationship=say(f"relationship.{city.relationship}")
                if answer.key == "ask.planned"
                else relationship(say, city),
                country=country_name(say, city.country),
            )
        if len(answer.cities) == 2 and city is not None:
            other = answer.cities[1]
            values.update(other=other.name(lang), other_since=format_since(say, other.since))
        sentence = say(answer.key, **values)
    what = say(answer.source)
    if city is None:
        source = say("ask.cited", what=what)
    else:
        source = say("ask.cited_city", city=city.name(lang), what=what)
    return f"{sentence}\n-# {source}"


def render_reply(
    say: Speaker, found: Answer | NotFound, association: Association, viewer: int | None
) -> str:
    """The reply to /city ask; ``viewer`` is who asked."""
    if isinstance(found, NotFound):
        if not found.suggestions:
            return say("ask.unknown_none")
        names = say("list.separator").join(c.name(say.language) for c in found.suggestions)
        return say("ask.unknown", cities=names)
    return render_answer(say, found, association, viewer)


def problem_lines(say: Speaker, error: CityDataError) -> list[str]:
    lines = [
        say(f"city.import.problem.{p.kind}", field=p.field, detail=p.detail)
        for p in error.problems[:MAX_PROBLEMS_SHOWN]
    ]
    if len(error.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(say("city.import.more", count=len(error.problems) - MAX_PROBLEMS_SHOWN))
    return lines


@app_commands.guild_only()
class Cities(commands.GroupCog, group_name="city", group_description="Our partner cities"):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="list", description="The partner cities")
    async def list_cities(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        found = await services(interaction).cities.list(guild_id(interaction))
        lines = [city_line(say, city) for city in found]
        text = "\n".join(lines)[:EMBED_DESCRIPTION_LIMIT] or say("city.list.empty")
        embed = discord.Embed(
            title=say("city.list.title"),
            colour=discord.Colour.teal(),
            # the commands as mentions a reader can tap (a footer would show them as plain text)
            description=text + "\n\n" + say("city.list.more"),
        )
        await say.send(embed=embed)

    @app_commands.command(name="info", description="One partner city in full")
    @app_commands.describe(city="Start typing a name, in English or Japanese")
    @app_commands.autocomplete(city=autocomplete.cities)
    async def info(self, interaction: discord.Interaction, city: str) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.cities.get(guild_id(interaction), city)
        embed = city_embed(say, found)
        if found.subsidy_eligible:
            year = await svc.subsidy.fiscal_year(guild_id(interaction))
            standing = await svc.subsidy.standing(guild_id(interaction), found, year)
            embed.set_field_at(
                len(embed.fields) - 1,
                name=say("city.info.subsidy"),
                value=standing_text(say, standing, interaction.user.id),
                inline=False,
            )
        await say.send(embed=embed)

    @app_commands.command(name="ask", description="Ask a question about the partner cities")
    @app_commands.describe(
        question="In English or Japanese, in your own words: e.g. Which partner city is the oldest?"
    )
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]
    ) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.questions.ask(
            guild_id(interaction), question, say.language, svc.clock.today()
        )
        association = await svc.cities.association(guild_id(interaction))
        await say.send(render_reply(say, found, association, interaction.user.id))

    @app_commands.command(name="export", description="Download this server's city data as a file")
    @staff_only()
    async def export(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        data = await services(interaction).cities.export(guild_id(interaction))
        await say.send(
            say("city.export.done"), file=discord.File(io.BytesIO(data), filename="cities.json")
        )

    @app_commands.command(name="import", description="Replace this server's city data from a file")
    @app_commands.describe(file="A JSON file like the one /city export gives (or TOML)")
    @staff_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await read_attachment(file)
        reply = ProgressReply(say, "progress.cities")
        try:
            imported = await services(interaction).cities.import_file(
                guild_id(interaction), interaction.user.id, file.filename, raw, reply.update
            )
        except CityDataError as error:
            lines = problem_lines(say, error)
            await reply.send(
                say("city.import.invalid", count=len(error.problems)) + "\n" + "\n".join(lines)
            )
            return
        await reply.send(say("city.import.done", count=len(imported)))

    @app_commands.command(
        name="preset", description="Replace this server's cities with a shipped preset"
    )
    @app_commands.describe(name="The preset to use")
    @app_commands.choices(
        name=[
            app_commands.Choice(
                name=app_commands.locale_str(
                    f"{presets.load(n).association.name_en} ({n})"[:100],
                    key=f"choice.preset.{n}",
                ),
                value=n,
            )
            for n in presets.available()
        ]
    )
    @staff_only()
    async def preset(self, interaction: discord.Interaction, name: str) -> None:
        say = await Speaker.of(interaction)
        found = await services(interaction).cities.use_preset(
            guild_id(interaction), interaction.user.id, name
        )
        association = presets.load(name).association.name(say.language)
        await say.send(say("city.preset.done", name=association, count=len(found)))


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Cities(bot))
