"""Who may do what. The bot checks rights itself on every command, button and modal: Discord's
command permissions are only a hint that a server owner can override."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.interactions import services


class Refusal(app_commands.CheckFailure):
    """A check the user failed; carries the catalogue key of the polite answer."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def is_admin(interaction: discord.Interaction) -> bool:
    """Manage Server in this guild (Discord computes ``permissions``, Administrator included)."""
    return interaction.guild_id is not None and interaction.permissions.manage_guild


async def is_staff(interaction: discord.Interaction) -> bool:
    if is_admin(interaction):
        return True
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    role_id = (await services(interaction).settings.get(interaction.guild_id)).staff_role_id
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)


def _require_guild(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()


def refuse_outside_allowed_contexts(interaction: discord.Interaction) -> None:
    """A command used where it was not registered for (a direct message, a group DM) is refused
    before it runs. Discord does not offer it there, but an old client or a forged payload can
    still send it: the answer is that it works in the association's server."""
    command = interaction.command
    if command is None:
        return
    root = command.root_parent if isinstance(command, app_commands.Command) else None
    allowed = (root or command).allowed_contexts
    if allowed is None:
        return
    if interaction.guild_id is not None:
        here = allowed.guild
    elif interaction.context.private_channel:
        here = allowed.private_channel
    else:
        here = allowed.dm_channel
    if not here:
        raise app_commands.NoPrivateMessage()


async def require_admin(interaction: discord.Interaction) -> bool:
    _require_guild(interaction)
    if not is_admin(interaction):
        raise Refusal("error.not_admin")
    return True


async def require_staff(interaction: discord.Interaction) -> bool:
    _require_guild(interaction)
    if not await is_staff(interaction):
        raise Refusal("error.not_staff")
    return True


def admin_only() -> Any:
    return app_commands.check(require_admin)


def staff_only() -> Any:
    return app_commands.check(require_staff)
