"""The one place where an interaction's error becomes an answer.

Errors the user can fix become a clear ephemeral message in their language. Anything else becomes
"something went wrong" with a short reference id; the same id is logged with the traceback, so the
office can quote it and a maintainer can find it. Autocomplete cannot carry a message: a refused
or failed one is answered with no choices (and the failure logged the same way).
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.checks import Refusal
from bot.domain.errors import DomainError
from bot.i18n import t
from bot.interactions import language, locale_language, send

log = logging.getLogger("bot.errors")


def new_reference() -> str:
    return secrets.token_hex(4).upper()


def _unwrap(error: BaseException) -> BaseException:
    """Commands wrap what their callback raised; views and modals pass it on as it is."""
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


def describe(
    error: BaseException,
    kind: discord.InteractionType = discord.InteractionType.application_command,
) -> tuple[str, dict] | None:
    """The catalogue key and parameters for an error the user can act on, else None."""
    if isinstance(error, DomainError | Refusal):
        return error.key, error.params
    if isinstance(error, app_commands.NoPrivateMessage):
        command = kind in (
            discord.InteractionType.application_command,
            discord.InteractionType.autocomplete,
        )
        return ("error.guild_only" if command else "error.server_only.button"), {}
    if isinstance(error, app_commands.CommandOnCooldown):
        return "error.cooldown", {"seconds": f"{error.retry_after:.0f}"}
    if isinstance(error, app_commands.TransformerError):
        return "error.bad_value", {"value": str(error.value)[:100]}
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "error.outdated_command", {}
    return None


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    error = _unwrap(error)
    known = describe(error, interaction.type)
    reference = None
    if known is not None:
        log.debug("Refused interaction %s with %s", interaction.id, known[0])
    else:
        reference = new_reference()
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "Unexpected error, reference %s "
            "(interaction %s, type %s, command %s, user %s, guild %s)",
            reference,
            interaction.id,
            interaction.type.name,
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
    if interaction.type is discord.InteractionType.autocomplete:
        await _no_choices(interaction)
        return
    try:
        lang = await language(interaction)
    except Exception:  # the database itself may be what failed
        lang = locale_language(interaction) or "en"
    message = (
        t(lang, "error.unexpected", reference=reference)
        if known is None
        else t(lang, known[0], **known[1])
    )
    try:
        await send(interaction, message, ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "Could not deliver the error answer (reference %s) for interaction %s",
            reference,
            interaction.id,
            exc_info=True,
        )


async def _no_choices(interaction: discord.Interaction) -> None:
    if interaction.response.is_done():
        return
    try:
        await interaction.response.autocomplete([])
    except discord.HTTPException:
        log.warning("Could not answer autocomplete %s", interaction.id, exc_info=True)
