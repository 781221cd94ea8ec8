from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.services.settings import SettingsService
from db.database import AwaitedOutside, Connection, Database, NestedUnitOfWork
from db.migrate import migrate


async def test_pragmas_are_set(database_path: Path):
    db = await Database.open(database_path)
    try:
        async with db.read() as conn:
            assert await conn.fetchval("PRAGMA journal_mode") == "wal"
            assert await conn.fetchval("PRAGMA foreign_keys") == 1
            assert await conn.fetchval("PRAGMA busy_timeout") == 5000
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(database_path: Path):
    db = await Database.open(database_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO t VALUES (1)")
                raise RuntimeError("boom")
        async with db.read() as conn:
            assert await conn.fetchval("SELECT count(*) FROM t") == 0
    finally:
        await db.close()


async def test_concurrent_transactions_do_not_interleave(database_path: Path):
    """Read-modify-write from many coroutines at once loses no increment."""
    db = await Database.open(database_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE counter (n INTEGER)")
            await conn.execute("INSERT INTO counter VALUES (0)")

        async def increment() -> None:
            async with db.transaction() as conn:
                n = await conn.fetchval("SELECT n FROM counter")
                await asyncio.sleep(0)
                await conn.execute("UPDATE counter SET n = ?", (n + 1,))

        await asyncio.gather(*(increment() for _ in range(50)))
        async with db.read() as conn:
            assert await conn.fetchval("SELECT n FROM counter") == 50
    finally:
        await db.close()


async def test_reads_never_see_half_of_a_transaction(database_path: Path):
    """A read made while another coroutine's transfer is half-way waits for it to finish."""
    db = await Database.open(database_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE account (name TEXT, balance INTEGER)")
            await conn.execute("INSERT INTO account VALUES ('a', 100), ('b', 0)")
        half_way = asyncio.Event()

        async def transfer() -> None:
            async with db.transaction() as conn:
                await conn.execute("UPDATE account SET balance = balance - 10 WHERE name = 'a'")
                await half_way.wait()
                await conn.execute("UPDATE account SET balance = balance + 10 WHERE name = 'b'")

        async def total() -> int:
            async with db.read() as conn:
                return await conn.fetchval("SELECT sum(balance) FROM account")

        moving = asyncio.create_task(transfer())
        await asyncio.sleep(0.05)
        reading = asyncio.create_task(total())
        await asyncio.sleep(0.05)
        half_way.set()
        await moving
        assert await reading == 100
    finally:
        await db.close()


async def test_a_unit_of_work_opened_inside_another_fails_at_once(database_path: Path):
    """The task that holds the database would wait on itself for ever; it is told instead."""
    db = await Database.open(database_path)
    try:
        async with db.transaction():
            with pytest.raises(NestedUnitOfWork):
                async with asyncio.timeout(1), db.read():
                    pass
            with pytest.raises(NestedUnitOfWork):
                async with asyncio.timeout(1), db.transaction():
                    pass
        async with db.read():
            with pytest.raises(NestedUnitOfWork):
                db.check_outside()
        db.check_outside()  # released: nothing to say
    finally:
        await db.close()


async def test_another_task_waits_for_the_unit_of_work_instead_of_failing(database_path: Path):
    db = await Database.open(database_path)
    try:
        order = []

        async def other() -> None:
            async with db.read():
                order.append("other")

        async with db.transaction():
            waiting = asyncio.create_task(other())
            await asyncio.sleep(0.05)
            order.append("first")
        await waiting
        assert order == ["first", "other"]
    finally:
        await db.close()


async def test_a_cached_read_inside_a_unit_of_work_fails_even_when_cached(database_path: Path):
    """The deadlock this guards against used to show only on a cache miss, after a restart."""
    db = await Database.open(database_path)
    await migrate(db)
    settings = SettingsService(db, "kifa")
    try:
        await settings.get(1)  # now in memory
        async with db.transaction() as conn:
            with pytest.raises(NestedUnitOfWork):
                await settings.get(1)
            assert (await settings.get(1, conn)).guild_id == 1  # the way inside one
    finally:
        await db.close()


async def test_what_follows_a_commit_runs_after_it_and_not_after_a_rollback(database_path: Path):
    db = await Database.open(database_path)
    try:
        ran = []
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")
            conn.after_commit(lambda: ran.append("committed"))
            assert ran == []
        assert ran == ["committed"]
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                conn.after_commit(lambda: ran.append("rolled back"))
                raise RuntimeError
        assert ran == ["committed"]
    finally:
        await db.close()


async def test_what_follows_a_commit_runs_even_when_the_caller_is_cancelled(database_path: Path):
    """Cancelled while the commit is under way: the commit finishes, and so do its followers."""
    db = await Database.open(database_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")
        ran = []
        committing = asyncio.Event()
        real_commit = db._conn.commit

        async def slow_commit() -> None:
            committing.set()
            await asyncio.sleep(0.05)
            await real_commit()

        db._conn.commit = slow_commit  # type: ignore[method-assign]

        async def write() -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO t VALUES (1)")
                conn.after_commit(lambda: ran.append("woken"))

        task = asyncio.create_task(write())
        await committing.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        db._conn.commit = real_commit  # type: ignore[method-assign]
        assert ran == ["woken"]
        async with db.read() as conn:
            assert await conn.fetchval("SELECT count(*) FROM t") == 1
    finally:
        await db.close()


async def test_a_unit_of_work_run_whole_on_the_database_thread_commits_or_rolls_back(
    database_path: Path,
):
    db = await Database.open(database_path)
    try:

        async def create(conn: Connection) -> int:
            await conn.execute("CREATE TABLE t (x INTEGER)")
            return await conn.execute("INSERT INTO t VALUES (1)")

        assert await db.run(create) == 1

        async def fail_half_way(conn: Connection) -> None:
            await conn.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await db.run(fail_half_way)

        async def count(conn: Connection) -> int:
            return await conn.fetchval("SELECT count(*) FROM t")

        assert await db.run(count, write=False) == 1
    finally:
        await db.close()


async def test_a_unit_of_work_run_whole_may_await_nothing_but_its_statements(
    database_path: Path,
):
    """Awaiting anything else (Discord, a sleep, another unit of work) cannot happen on the
    database's thread: it is refused, and what the unit wrote is rolled back."""
    db = await Database.open(database_path)
    await migrate(db)
    settings = SettingsService(db, "kifa")
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")

        async def sleeps(conn: Connection) -> None:
            await conn.execute("INSERT INTO t VALUES (1)")
            await asyncio.sleep(0.01)

        with pytest.raises(AwaitedOutside):
            await db.run(sleeps)

        async def nested(conn: Connection) -> None:
            await conn.execute("INSERT INTO t VALUES (2)")
            await settings.get(1)  # a use case, not the way inside a unit of work

        with pytest.raises(NestedUnitOfWork):
            await db.run(nested)
        async with db.read() as conn:
            assert await conn.fetchval("SELECT count(*) FROM t") == 0
        assert (await db.run(lambda conn: settings.get(1, conn))).guild_id == 1
    finally:
        await db.close()


async def test_a_unit_of_work_run_whole_keeps_the_database_and_its_followers_when_cancelled(
    database_path: Path,
):
    db = await Database.open(database_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER)")
        ran = []
        started = threading.Event()

        async def slow(conn: Connection) -> None:
            started.set()
            await conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                "INSERT INTO t SELECT i FROM n"
            )
            conn.after_commit(lambda: ran.append("woken"))

        task = asyncio.create_task(db.run(slow))
        while not started.is_set():
            await asyncio.sleep(0.001)
        task.cancel()
        reader = asyncio.create_task(db.run(lambda conn: conn.fetchval("SELECT count(*) FROM t")))
        with pytest.raises(asyncio.CancelledError):
            await task
        assert ran == ["woken"]  # committed all the same, and what follows it ran
        assert await reader == 300_000  # the next unit of work waited for the whole one
    finally:
        await db.close()
