"""Facts the bot keeps about itself between runs (e.g. what command set was last synced)."""

from __future__ import annotations

from db import bot_state
from db.database import Database


class BotStateService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        async with self._db.read() as conn:
            return await bot_state.get(conn, key)

    async def put(self, key: str, value: str) -> None:
        async with self._db.transaction() as conn:
            await bot_state.put(conn, key, value)
