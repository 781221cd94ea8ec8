"""Every command, group and option the bot registers carries a Japanese name and description."""

from __future__ import annotations

from pathlib import Path

import discord
from discord import app_commands

from bot.app import AssociationBot, extension_names
from bot.config import Settings
from bot.i18n.translator import Translator


async def test_every_command_and_option_has_japanese(tmp_path: Path):
    bot = AssociationBot(Settings(token="x", database_path=tmp_path / "db.sqlite3"))
    try:
        for name in extension_names():
            await bot.load_extension(name)
        translator = Translator()
        missing = []
        for command in bot.tree.get_commands():
            payload = await command.get_translated_payload(bot.tree, translator)
            stack = [(payload, command.name)]
            while stack:
                item, where = stack.pop()
                for field in ("name_localizations", "description_localizations"):
                    if "ja" not in (item.get(field) or {}) and not (
                        field == "description_localizations"
                        and item.get("type") == 1
                        and "description" not in item
                    ):
                        missing.append(f"{where}: {field}")
                for choice in item.get("choices", []):
                    if "ja" not in (choice.get("name_localizations") or {}):
                        missing.append(f"{where}: choice {choice['name']}")
                stack += [(o, f"{where} {o['name']}") for o in item.get("options", [])]
        assert missing == []
        # Japanese names are unique among siblings, as Discord requires
        for command in bot.tree.walk_commands():
            if isinstance(command, app_commands.Group):
                names = [
                    await translator.translate(
                        c._locale_name,
                        discord.Locale.japanese,
                        app_commands.TranslationContext(
                            app_commands.TranslationContextLocation.command_name, c
                        ),
                    )
                    for c in command.commands
                ]
                assert len(names) == len(set(names)), command.name
    finally:
        await bot.close()
