"""Repository: the Discord locale each user was last seen with."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_db
from db.database import Connection


async def get(conn: Connection, user_id: int) -> str | None:
    return await conn.fetchval("SELECT locale FROM user_locales WHERE user_id = ?", (user_id,))


async def put(conn: Connection, user_id: int, locale: str, seen_at: datetime) -> None:
    """Store the locale; a row that already says it is left as it is (nothing written)."""
    await conn.execute(
        "INSERT INTO user_locales (user_id, locale, seen_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, seen_at = excluded.seen_at "
        "WHERE user_locales.locale != excluded.locale",
        (user_id, locale, to_db(seen_at)),
    )
