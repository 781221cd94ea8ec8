"""Values read once per guild and kept until the bot itself changes them.

The bot is the only writer of its database, so a value can be kept until a change it makes. A
read that was under way while a change committed returns the old value to its caller but does not
keep it: ``forget`` moves a generation on, and a reader that started before it does not store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GuildCache(Generic[T]):
    def __init__(self) -> None:
        self._values: dict[int, T] = {}
        self._generation = 0

    async def get(self, guild_id: int, load: Callable[[], Awaitable[T]]) -> T:
        if guild_id in self._values:
            return self._values[guild_id]
        generation = self._generation
        value = await load()
        if generation == self._generation:
            self._values[guild_id] = value
        return value

    def peek(self, guild_id: int) -> T | None:
        """The value if it is in memory, without loading it."""
        return self._values.get(guild_id)

    def forget(self, guild_id: int) -> None:
        """Call after the transaction that changed the guild's value has committed."""
        self._generation += 1
        self._values.pop(guild_id, None)
