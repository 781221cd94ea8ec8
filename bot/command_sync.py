"""Command sync without hammering Discord's rate-limited endpoint.

The bot pushes its command set only when it differs from the last one pushed to that scope
(the global commands, or one development guild): on the very first start, and after an upgrade
that changed a command, a name or a translation. A normal restart syncs nothing.
``python run_bot.py sync`` pushes unconditionally.

Messages name commands by Discord's command mention (bot.i18n.mentions), which needs each
command's id. A sync returns the ids, and they are kept in the database; a start that does not
sync reads them from Discord once (one GET), or from the database when Discord does not answer.
"""

from __future__ import annotations

import hashlib
import json
import logging

import discord
from discord import app_commands

from bot.i18n.mentions import COMMAND_IDS
from bot.services.bot_state import BotStateService

log = logging.getLogger(__name__)


def _state_key(guild_id: int | None) -> str:
    return f"commands.fingerprint.{guild_id or 'global'}"


def _ids_key(guild_id: int | None) -> str:
    return f"commands.ids.{guild_id or 'global'}"


async def _remember_ids(
    state: BotStateService, guild_id: int | None, commands: list[app_commands.AppCommand]
) -> None:
    ids = {command.name: command.id for command in commands}
    await state.put(_ids_key(guild_id), json.dumps(ids, sort_keys=True))
    COMMAND_IDS.replace(ids)


async def learn_ids(
    tree: app_commands.CommandTree, state: BotStateService, guild_id: int | None
) -> None:
    """At a start that did not sync: the command ids from Discord, else from the last sync.
    Never fails start-up: without ids, messages write command names out."""
    guild = discord.Object(guild_id) if guild_id else None
    try:
        fetched = await tree.fetch_commands(guild=guild)
    except (discord.HTTPException, discord.ClientException):
        log.warning("Could not read the command ids from Discord; using the stored ones.")
        stored = await state.get(_ids_key(guild_id))
        COMMAND_IDS.replace({k: int(v) for k, v in json.loads(stored).items()} if stored else {})
        return
    await _remember_ids(state, guild_id, fetched)


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
    await _remember_ids(state, guild_id, commands)
    return len(commands)


async def sync_if_changed(
    tree: app_commands.CommandTree, state: BotStateService, guild_id: int | None
) -> bool:
    """Sync when the command set changed since the last sync to this scope; never fail start-up.
    Either way the command ids are known afterwards (see :func:`learn_ids`)."""
    if guild_id:
        tree.copy_global_to(guild=discord.Object(guild_id))
    current = await fingerprint(tree, guild_id)
    if await state.get(_state_key(guild_id)) == current:
        log.info("Commands unchanged since the last sync; not syncing.")
        await learn_ids(tree, state, guild_id)
        return False
    where = f"guild {guild_id}" if guild_id else "all servers"
    try:
        count = await sync(tree, state, guild_id)
    except discord.HTTPException:
        log.exception("Command sync failed; run `python run_bot.py sync` to retry.")
        await learn_ids(tree, state, guild_id)
        return False
    log.info("The command set changed: synced %d commands to %s.", count, where)
    return True
