"""Reading and changing a guild's settings (/setup)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.domain.ids import require_id
from bot.domain.settings import GuildSettings, RuleChange, apply_rules
from bot.services import presets
from bot.services.guild_cache import GuildCache
from db import audit, guild_settings
from db.database import Connection, Database


class SettingsService:
    def __init__(self, db: Database, default_preset: str) -> None:
        self._db = db
        self._default_preset = default_preset
        self._cache: GuildCache[GuildSettings] = GuildCache()

    def defaults(self, guild_id: int) -> GuildSettings:
        """A server's settings until an admin changes them: the rules' defaults, and the language
        of the preset it starts on (switching presets later leaves the language as it is)."""
        preset = presets.load(self._default_preset)
        return GuildSettings(guild_id=guild_id, preset=preset.name, language=preset.language)

    async def get(self, guild_id: int, conn: Connection | None = None) -> GuildSettings:
        """The guild's settings; a guild never configured gets the defaults, with nothing stored.

        Read on nearly every interaction (language, staff role), so kept in memory between
        changes. Inside a unit of work, pass its connection: a value not in memory is then read
        through it (and not kept, since that transaction may still roll back).
        """
        if conn is not None:
            return self._cache.peek(guild_id) or await self._load(conn, guild_id)
        self._db.check_outside()

        async def load() -> GuildSettings:
            async with self._db.read() as conn:
                return await self._load(conn, guild_id)

        return await self._cache.get(guild_id, load)

    async def _load(self, conn: Connection, guild_id: int) -> GuildSettings:
        return await guild_settings.get(conn, guild_id) or self.defaults(guild_id)

    def forget(self, guild_id: int) -> None:
        """After a transaction that saved the guild's settings has committed."""
        self._cache.forget(guild_id)

    async def set_channels(
        self,
        guild_id: int,
        actor_id: int,
        *,
        moderation_channel_id: int | None = None,
        announcement_channel_id: int | None = None,
    ) -> GuildSettings:
        moderation_channel_id = _optional_id(moderation_channel_id, "error.unknown.channel")
        announcement_channel_id = _optional_id(announcement_channel_id, "error.unknown.channel")

        def change(current: GuildSettings) -> GuildSettings:
            return replace(
                current,
                moderation_channel_id=moderation_channel_id or current.moderation_channel_id,
                announcement_channel_id=announcement_channel_id or current.announcement_channel_id,
            )

        return await self._update(guild_id, actor_id, "setup.channels", change)

    async def set_roles(
        self,
        guild_id: int,
        actor_id: int,
        *,
        staff_role_id: int | None = None,
        member_role_id: int | None = None,
    ) -> GuildSettings:
        staff_role_id = _optional_id(staff_role_id, "error.unknown.role")
        member_role_id = _optional_id(member_role_id, "error.unknown.role")

        def change(current: GuildSettings) -> GuildSettings:
            return replace(
                current,
                staff_role_id=staff_role_id or current.staff_role_id,
                member_role_id=member_role_id or current.member_role_id,
            )

        return await self._update(guild_id, actor_id, "setup.roles", change)

    async def update_rules(self, guild_id: int, actor_id: int, change: RuleChange) -> GuildSettings:
        return await self._update(
            guild_id, actor_id, "setup.rules", lambda current: apply_rules(current, change)
        )

    async def _update(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        change: Callable[[GuildSettings], GuildSettings],
    ) -> GuildSettings:
        async with self._db.transaction() as conn:
            current = await self.ensure(conn, guild_id)
            updated = change(current)
            if updated != current:
                await guild_settings.save(conn, updated)
                await audit.record(
                    conn,
                    guild_id,
                    actor_id,
                    action,
                    **{k: v for k, v in vars(updated).items() if getattr(current, k) != v},
                )
            conn.after_commit(lambda: self.forget(guild_id))
        return updated

    async def ensure(self, conn: Connection, guild_id: int) -> GuildSettings:
        """Inside a caller's transaction that will change the settings: the guild's settings row,
        stored now if it was missing."""
        return await guild_settings.ensure(conn, self.defaults(guild_id))


def _optional_id(value: int | None, unknown: str) -> int | None:
    return None if value is None else require_id(value, unknown)
