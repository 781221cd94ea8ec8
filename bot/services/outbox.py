"""Queueing Discord side effects with the decision that causes them, and settling them.

A service writes a row with :meth:`OutboxService.enqueue` inside its own transaction; the worker in
bot/outbox.py is woken, delivers it, and reports back here. Kinds:

- ``role.add`` / ``role.remove``: ``{user_id, role_id}``
- ``message.post``: ``{channel_id, message}``; ``message.edit``: ``{channel_id, source, message}``,
  where ``source`` is the id of the outbox row that posted the message being edited
- ``dm``: ``{user_id, message}``

``message`` is a description the worker renders (no discord objects cross this layer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.domain.clock import Clock
from db import outbox
from db.database import Connection, Database
from db.outbox import OutboxRow

MAX_BACKOFF = timedelta(minutes=5)

FailureHook = Callable[[Connection, OutboxRow, int | None], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s ... up to five minutes between attempts."""
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wake: Callable[[], None] = lambda: None
        self._failure_hooks: dict[str, FailureHook] = {}

    def on_wake(self, callback: Callable[[], None]) -> None:
        """The worker asks to be woken when rows are queued."""
        self._wake = callback

    def on_failure(self, kind: str, hook: FailureHook) -> None:
        """Run ``hook`` in the same transaction that records a permanent failure of ``kind``."""
        self._failure_hooks[kind] = hook

    async def enqueue(
        self, conn: Connection, guild_id: int, kind: str, target: str, **payload: Any
    ) -> int:
        """Queue a side effect inside the caller's transaction. Call :meth:`wake` after commit."""
        return await outbox.enqueue(conn, guild_id, kind, target, payload, self._clock.now())

    def wake(self) -> None:
        self._wake()

    async def due(self, limit: int) -> list[OutboxRow]:
        async with self._db.read() as conn:
            return await outbox.due(conn, self._clock.now(), limit)

    async def next_attempt(self) -> datetime | None:
        async with self._db.read() as conn:
            return await outbox.next_attempt(conn)

    async def started(self, row: OutboxRow) -> OutboxRow:
        """Count the attempt before making it, so a crash mid-send is visible after restart."""
        async with self._db.transaction() as conn:
            await outbox.started(conn, row.id)
            current = await outbox.get(conn, row.id)
        assert current is not None
        return current

    async def message_id(self, row_id: int) -> int | None:
        async with self._db.read() as conn:
            row = await outbox.get(conn, row_id)
        return None if row is None else row.message_id

    async def delivered(self, row: OutboxRow, message_id: int | None) -> None:
        async with self._db.transaction() as conn:
            await outbox.delivered(conn, row.id, message_id, self._clock.now())

    async def retry_later(self, row: OutboxRow, error: str) -> datetime:
        when = self._clock.now() + backoff(row.attempts)
        async with self._db.transaction() as conn:
            await outbox.retry_at(conn, row.id, error[:500], when)
        return when

    async def failed(self, row: OutboxRow, error: str, code: int | None) -> None:
        async with self._db.transaction() as conn:
            await outbox.failed(conn, row.id, error[:500], self._clock.now())
            hook = self._failure_hooks.get(row.kind)
            if hook is not None:
                await hook(conn, row, code)
        self.wake()

    def now(self) -> datetime:
        return self._clock.now()
