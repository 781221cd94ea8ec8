"""Queueing Discord side effects with the decision that causes them, and settling them.

A service writes a row with :meth:`OutboxService.enqueue` inside its own unit of work; the worker
in bot/outbox.py is woken once that commits, delivers the row, and reports back here. What a row
says is typed and versioned (bot.domain.outbox). A feature that needs to know when one of its
messages can never be delivered registers a failure hook for that message's renderer, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from bot.domain.clock import Clock
from bot.domain.outbox import Payload, PayloadError
from db import outbox
from db.database import Connection, Database
from db.outbox import OutboxRow

MAX_BACKOFF = timedelta(minutes=5)

FailureHook = Callable[[Connection, OutboxRow, int | None], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s ... up to five minutes between attempts."""
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxContractError(RuntimeError):
    """Rows are waiting that this release cannot deliver; raised at start-up, before any is
    attempted, so that an upgrade that dropped a renderer is noticed at once."""


class OutboxService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wake: Callable[[], None] = lambda: None
        self._failure_hooks: dict[str, FailureHook] = {}

    def on_wake(self, callback: Callable[[], None]) -> None:
        """The worker asks to be woken when rows are queued."""
        self._wake = callback

    def on_failure(self, render: str, hook: FailureHook) -> None:
        """Run ``hook`` in the same transaction that records that a message built by ``render``
        can never be delivered. Once per renderer: a second hook would silently replace the first.
        """
        if render in self._failure_hooks:
            raise ValueError(f"a failure hook for {render!r} is already registered")
        self._failure_hooks[render] = hook

    async def enqueue(
        self, conn: Connection, guild_id: int, payload: Payload, *, hold: bool = True
    ) -> int:
        """Queue a side effect inside the caller's unit of work; the worker is woken when it
        commits. ``hold`` says whether a role change gives the role or takes it."""
        row_id = await outbox.enqueue(conn, guild_id, payload, self._clock.now(), hold=hold)
        assert row_id is not None  # only a keyed row can be refused
        conn.after_commit(self._wake)
        return row_id

    async def enqueue_once(
        self, conn: Connection, guild_id: int, payload: Payload, key: str
    ) -> int | None:
        """Queue a side effect that must happen at most once, whoever asks and however often:
        ``key`` names it (a unique key in the database), and a second ask with the same key
        queues nothing and returns None. Used by the daily jobs, which run again at every start.
        """
        row_id = await outbox.enqueue(conn, guild_id, payload, self._clock.now(), key=key)
        if row_id is not None:
            conn.after_commit(self._wake)
        return row_id

    async def queued(self, conn: Connection, keys: list[str]) -> set[str]:
        """Which of ``keys`` something was ever queued under."""
        return await outbox.keyed(conn, keys)

    async def cancel(self, conn: Connection, keys: list[str], reason: str) -> int:
        """Settle the keyed rows still waiting without sending them (what they were about has
        changed: a reminder whose report was sent meanwhile). A row the worker is sending at this
        very moment is sent all the same."""
        return await outbox.cancel(conn, keys, f"cancelled: {reason}", self._clock.now())

    async def check_deliverable(self, renderers: Iterable[str]) -> None:
        """Raise :class:`OutboxContractError` unless every pending row can be read by this release
        and has its renderer among ``renderers``."""
        known = set(renderers)
        async with self._db.read() as conn:
            rows = await outbox.pending(conn)
        problems: dict[str, int] = {}
        for row in rows:
            try:
                payload = row.payload
            except PayloadError as error:
                problem = f"row {row.id}: {error}"
            else:
                message = getattr(payload, "message", None)
                if message is None or message.render in known:
                    continue
                problem = f"no renderer {message.render!r}"
            problems[problem] = problems.get(problem, 0) + 1
        if problems:
            listed = "; ".join(f"{p} ({n} rows)" for p, n in sorted(problems.items()))
            raise OutboxContractError(
                f"{sum(problems.values())} Discord messages are waiting in the outbox that this "
                f"version of the bot cannot send: {listed}. Run the release that queued them "
                "until they are delivered, or restore that release's code."
            )

    # The worker's bookkeeping runs once or twice per message delivered: each unit of work in
    # one trip to the database's thread (Database.run).
    async def due(self, limit: int) -> list[OutboxRow]:
        now = self._clock.now()
        return await self._db.run(lambda conn: outbox.due(conn, now, limit), write=False)

    async def next_attempt(self) -> datetime | None:
        return await self._db.run(outbox.next_attempt, write=False)

    async def started(self, row: OutboxRow) -> OutboxRow:
        """Count the attempt before making it, so a crash mid-send is visible after restart."""
        current = await self._db.run(lambda conn: outbox.started(conn, row.id))
        assert current is not None
        return current

    async def message_id(self, row_id: int) -> int | None:
        return await self._db.run(lambda conn: outbox.message_id(conn, row_id), write=False)

    async def reposted(self, source: int, message_id: int) -> None:
        """The message posted by row ``source`` was deleted and is now ``message_id``."""
        async with self._db.transaction() as conn:
            await outbox.reposted(conn, source, message_id)

    async def delivered(self, row: OutboxRow, message_id: int | None) -> None:
        now = self._clock.now()
        await self._db.run(lambda conn: outbox.delivered(conn, row.id, message_id, now))

    async def retry_later(self, row: OutboxRow, error: str) -> datetime:
        when = self._clock.now() + backoff(row.attempts)
        await self._db.run(lambda conn: outbox.retry_at(conn, row.id, error[:500], when))
        return when

    async def failed(self, row: OutboxRow, error: str, code: int | None) -> None:
        async def write(conn: Connection) -> None:
            await outbox.failed(conn, row.id, error[:500], self._clock.now())
            message = _message_render(row)
            hook = self._failure_hooks.get(message) if message else None
            if hook is not None:
                await hook(conn, row, code)
            conn.after_commit(self._wake)

        await self._db.run(write)

    def now(self) -> datetime:
        return self._clock.now()


def _message_render(row: OutboxRow) -> str | None:
    try:
        message = getattr(row.payload, "message", None)
    except PayloadError:
        return None
    return None if message is None else message.render
