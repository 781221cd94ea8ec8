"""Command sync without hammering Discord's rate-limited endpoint.

The bot pushes its command set only when it differs from the last one pushed to that scope
(the global commands, or one development guild): on the very first start, and after an upgrade
that changed a command, a name or a translation. A normal restart syncs nothing.
``python run_bot.py sync`` pushes unconditionally.
"""

from __future__ import annotations

import hashlib
import json
import logging

import discord
from discord import app_commands

from bot.services.bot_state import BotStateService

log = logging.getLogger(__name__)


def _state_key(guild_id: int | None) -> str:
    return f"commands.fingerprint.{guild_id or 'global'}"


async def fingerprint(tree: app_commands.CommandTree, guild_id: int | None) -> str:
    """A hash of exactly what a sync would send: commands, options and their translations."""
    guild = discord.Object(guild_id) if guild_id else None
    translator = tree.translator
    payload = []
    for command in sorted(tree.get_commands(guild=guild), key=lambda c: c.name):
        if translator is None:
            payload.append(command.to_dict(tree))
        else:
            payload.append(await command.get_translated_payload(tree, translator))
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def sync(tree: app_commands.CommandTree, state: BotStateService, guild_id: int | None) -> int:
    """Push the command set to ``guild_id`` (or globally); return how many commands were sent."""
    guild = None
    if guild_id:
        guild = discord.Object(guild_id)
        tree.copy_global_to(guild=guild)
    commands = await tree.sync(guild=guild)
    await state.put(_state_key(guild_id), await fingerprint(tree, guild_id))
    return len(commands)


async def sync_if_changed(
    tree: app_commands.CommandTree, state: BotStateService, guild_id: int | None
) -> bool:
    """Sync when the command set changed since the last sync to this scope; never fail start-up."""
    if guild_id:
        tree.copy_global_to(guild=discord.Object(guild_id))
    current = await fingerprint(tree, guild_id)
    if await state.get(_state_key(guild_id)) == current:
        log.info("Commands unchanged since the last sync; not syncing.")
        return False
    where = f"guild {guild_id}" if guild_id else "all servers"
    try:
        count = await sync(tree, state, guild_id)
    except discord.HTTPException:
        log.exception("Command sync failed; run `python run_bot.py sync` to retry.")
        return False
    log.info("The command set changed: synced %d commands to %s.", count, where)
    return True
