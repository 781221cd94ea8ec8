from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.services.settings import SettingsService
from db.database import Database, NestedUnitOfWork
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
