"""Helpers every cog uses to speak to a user: in which language, and how to answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.domain.errors import DomainError
from bot.i18n import catalogue, t
from bot.i18n.catalogue import language_of_locale

if TYPE_CHECKING:
    from bot.app import AssociationBot
    from bot.services import Services


def app(client: discord.Client) -> AssociationBot:
    """The bot, typed as what it is. Every client that runs this code is an AssociationBot
    (bot.app imports this module, so the type can only be named here, not checked at run time)."""
    return cast("AssociationBot", client)


def services(interaction: discord.Interaction) -> Services:
    return app(interaction.client).services


def guild_id(interaction: discord.Interaction) -> int:
    """The association's server the interaction came from. From anywhere else (a direct message,
    a group DM) it is refused with the answer that this works only in the association's server:
    the services need a server to look anything up in."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def read_attachment(file: discord.Attachment) -> bytes:
    """The bytes of a file a user attached; Discord's file server can fail or have dropped it."""
    try:
        return await file.read()
    except discord.HTTPException:
        raise DomainError("error.file.unreadable") from None


def locale_language(interaction: discord.Interaction) -> str | None:
    """The language of the user's Discord client, where it is one the bot speaks."""
    return language_of_locale(interaction.locale.value)


async def language(interaction: discord.Interaction) -> str:
    """The user's Discord language, else the guild's language setting, else English."""
    spoken = locale_language(interaction)
    if spoken is not None:
        return spoken
    if interaction.guild_id is not None:
        return (await services(interaction).settings.get(interaction.guild_id)).language
    return "en"


class Speaker:
    """One interaction's language, resolved once: ``say = await Speaker.of(i); say("key")``."""

    def __init__(self, interaction: discord.Interaction, language: str) -> None:
        self.interaction = interaction
        self.language = language

    @classmethod
    async def of(cls, interaction: discord.Interaction) -> Speaker:
        return cls(interaction, await language(interaction))

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(self.language, key, **params)

    def command(self, path: str) -> str:
        """The command ``path`` (``trip log``) as a mention this reader can tap."""
        return catalogue().command(self.language, path)

    async def send(self, content: str | None = None, /, **kwargs: Any) -> None:
        await send(self.interaction, content, **kwargs)


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = True,
    **kwargs: Any,
) -> None:
    """Answer ``interaction`` whether or not it was already answered or deferred.

    Nothing sent this way pings anyone unless the caller passes ``allowed_mentions``.
    """
    kwargs = {k: v for k, v in {"content": content, **kwargs}.items() if v is not None}
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
