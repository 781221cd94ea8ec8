"""Long work in chunks: one transaction per chunk, others served in between, progress after each,
and an interrupted run that ends, run again, as one uninterrupted run would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.chunks import Progress, read_in_pages, write_in_chunks
from db.database import Connection, Database


@pytest.fixture
async def db(database_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(database_path)
    async with database.transaction() as conn:
        await conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    yield database
    await database.close()


async def put(conn: Connection, k: int) -> str:
    """Idempotent: a row already written is left as it is."""
    changed = await conn.execute_rowcount(
        "INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING", (k, f"v{k}")
    )
    return "written" if changed else "unchanged"


async def table(db: Database) -> list[tuple[int, str]]:
    async with db.read() as conn:
        return [tuple(r) for r in await conn.fetchall("SELECT k, v FROM t ORDER BY k")]


async def test_each_chunk_is_one_transaction_with_progress_after_its_commit(db: Database):
    heard: list[tuple[Progress, int]] = []

    async def progress(p: Progress) -> None:
        heard.append((p, len(await table(db))))  # the database is free, the chunk committed

    results = await write_in_chunks(db, range(7), put, size=3, progress=progress)
    assert results == ["written"] * 7
    assert heard == [(Progress(3, 7), 3), (Progress(6, 7), 6), (Progress(7, 7), 7)]
    assert heard[-1][0].finished and not heard[0][0].finished


async def test_others_are_served_between_two_chunks(db: Database):
    """A read that queued while a chunk ran gets the database before the next chunk starts."""
    events: list[str] = []
    first_chunk_running = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def step(conn: Connection, k: int) -> str:
        events.append(f"row {k}")
        if k == 0:  # a chunk runs on the database's thread: the reader queues meanwhile
            loop.call_soon_threadsafe(first_chunk_running.set)
            time.sleep(0.05)  # noqa: ASYNC251 (it runs on the database thread, not the loop)
        return await put(conn, k)

    async def reader() -> None:
        await first_chunk_running.wait()
        async with db.read() as conn:
            events.append(f"read {await conn.fetchval('SELECT count(*) FROM t')}")

    await asyncio.gather(write_in_chunks(db, range(6), step, size=3), reader())
    assert events == ["row 0", "row 1", "row 2", "read 3", "row 3", "row 4", "row 5"]


async def test_an_interrupted_run_keeps_its_chunks_and_a_second_run_finishes_the_same(
    db: Database, tmp_path: Path
):
    async def failing(conn: Connection, k: int) -> str:
        if k == 7:
            raise RuntimeError("the power went")
        return await put(conn, k)

    with pytest.raises(RuntimeError):
        await write_in_chunks(db, range(10), failing, size=3)
    assert [k for k, _ in await table(db)] == [0, 1, 2, 3, 4, 5]  # row 6 rolled back with 7

    again = await write_in_chunks(db, range(10), put, size=3)
    assert again.count("unchanged") == 6 and again.count("written") == 4

    whole = await Database.open(tmp_path / "whole.sqlite3")
    try:
        async with whole.transaction() as conn:
            await conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        await write_in_chunks(whole, range(10), put, size=3)
        assert await table(db) == await table(whole)
    finally:
        await whole.close()


async def test_a_chunk_size_below_one_is_refused(db: Database):
    with pytest.raises(ValueError):
        await write_in_chunks(db, [1], put, size=0)


async def page(conn: Connection, after: int | None, size: int) -> list[tuple[int, str]]:
    rows = await conn.fetchall(
        "SELECT k, v FROM t WHERE k > ? ORDER BY k LIMIT ?", (-1 if after is None else after, size)
    )
    return [tuple(r) for r in rows]


async def test_pages_read_every_row_once_in_key_order(db: Database):
    await write_in_chunks(db, range(10), put)
    heard: list[Progress] = []

    async def progress(p: Progress) -> None:
        heard.append(p)

    found = await read_in_pages(db, page, lambda r: r[0], total=10, size=4, progress=progress)
    assert found == await table(db)
    assert heard == [Progress(4, 10), Progress(8, 10), Progress(10, 10)]


async def test_a_row_written_between_two_pages_is_read_once_if_after_the_cursor(db: Database):
    await write_in_chunks(db, [0, 2, 4, 6, 8], put)
    writers: list[asyncio.Task[None]] = []

    async def other_writer() -> None:
        async with db.transaction() as conn:
            await put(conn, 1)  # before the cursor: not read
            await put(conn, 7)  # after it: read, once

    async def writing_page(conn: Connection, after: int | None, size: int) -> list:
        if not writers:  # queues for the database while the first page is read
            writers.append(asyncio.create_task(other_writer()))
        return await page(conn, after, size)

    found = await read_in_pages(db, writing_page, lambda r: r[0], total=5, size=2)
    await writers[0]
    assert [k for k, _ in found] == [0, 2, 4, 6, 7, 8]
