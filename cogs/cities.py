"""/city: the partner cities, for everyone; export, import and preset switch for staff."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot import autocomplete
from bot.checks import staff_only
from bot.domain.cities import COUNTRIES, City, CityDataError, Since
from bot.domain.city_answers import Answer
from bot.interactions import Speaker, services
from bot.progress import ProgressReply
from bot.services import presets
from bot.subsidy_text import standing_text

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
    english, japanese, _ = COUNTRIES[code]
    return japanese if say.language == "ja" else english


def relationship(say: Speaker, city: City, *, plural: bool = False) -> str:
    kind = say(f"relationship.{'plural.' if plural else ''}{city.relationship}")
    return say("relationship.planned", relationship=kind) if city.planned else kind


def city_line(say: Speaker, city: City) -> str:
    other = city.name_en if say.language == "ja" else city.name_ja
    return say(
        "city.list.line",
        name=city.name(say.language),
        other=other,
        relationship=relationship(say, city),
        since=format_since(say, city.since),
        country=country_name(say, city.country),
    )


def city_embed(say: Speaker, city: City) -> discord.Embed:
    lang = say.language
    embed = discord.Embed(
        title=f"{city.name_en} · {city.name_ja}",
        description=city.description(lang)[:EMBED_DESCRIPTION_LIMIT],
        colour=discord.Colour.teal(),
    )
    embed.add_field(name=say("city.info.relationship"), value=relationship(say, city))
    embed.add_field(name=say("city.info.since"), value=format_since(say, city.since))
    embed.add_field(
        name=say("city.info.location"),
        value=f"{city.region(lang)} ({country_name(say, city.country)})",
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


def render_answer(say: Speaker, answer: Answer, home: str) -> str:
    lang = say.language
    city = answer.city
    names = [c.name(lang) for c in answer.cities]
    values: dict[str, object] = {
        "home": home,
        "cities": say("list.separator").join(names) or say("list.none"),
        "count": len(names),
        **answer.values,
    }
    if "country" in answer.values:
        values["country"] = country_name(say, answer.values["country"])
    if "relationship" in answer.values:
        values["relationship"] = say(f"relationship.plural.{answer.values['relationship']}")
    if city is not None:
        values.update(
            city=city.name(lang),
            since=format_since(say, city.since),
            region=city.region(lang),
            description=city.description(lang),
            links=" ".join(link.url for link in city.links),
        )
        values.setdefault("relationship", relationship(say, city))
        values.setdefault("country", country_name(say, city.country))
    sentence = say(answer.key, **values)
    what = say(answer.source)
    source = say("ask.cited", what=f"{city.name(lang)} · {what}" if city else what)
    return f"{sentence}\n-# {source}"


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
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="list", description="The partner cities")
    async def list_cities(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        found = await services(interaction).cities.list(interaction.guild_id)
        lines = [city_line(say, city) for city in found]
        text = "\n".join(lines) or say("city.list.empty")
        embed = discord.Embed(
            title=say("city.list.title"),
            colour=discord.Colour.teal(),
            description=text[:EMBED_DESCRIPTION_LIMIT],
        )
        embed.set_footer(text=say("city.list.footer"))
        await say.send(embed=embed)

    @app_commands.command(name="info", description="One partner city in full")
    @app_commands.describe(city="Start typing a name, in English or Japanese")
    @app_commands.autocomplete(city=autocomplete.cities)
    async def info(self, interaction: discord.Interaction, city: str) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.cities.get(interaction.guild_id, city)
        embed = city_embed(say, found)
        if found.subsidy_eligible:
            year = await svc.subsidy.fiscal_year(interaction.guild_id)
            standing = await svc.subsidy.standing(interaction.guild_id, found, year)
            embed.set_field_at(
                len(embed.fields) - 1,
                name=say("city.info.subsidy"),
                value=standing_text(say, standing),
                inline=False,
            )
        await say.send(embed=embed)

    @app_commands.command(name="ask", description="Ask a question about the partner cities")
    @app_commands.describe(
        question="For example: When did Kusatsu and Pontiac become sister cities?"
    )
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]
    ) -> None:
        say = await Speaker.of(interaction)
        cities = services(interaction).cities
        today = services(interaction).clock.today()
        answer = await cities.ask(interaction.guild_id, question, say.language, today)
        if answer is None:
            close = await cities.suggestions(interaction.guild_id, question)
            names = say("list.separator").join(c.name(say.language) for c in close)
            await say.send(say("ask.unknown", cities=names or say("list.none")))
            return
        home = await cities.home(interaction.guild_id, say.language)
        await say.send(render_answer(say, answer, home))

    @app_commands.command(name="export", description="Download this server's city data as a file")
    @staff_only()
    async def export(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        data = await services(interaction).cities.export(interaction.guild_id)
        await say.send(
            say("city.export.done"), file=discord.File(io.BytesIO(data), filename="cities.json")
        )

    @app_commands.command(name="import", description="Replace this server's city data from a file")
    @app_commands.describe(file="A JSON file like the one /city export gives (or TOML)")
    @staff_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await file.read()
        reply = ProgressReply(say, "progress.cities")
        try:
            imported = await services(interaction).cities.import_file(
                interaction.guild_id, interaction.user.id, file.filename, raw, reply.update
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
                    f"{presets.load(n).association_en} ({n})"[:100], key=f"choice.preset.{n}"
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
            interaction.guild_id, interaction.user.id, name
        )
        await say.send(say("city.preset.done", name=name, count=len(found)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Cities(bot))
