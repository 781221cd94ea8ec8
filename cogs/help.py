"""/help: how to take part, in the order it happens, short enough to read on a phone.

A member reads the steps (become a member, log the trip, write the report, staff review, the
subsidy) with this association's amount, year and length range, then how the bot reaches them
(direct messages) and how to type a command. Staff and administrators also see their commands,
each as a mention their Discord shows in their language and can tap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_admin, is_staff, require_admin, require_staff
from bot.domain.dates import Span
from bot.domain.fiscal import FiscalYear
from bot.i18n.catalogue import command_localisations
from bot.i18n.translator import command_key
from bot.interactions import Speaker, services
from bot.services import presets

if TYPE_CHECKING:
    from bot.app import AssociationBot

EMBED_FIELD_LIMIT = 1024
# the order staff meet their commands in: the registry, the review, the ledger, the city data
SECTION_ORDER = ("member", "report", "subsidy", "city", "setup")


def audience(command: app_commands.Command) -> str:
    checks = set(command.checks)
    if require_admin in checks:
        return "admin"
    if require_staff in checks:
        return "staff"
    return "everyone"


def describe(command: app_commands.Command, language: str) -> str:
    if language == "ja":
        key = command_key(command.qualified_name) + ".description"
        return command_localisations().get(key, command.description)
    return command.description


def _lines_to_fields(lines: list[str]) -> list[str]:
    """Pack lines into embed field values of at most 1,024 characters."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= EMBED_FIELD_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:EMBED_FIELD_LIMIT])
    return chunks


def _section_rank(command: app_commands.Command) -> int:
    root = command.qualified_name.split()[0]
    return SECTION_ORDER.index(root) if root in SECTION_ORDER else len(SECTION_ORDER)


class Help(commands.Cog):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    def commands_for(self, group: str) -> list[app_commands.Command]:
        found = [
            command
            for command in self.bot.tree.walk_commands()
            if isinstance(command, app_commands.Command) and audience(command) == group
        ]
        return sorted(found, key=_section_rank)  # stable: the tree's order within a section

    @app_commands.command(name="help", description="How to take part, and the travel subsidy")
    async def help(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        in_server = interaction.guild_id is not None
        settings = (
            await svc.settings.get(interaction.guild_id)
            if interaction.guild_id is not None
            else svc.settings.defaults(0)  # a direct message: the program as it starts
        )
        year = FiscalYear.containing(svc.clock.today(), settings.fiscal_year_start_month)
        amount = f"{settings.subsidy_amount_yen:,}"
        embed = discord.Embed(
            title=say("help.title"),
            description=say(
                "help.intro",
                association=(
                    (await svc.cities.association(interaction.guild_id)).name(say.language)
                    if interaction.guild_id is not None
                    else presets.load(settings.preset).association.name(say.language)
                ),
                amount=amount,
                year=Span(year.start, year.end),
            ),
            colour=discord.Colour.blurple(),
        )
        steps = say(
            "help.steps.body",
            amount=amount,
            min=settings.report_min_units,
            max=settings.report_max_units,
        )
        for part, value in (
            ("steps", steps),
            ("more", say("help.more.body")),
            ("dm", say("help.dm.body")),
            ("slash", say("help.slash.body")),
        ):
            embed.add_field(name=say(f"help.{part}.title"), value=value, inline=False)

        shown = []
        if in_server and await is_staff(interaction):
            shown.append("staff")
        if in_server and is_admin(interaction):
            shown.append("admin")
        for group in shown:
            lines = [
                say(
                    "help.command",
                    command=say.command(command.qualified_name),
                    description=describe(command, say.language),
                )
                for command in self.commands_for(group)
            ]
            for index, value in enumerate(_lines_to_fields(lines)):
                name = say(f"help.section.{group}") if index == 0 else "\u200b"
                embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=say("help.footer"))
        await say.send(embed=embed)


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Help(bot))
