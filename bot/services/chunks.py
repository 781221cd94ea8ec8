"""Long work in bounded units of work, so that everybody else is answered in between.

A 5,000-row import in one transaction would hold the database for seconds: every member's
command would wait behind it, past Discord's 3-second limit. Instead long work is cut into
chunks of a few hundred rows, each its own unit of work: between two chunks the database's lock
goes to whoever queued for it meanwhile (``asyncio.Lock`` wakes its waiters first come, first
served, and a task that asks again queues behind them), so nobody waits longer than one chunk.

:func:`write_in_chunks` applies a per-row function to known rows, one transaction per chunk,
each chunk run whole on the database's thread (``Database.run``: the per-row function may await
its statements only, so whatever it needs from elsewhere, Discord included, is fetched before);
:func:`read_in_pages` reads rows page by page, one read per page, each page after the key of
the last row of the one before. Both tell a progress callback how far they have come after each
chunk, outside any unit of work (the cogs turn it into edits of the deferred reply).

What a chunked write promises: each chunk is all or nothing, and the chunks before a failure
stay written. So the per-row function must be idempotent (run again on a row already done, it
changes nothing), which makes the whole work idempotent: run again after an interruption (a
restart, an error), it ends in the same state as if it had never been interrupted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from db.database import Connection, Database

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")

CHUNK_ROWS = 200  # rows per transaction: about a quarter of a second of work on a small machine
PAGE_ROWS = 500  # rows per read of an export: reads cost a few times less than writes


@dataclass(frozen=True)
class Progress:
    """How far long work has come: ``done`` of ``total`` rows."""

    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total


OnProgress = Callable[[Progress], Awaitable[None]]


async def write_in_chunks(
    db: Database,
    rows: Sequence[T],
    step: Callable[[Connection, T], Awaitable[R]],
    *,
    size: int = CHUNK_ROWS,
    progress: OnProgress | None = None,
) -> list[R]:
    """``step`` applied to every row, in order, ``size`` rows per transaction; its results.

    ``step`` runs inside the chunk's unit of work, on the database's thread, and must be
    idempotent (see the module's docstring). An exception from it rolls back its own chunk only
    and propagates. A chunk in one trip matters under load: with a trip per statement, a
    5,000-row import behind a stream of other commands took 100 s instead of 13."""
    if size < 1:
        raise ValueError("a chunk holds at least one row")
    results: list[R] = []
    for start in range(0, len(rows), size):
        part = rows[start : start + size]

        async def chunk(conn: Connection, part: Sequence[T] = part) -> list[R]:
            return [await step(conn, row) for row in part]

        results.extend(await db.run(chunk))
        if progress is not None:
            await progress(Progress(len(results), len(rows)))
    return results


async def read_in_pages(
    db: Database,
    page: Callable[[Connection, K | None, int], Awaitable[list[T]]],
    key: Callable[[T], K],
    *,
    total: int,
    size: int = PAGE_ROWS,
    progress: OnProgress | None = None,
) -> list[T]:
    """Every row ``page`` returns, read ``size`` at a time, one read each.

    ``page(conn, after, size)`` returns at most ``size`` rows in the order of ``key``, all after
    ``after`` (None: from the first). ``total`` (how many rows there are, read beforehand) only
    feeds the progress. Each row is read once, even if others write between two pages: a row
    added meanwhile is in the result if its key comes after the page already read."""
    if size < 1:
        raise ValueError("a page holds at least one row")
    found: list[T] = []
    after: K | None = None
    while True:
        async with db.read() as conn:
            rows = await page(conn, after, size)
        found.extend(rows)
        if progress is not None:
            await progress(Progress(len(found), max(total, len(found))))
        if len(rows) < size:
            return found
        after = key(rows[-1])
