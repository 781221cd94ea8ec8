"""The bot's one SQLite connection, and the only way the rest of the code reaches it.

SQLite runs in WAL mode with foreign keys on. The connection is opened in autocommit mode
(``isolation_level=None``) so that transactions are explicit: :meth:`Database.transaction` issues
``BEGIN IMMEDIATE`` (the write lock is taken up front, so two writers never deadlock half-way) and
commits, or rolls back on any error, cancellation included.

One asyncio lock guards the connection. Without it, a coroutine awaiting inside a transaction would
let another coroutine's statements run *inside that transaction* on the shared connection.

The shape every caller follows: a service opens one unit of work (:meth:`Database.transaction` to
write, :meth:`Database.read` to read) and passes its :class:`Connection` down; repository functions
and service helpers that run inside one take that connection and never open another. Opening a
second unit of work from the task that holds the first would wait on itself for ever, so it raises
:class:`NestedUnitOfWork` at once instead. What must follow a commit (waking the outbox worker,
dropping a cached value) is registered with :meth:`Connection.after_commit`.

Every statement is a round trip to aiosqlite's thread, and under load each one waits for the
event loop's next turn and for the interpreter lock. A short unit of work that matters (a member's
command, a delivery of the outbox) can run whole in one trip instead: :meth:`Database.run` takes
it as a coroutine function of the connection and drives it to its end on the database's thread,
where each statement runs at once. It may await the connection's statements only, which is what
a unit of work may do anyway (no Discord, no other I/O); awaiting anything else raises
:class:`AwaitedOutside` and rolls the transaction back.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]


Trace = Callable[[str, Params], None]
T = TypeVar("T")

# How a statement reaches the database's thread: ``call(fn, *args)`` returns ``fn(*args)`` run
# there, either as one round trip from the event loop or, inside Database.run, at once.
Call = Callable[..., Awaitable[Any]]

# Set on the database's thread while it runs a unit of work for Database.run.
_running_at_once = threading.local()


class NestedUnitOfWork(RuntimeError):
    """A unit of work was opened by the task that already holds one: it would wait on itself."""

    def __init__(self) -> None:
        super().__init__(
            "This task already holds the database (an open read or transaction): pass its "
            "connection down instead of opening another unit of work, which would wait on itself."
        )


class AwaitedOutside(RuntimeError):
    """A unit of work run whole on the database's thread awaited something other than its
    statements (Discord, a sleep, another unit of work): that cannot happen there."""

    def __init__(self, awaited: Any) -> None:
        super().__init__(
            f"A unit of work run by Database.run awaited {awaited!r}; it may await only its "
            "connection's statements. Do other work before or after it."
        )


class Connection:
    """What repositories receive: run statements on the connection the caller holds."""

    def __init__(self, raw: sqlite3.Connection, call: Call, trace: Trace | None = None) -> None:
        self._raw = raw
        self._call = call
        self._trace = trace
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the transaction has committed (not if it rolls back), even when
        the caller was cancelled while the commit ran. In a read, it runs when the read ends."""
        self._after_commit.append(callback)

    def _run_after_commit(self) -> None:
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("A callback after a commit failed")

    def _traced(self, sql: str, params: Params) -> None:
        if self._trace is not None:
            self._trace(sql, params)

    # Each statement is one call: one round trip to aiosqlite's thread, or none inside
    # Database.run (a cursor left to the garbage collector needs no second call to close it:
    # these statements have run to completion).
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the last inserted rowid (0 where none)."""
        self._traced(sql, params)
        return await self._call(_lastrowid, self._raw, sql, params)

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        self._traced(sql, params)
        return await self._call(_rowcount, self._raw, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if rows:
            self._traced(sql, rows[0])
        await self._call(self._raw.executemany, sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        self._traced(sql, params)
        rows = await self._call(_fetchall, self._raw, sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        self._traced(sql, params)
        return await self._call(_fetchall, self._raw, sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


def _lastrowid(raw: sqlite3.Connection, sql: str, params: Params) -> int:
    return raw.execute(sql, params).lastrowid or 0


def _rowcount(raw: sqlite3.Connection, sql: str, params: Params) -> int:
    return raw.execute(sql, params).rowcount


def _fetchall(raw: sqlite3.Connection, sql: str, params: Params) -> list[Row]:
    return raw.execute(sql, params).fetchall()


async def _at_once(fn: Callable[..., Any], *args: Any) -> Any:
    """A statement inside Database.run: already on the database's thread, it runs now."""
    return fn(*args)


def _to_the_end(work: Coroutine[Any, Any, T]) -> T:
    """Drive ``work`` to its end without an event loop: it must never really wait."""
    try:
        awaited = work.send(None)
    except StopIteration as finished:
        return finished.value
    except RuntimeError as error:  # asyncio's own awaitables want the loop, which is not here
        if "event loop" not in str(error):
            raise
        raise AwaitedOutside(error) from error
    work.close()
    raise AwaitedOutside(awaited)


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None
        self._trace: Trace | None = None
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating the file and its folder if needed) and configure the database."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA synchronous = NORMAL")
        # Deleted and overwritten content is zeroed, not left in free space: text a member asked
        # to be erased must not survive in the file (see :meth:`Database.erase_freed_pages`).
        await conn.execute("PRAGMA secure_delete = ON")
        return cls(conn, path)

    def trace(self, callback: Trace | None) -> None:
        """Call ``callback`` with every statement the repositories run and its parameters (None
        stops it). The benchmark uses it to show the query plan of every statement a workload
        runs, as SQLite plans it: from the text with its parameters, not their values."""
        self._trace = callback

    async def close(self) -> None:
        async with self._held():
            await self._conn.close()

    def check_outside(self) -> None:
        """Raise :class:`NestedUnitOfWork` if this task holds the database. Cached reads call it
        even when the value is in memory, so a wrong call fails every time, not on a cache miss."""
        if getattr(_running_at_once, "active", False):
            raise NestedUnitOfWork()  # on the database's thread, inside Database.run
        if self._holder is not None and self._holder is asyncio.current_task():
            raise NestedUnitOfWork()

    @asynccontextmanager
    async def _held(self) -> AsyncIterator[None]:
        self.check_outside()
        async with self._lock:
            self._holder = asyncio.current_task()
            try:
                yield
            finally:
                self._holder = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction: everything inside commits together or not at all."""
        async with self._held():
            await self._conn.execute("BEGIN IMMEDIATE")
            conn = self._connection()
            try:
                yield conn
            except BaseException:
                await asyncio.shield(self._conn.rollback())
                raise
            try:
                await _uncancellable(self._conn.commit())
            except asyncio.CancelledError:
                conn._run_after_commit()  # committed all the same: what follows it still runs
                raise
            except BaseException:
                await asyncio.shield(self._conn.rollback())
                raise
        conn._run_after_commit()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        """Reads that see one consistent state, never another coroutine's open transaction.

        The lock is enough for that: every write goes through this connection and this lock
        (the bot is the database's only writer), so nothing can commit between two reads made
        under it. No BEGIN and ROLLBACK, then, which spares two round trips to the database
        thread on every read."""
        async with self._held():
            conn = self._connection()
            yield conn
        conn._run_after_commit()

    def _connection(self) -> Connection:
        """A connection whose statements are each one round trip to aiosqlite's thread.

        The statements go through aiosqlite's own way of running a function on its thread
        (``_execute``) on its sqlite3 connection (``_conn``): aiosqlite has no public way to run
        a function there, and :meth:`run` needs one; both are checked by the tests."""
        return Connection(self._conn._conn, self._conn._execute, self._trace)

    async def run(self, work: Callable[[Connection], Awaitable[T]], *, write: bool = True) -> T:
        """``work(conn)`` whole, in one trip to the database's thread: a write transaction (or,
        with ``write=False``, a read). Statements run there at once, so a unit of work of ten
        statements costs one wait for the event loop and the interpreter lock instead of ten.

        ``work`` may await the connection's statements only (see :class:`AwaitedOutside`); what
        must follow the commit goes to :meth:`Connection.after_commit`, as anywhere else."""
        raw = self._conn._conn
        conn = Connection(raw, _at_once, self._trace)

        def on_the_thread() -> T:
            _running_at_once.active = True
            try:
                if not write:
                    return _to_the_end(work(conn))  # type: ignore[arg-type]
                raw.execute("BEGIN IMMEDIATE")
                try:
                    result = _to_the_end(work(conn))  # type: ignore[arg-type]
                except BaseException:
                    raw.rollback()
                    raise
                raw.commit()
                return result
            finally:
                _running_at_once.active = False

        async with self._held():
            # The lock is held until the thread is done, even if the caller is cancelled; what
            # follows a commit then still runs (as for transaction()).
            running = asyncio.ensure_future(self._conn._execute(on_the_thread))
            try:
                result = await asyncio.shield(running)
            except asyncio.CancelledError:
                await _finished(running)
                if running.exception() is None:
                    conn._run_after_commit()
                raise
        conn._run_after_commit()
        return result

    async def erase_freed_pages(self) -> None:
        """Leave no copy of erased data in the files: copy the write-ahead log into the database
        and empty it (it still holds the pages as they were before), and rebuild the database
        where free pages remain (they may hold text deleted before secure_delete was on). A
        unit of work of its own, after the erasure's transaction has committed."""
        async with self._held():
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor = await self._conn.execute("PRAGMA freelist_count")
            row = await cursor.fetchone()
            if row is not None and row[0]:
                await self._conn.execute("VACUUM")
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def user_version(self) -> int:
        async with self.read() as conn:
            return int(await conn.fetchval("PRAGMA user_version"))


async def _finished(running: asyncio.Future[Any]) -> None:
    """Wait until ``running`` is done, however often the waiter is cancelled meanwhile."""
    while not running.done():
        try:
            await asyncio.shield(running)
        except BaseException:  # cancelled again, or what ``running`` raised: looked at after
            continue


async def _uncancellable(operation: Awaitable[None]) -> None:
    """Await ``operation`` to its end even if the caller is cancelled meanwhile, then let the
    cancellation through: a commit under way finishes, and what follows it still runs."""
    task = asyncio.ensure_future(operation)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise
