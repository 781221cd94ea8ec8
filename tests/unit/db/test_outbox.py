from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.clock import Clock
from bot.domain.outbox import DirectMessage, MessageRef
from bot.services.outbox import OutboxContractError, OutboxService, backoff
from db import outbox
from db.database import Database
from db.migrate import migrate

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def dm(user_id: int, n: int = 1, render: str = "note") -> DirectMessage:
    return DirectMessage(user_id, MessageRef(render, 1, {"n": n}))


@pytest.fixture
async def db(database_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(database_path)
    await migrate(database)
    yield database
    await database.close()


async def test_rows_of_one_target_are_due_one_at_a_time_in_order(db: Database) -> None:
    async with db.transaction() as conn:
        first = await outbox.enqueue(conn, 1, dm(1, 1), NOW)
        second = await outbox.enqueue(conn, 1, dm(1, 2), NOW)
        other = await outbox.enqueue(conn, 1, dm(2, 3), NOW)
    async with db.transaction() as conn:
        assert [r.id for r in await outbox.due(conn, NOW, 10)] == [first, other]
        await outbox.retry_at(conn, first, "500", NOW + timedelta(seconds=5))
        # the first row waits for its retry; the second must not overtake it
        assert [r.id for r in await outbox.due(conn, NOW, 10)] == [other]
        await outbox.delivered(conn, first, 99, NOW)
        assert [r.id for r in await outbox.due(conn, NOW, 10)] == [second, other]
        await outbox.delivered(conn, first, 100, NOW)  # a second delivery changes nothing
        assert (await outbox.get(conn, first)).message_id == 99


async def test_a_failure_hook_runs_in_the_transaction_that_records_the_failure(
    db: Database,
) -> None:
    service = OutboxService(db, Clock())
    seen = []

    async def hook(conn, row, code):  # type: ignore[no-untyped-def]
        seen.append((row.kind, code, (await outbox.get(conn, row.id)).state))

    service.on_failure("note", hook)
    async with db.transaction() as conn:
        row_id = await service.enqueue(conn, 1, dm(1))
    [row] = await service.due(10)
    assert row.id == row_id
    await service.failed(row, "403 Cannot send messages to this user", 50007)
    assert seen == [("dm", 50007, "failed")]
    assert await service.due(10) == []


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(minutes=5)


async def test_a_second_failure_hook_for_one_renderer_is_refused(db: Database) -> None:
    service = OutboxService(db, Clock())

    async def hook(conn, row, code):  # type: ignore[no-untyped-def]
        pass

    service.on_failure("note", hook)
    with pytest.raises(ValueError, match="already registered"):
        service.on_failure("note", hook)


async def test_queued_rows_wake_the_worker_only_once_committed(db: Database) -> None:
    service = OutboxService(db, Clock())
    woken = []
    service.on_wake(lambda: woken.append(True))
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await service.enqueue(conn, 1, dm(1))
            raise RuntimeError("rolled back")
    assert woken == []
    async with db.transaction() as conn:
        await service.enqueue(conn, 1, dm(1))
        assert woken == []
    assert woken == [True]


async def test_start_up_refuses_rows_it_cannot_deliver(db: Database) -> None:
    service = OutboxService(db, Clock())
    async with db.transaction() as conn:
        await service.enqueue(conn, 1, dm(1, render="gone"))
        await conn.execute(
            "INSERT INTO outbox (guild_id, kind, target, payload, next_attempt_at, created_at) "
            "VALUES (1, 'dm', 'member:1:1', '{\"v\": 9}', '2026', '2026')"
        )
    with pytest.raises(OutboxContractError) as refused:
        await service.check_deliverable(["note"])
    assert "no renderer 'gone' (1 rows)" in str(refused.value)
    assert "another version" in str(refused.value)


async def test_start_up_accepts_what_it_can_deliver(db: Database) -> None:
    service = OutboxService(db, Clock())
    async with db.transaction() as conn:
        row_id = await service.enqueue(conn, 1, dm(1, render="note"))
        await outbox.enqueue(conn, 1, dm(2, render="gone"), NOW)
        await outbox.failed(conn, row_id + 1, "given up", NOW)  # settled rows do not count
    await service.check_deliverable(["note"])
