"""/help: what the bot does and how to start, listing the commands this user can use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_admin, is_staff, require_admin, require_staff
from bot.i18n.catalogue import command_localisations
from bot.i18n.translator import command_key
from bot.interactions import Speaker

if TYPE_CHECKING:
    from bot.app import AssociationBot

EMBED_FIELD_LIMIT = 1024


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


class Help(commands.Cog):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to start")
    async def help(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        shown = {"everyone"}
        if interaction.guild_id is not None:
            if await is_staff(interaction):
                shown.add("staff")
            if is_admin(interaction):
                shown.add("admin")

        embed = discord.Embed(
            title=say("help.title"), description=say("help.intro"), colour=discord.Colour.blurple()
        )
        embed.add_field(name=say("help.start.title"), value=say("help.start.body"), inline=False)
        for group in ("everyone", "staff", "admin"):
            if group not in shown:
                continue
            lines = [
                f"`/{command.qualified_name}` — {describe(command, say.language)}"
                for command in self.bot.tree.walk_commands()
                if isinstance(command, app_commands.Command) and audience(command) == group
            ]
            for index, value in enumerate(_lines_to_fields(sorted(lines))):
                name = say(f"help.section.{group}") if index == 0 else "\u200b"
                embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=say("help.footer"))
        await say.send(embed=embed)


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Help(bot))
