"""Repository: whose data a guild's cities are (the association and its home city)."""

from __future__ import annotations

import json

from bot.domain.cities import Association
from bot.domain.clock import to_db, utcnow
from db.database import Connection


async def get(conn: Connection, guild_id: int) -> Association | None:
    data = await conn.fetchval("SELECT data FROM associations WHERE guild_id = ?", (guild_id,))
    return None if data is None else Association(**json.loads(data))


async def save(conn: Connection, guild_id: int, association: Association) -> None:
    await conn.execute(
        "INSERT INTO associations (guild_id, data, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET data = excluded.data, "
        "updated_at = excluded.updated_at",
        (guild_id, json.dumps(association.to_dict(), ensure_ascii=False), to_db(utcnow())),
    )
