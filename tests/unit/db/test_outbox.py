from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.clock import Clock
from bot.services.outbox import OutboxService, backoff
from db import outbox
from db.database import Database
from db.migrate import migrate

NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
async def db(database_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(database_path)
    await migrate(database)
    yield database
    await database.close()


async def test_rows_of_one_target_are_due_one_at_a_time_in_order(db: Database) -> None:
    async with db.transaction() as conn:
        first = await outbox.enqueue(conn, 1, "dm", "member:1", {"n": 1}, NOW)
        second = await outbox.enqueue(conn, 1, "dm", "member:1", {"n": 2}, NOW)
        other = await outbox.enqueue(conn, 1, "dm", "member:2", {"n": 3}, NOW)
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

    service.on_failure("dm", hook)
    async with db.transaction() as conn:
        row_id = await service.enqueue(conn, 1, "dm", "member:1", user_id=1)
    [row] = await service.due(10)
    assert row.id == row_id
    await service.failed(row, "403 Cannot send messages to this user", 50007)
    assert seen == [("dm", 50007, "failed")]
    assert await service.due(10) == []


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(minutes=5)
