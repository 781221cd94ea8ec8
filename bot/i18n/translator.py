"""Japanese localisations for command, option and choice names and descriptions.

Keys come from where a string sits, so cogs need no wrapper around every name:
``cmd.<qualified name, dotted>.name`` / ``.description`` for commands and groups,
``cmd.<command>.param.<option>.name`` / ``.description`` for options. Choices carry their key in
``locale_str(..., key="choice....")``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.i18n.catalogue import command_localisations


def command_key(qualified_name: str) -> str:
    return "cmd." + qualified_name.replace(" ", ".")


def key_for(string: app_commands.locale_str, context: app_commands.TranslationContextTypes) -> str:
    if "key" in string.extras:
        return string.extras["key"]
    location, data = context.location, context.data
    if isinstance(data, app_commands.Command | app_commands.Group | app_commands.ContextMenu):
        if location in (Where.command_name, Where.group_name):
            return command_key(data.qualified_name) + ".name"
        if location in (Where.command_description, Where.group_description):
            return command_key(data.qualified_name) + ".description"
    if isinstance(data, app_commands.Parameter):
        if location is Where.parameter_name:
            return f"{command_key(data.command.qualified_name)}.param.{data.name}.name"
        if location is Where.parameter_description:
            return f"{command_key(data.command.qualified_name)}.param.{data.name}.description"
    return ""


class Translator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.japanese:
            return None
        return command_localisations().get(key_for(string, context))
