"""Repository: the outbox of Discord side effects (see bot/outbox.py for the worker)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from bot.domain.clock import from_db, to_db
from bot.domain.outbox import Payload, decode, encode, kind_of, target_of
from db.database import Connection


@dataclass(frozen=True)
class OutboxRow:
    id: int
    guild_id: int
    kind: str
    target: str
    stored_payload: str
    state: str
    attempts: int
    last_error: str | None
    message_id: int | None
    created_at: str

    @cached_property
    def payload(self) -> Payload:
        """The typed payload; :class:`bot.domain.outbox.PayloadError` if this release cannot
        read it."""
        return decode(self.kind, self.stored_payload)

    @property
    def nonce(self) -> str:
        """The nonce the message this row sends carries, the same on every attempt.

        Discord returns the message already created with a nonce instead of creating another
        (``enforce_nonce``), so a send whose answer was lost is not repeated. The creation time
        is part of it because ids start again at 1 in a new or restored database.
        """
        digest = hashlib.sha256(f"{self.id}|{self.created_at}".encode()).hexdigest()
        return digest[:24]


_COLUMNS = (
    "id, guild_id, kind, target, payload, state, attempts, last_error, message_id, created_at"
)


def _row(r: Any) -> OutboxRow:
    return OutboxRow(
        r["id"],
        r["guild_id"],
        r["kind"],
        r["target"],
        r["payload"],
        r["state"],
        r["attempts"],
        r["last_error"],
        r["message_id"],
        r["created_at"],
    )


async def enqueue(
    conn: Connection,
    guild_id: int,
    payload: Payload,
    now: datetime,
    *,
    hold: bool = True,
    key: str | None = None,
) -> int | None:
    """Queue ``payload``; with a ``key``, only if no row was ever queued under it (None then)."""
    stamp = to_db(now)
    return await conn.fetchval(
        "INSERT INTO outbox (guild_id, kind, target, payload, next_attempt_at, created_at, "
        "dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id",
        (
            guild_id,
            kind_of(payload, hold=hold),
            target_of(guild_id, payload),
            encode(payload),
            stamp,
            stamp,
            key,
        ),
    )


async def keyed(conn: Connection, keys: list[str]) -> set[str]:
    """Which of ``keys`` a row was ever queued under."""
    if not keys:
        return set()
    rows = await conn.fetchall(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key IN (SELECT value FROM json_each(?))",
        (json.dumps(keys),),
    )
    return {r["dedupe_key"] for r in rows}


async def cancel(conn: Connection, keys: list[str], reason: str, now: datetime) -> int:
    """Settle the pending rows queued under ``keys`` without sending them; how many there were."""
    if not keys:
        return 0
    return await conn.execute_rowcount(
        "UPDATE outbox SET state = 'failed', last_error = ?, settled_at = ? "
        "WHERE dedupe_key IN (SELECT value FROM json_each(?)) AND state = 'pending'",
        (reason, to_db(now), json.dumps(keys)),
    )


async def due(conn: Connection, now: datetime, limit: int) -> list[OutboxRow]:
    """Pending rows whose time has come, each the oldest pending row of its target.

    ``+o.id`` keeps SQLite from walking the whole table in id order to spare itself sorting a
    handful of rows: with ``LIMIT ?`` it did, through every delivered row ever (17 ms a call on
    a twenty-year outbox, once per delivery)."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM outbox AS o WHERE o.state = 'pending' "
        "AND o.next_attempt_at <= ? AND NOT EXISTS ("
        "  SELECT 1 FROM outbox AS p WHERE p.state = 'pending' AND p.target = o.target "
        "  AND p.id < o.id) ORDER BY +o.id LIMIT ?",
        (to_db(now), limit),
    )
    return [_row(r) for r in rows]


async def next_attempt(conn: Connection) -> datetime | None:
    value = await conn.fetchval("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'")
    return None if value is None else from_db(value)


async def get(conn: Connection, row_id: int) -> OutboxRow | None:
    r = await conn.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (row_id,))
    return None if r is None else _row(r)


async def started(conn: Connection, row_id: int) -> OutboxRow | None:
    """Count an attempt before it is made; the row as it now stands."""
    r = await conn.fetchone(
        f"UPDATE outbox SET attempts = attempts + 1 WHERE id = ? RETURNING {_COLUMNS}", (row_id,)
    )
    return None if r is None else _row(r)


async def message_id(conn: Connection, row_id: int) -> int | None:
    return await conn.fetchval("SELECT message_id FROM outbox WHERE id = ?", (row_id,))


async def pending(conn: Connection) -> list[OutboxRow]:
    """Every row still to deliver, for the check at start-up that this release can."""
    rows = await conn.fetchall(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending'")
    return [_row(r) for r in rows]


async def reposted(conn: Connection, row_id: int, message_id: int) -> None:
    """The message row ``row_id`` posted was deleted and posted again as ``message_id``: later
    edits of it go to the new message."""
    await conn.execute("UPDATE outbox SET message_id = ? WHERE id = ?", (message_id, row_id))


async def delivered(conn: Connection, row_id: int, message_id: int | None, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'delivered', message_id = ?, settled_at = ?, last_error = NULL "
        "WHERE id = ? AND state = 'pending'",
        (message_id, to_db(now), row_id),
    )


async def retry_at(conn: Connection, row_id: int, error: str, when: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'",
        (to_db(when), error, row_id),
    )


async def failed(conn: Connection, row_id: int, error: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ?, settled_at = ? "
        "WHERE id = ? AND state = 'pending'",
        (error, to_db(now), row_id),
    )
