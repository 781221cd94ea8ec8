"""Repository: small key/value facts the bot keeps about itself."""

from __future__ import annotations

from db.database import Connection


async def get(conn: Connection, key: str) -> str | None:
    return await conn.fetchval("SELECT value FROM bot_state WHERE key = ?", (key,))


async def put(conn: Connection, key: str, value: str) -> None:
    await conn.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
