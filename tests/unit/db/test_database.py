from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from db.database import Database


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
