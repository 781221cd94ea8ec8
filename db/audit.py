"""Repository: the append-only audit log (the database refuses updates and deletes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.clock import from_db, to_db, utcnow
from db.database import Connection


@dataclass(frozen=True)
class AuditEntry:
    guild_id: int
    actor_id: int | None
    action: str
    subject: str | None
    detail: dict[str, Any]
    created_at: datetime


async def record(
    conn: Connection,
    guild_id: int,
    actor_id: int | None,
    action: str,
    subject: str | None = None,
    **detail: Any,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, subject, detail, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            actor_id,
            action,
            subject,
            json.dumps(detail, ensure_ascii=False, default=str),
            to_db(utcnow()),
        ),
    )


async def recent(conn: Connection, guild_id: int, limit: int = 50) -> list[AuditEntry]:
    rows = await conn.fetchall(
        "SELECT guild_id, actor_id, action, subject, detail, created_at FROM audit_log "
        "WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
        (guild_id, limit),
    )
    return [
        AuditEntry(
            r["guild_id"],
            r["actor_id"],
            r["action"],
            r["subject"],
            json.loads(r["detail"]),
            from_db(r["created_at"]),
        )
        for r in rows
    ]
