"""The Bot: opens and migrates the database, loads the cogs, answers every error in one place."""

from __future__ import annotations

import gc
import logging
import pkgutil
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import command_sync
from bot.checks import refuse_outside_allowed_contexts
from bot.config import Settings
from bot.custom_ids import CustomIdRoutes
from bot.domain.clock import Clock
from bot.error_handler import answer_error
from bot.i18n.translator import Translator
from bot.outbox import OutboxWorker
from bot.services import Services
from db.database import Database
from db.migrate import migrate

log = logging.getLogger(__name__)

# discord.py declares READY this long after the last GUILD_CREATE (default 2 s). An association's
# bot is in a handful of servers, whose GUILD_CREATEs arrive together; interactions are answered
# before READY anyway.
GUILD_READY_TIMEOUT = 0.5


def intents() -> discord.Intents:
    """The least the features need: guild structure (channels, roles, the bot's own member) to
    check permissions. No privileged intent: the bot reads no message content and needs no
    member list, because everything members do arrives as interactions."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


def extension_names() -> list[str]:
    return sorted(f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__))


class CommandTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        refuse_outside_allowed_contexts(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await answer_error(interaction, error)


class AssociationBot(commands.Bot):
    """Pass ``connector=`` (an aiohttp connector) to point the bot at another Discord, as the
    tests do; everything else comes from :class:`Settings`."""

    db: Database
    services: Services
    outbox: OutboxWorker

    def __init__(
        self,
        settings: Settings,
        *,
        sync_commands: bool = True,
        clock: Clock | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=CommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=GUILD_READY_TIMEOUT,
            **options,
        )
        self.settings = settings
        self.clock = clock or Clock()
        self.outbox = OutboxWorker(self)  # features register their renderers as they load
        self.routes = CustomIdRoutes()  # and their buttons' and forms' custom ids
        self._sync_commands = sync_commands

    async def setup_hook(self) -> None:
        self.db = await Database.open(self.settings.database_path)
        before, after = await migrate(self.db)
        if before != after:
            log.info(
                "Database %s migrated from version %d to %d",
                self.settings.database_path,
                before,
                after,
            )
        self.services = Services.build(self.db, self.settings, self.clock)
        await self.tree.set_translator(Translator())
        for name in extension_names():
            await self.load_extension(name)
        # Before anything is delivered: every waiting message must have its renderer.
        await self.services.outbox.check_deliverable(self.outbox.renderers)
        if self._sync_commands:
            await command_sync.sync_if_changed(
                self.tree, self.services.state, self.settings.dev_guild_id
            )
        self.outbox.start()

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().add_dynamic_items(*items)
        self.routes.add_items(*items)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answer buttons and forms no view holds; then remember the user's Discord locale, for
        the direct messages they get later (after the answer, which must not wait for it)."""
        await self.routes.dispatch(self, interaction)
        await self.services.languages.seen(interaction.user.id, interaction.locale.value)

    async def on_ready(self) -> None:
        # What start-up built (discord.py's state of every server, the loaded code) lives as long
        # as the bot: kept out of the collector's full passes, which otherwise walk all of it.
        # In 500 servers those passes stopped the bot for 25-30 ms, the slowest answers at 8 in
        # flight (guilds-500 benchmark); a cycle among these objects that dies later stays, a few
        # KB for a server the bot leaves.
        gc.freeze()
        log.info(
            "Ready as %s (%s) in %d servers",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
        )

    async def close(self) -> None:
        await self.outbox.stop()
        await super().close()
        if hasattr(self, "db"):
            await self.db.close()
