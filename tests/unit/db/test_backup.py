from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest

from db import backup
from db.backup import BackupError
from db.migrate import DatabaseTooNewError

NOW = datetime(2026, 11, 23, 4, 0)
NEWEST = 3  # the schema version make_database writes


def make_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE pairs (n INTEGER)")
        conn.execute("PRAGMA user_version = 3")


def count(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM pairs").fetchone()[0]


def test_a_copy_made_during_writes_holds_whole_transactions_only(tmp_path: Path):
    source = tmp_path / "bot.sqlite3"
    make_database(source)
    stop = threading.Event()

    def write() -> None:  # every transaction adds two rows: a copy with an odd count is torn
        with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as conn:
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT INTO pairs VALUES (?)", [(1,), (2,)])
                conn.execute("COMMIT")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [backup.copy(source, tmp_path / f"copy-{i}.sqlite3") for i in range(5)]
    finally:
        stop.set()
        writer.join()
    counts = [count(c.path) for c in copies]
    assert all(n % 2 == 0 for n in counts) and counts[-1] > 0
    assert all(c.schema_version == 3 for c in copies)
    assert not list(tmp_path.glob("*.partial"))


def test_a_copy_is_one_self_contained_file(tmp_path: Path):
    source = tmp_path / "bot.sqlite3"
    make_database(source)
    made = backup.copy(source, tmp_path / "out" / "copy.sqlite3")
    with contextlib.closing(sqlite3.connect(made.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_restore_moves_the_current_database_aside_and_puts_the_copy_in_place(tmp_path: Path):
    live = tmp_path / "bot.sqlite3"
    make_database(live)
    saved = backup.copy(live, tmp_path / "saved.sqlite3").path
    with contextlib.closing(sqlite3.connect(live)) as conn, conn:
        conn.execute("INSERT INTO pairs VALUES (7)")
    aside = backup.restore(saved, live, NOW, NEWEST)
    assert aside is not None and aside.name == "bot.sqlite3.before-restore-20261123-040000"
    assert count(live) == 0 and count(aside) == 1


def test_a_damaged_or_missing_file_is_never_restored(tmp_path: Path):
    live = tmp_path / "bot.sqlite3"
    make_database(live)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    for candidate in (damaged, tmp_path / "missing.sqlite3"):
        with pytest.raises(BackupError):
            backup.restore(candidate, live, NOW, NEWEST)
    assert count(live) == 0 and not list(tmp_path.glob("*before-restore*"))


def test_a_backup_from_a_newer_release_is_never_restored(tmp_path: Path):
    live = tmp_path / "bot.sqlite3"
    make_database(live)
    newer = tmp_path / "newer.sqlite3"
    make_database(newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute(f"PRAGMA user_version = {NEWEST + 1}")
    with pytest.raises(DatabaseTooNewError, match="newer release"):
        backup.restore(newer, live, NOW, NEWEST)
    assert count(live) == 0 and not list(tmp_path.glob("*before-restore*"))


def test_a_failed_copy_leaves_nothing_under_the_backup_name(tmp_path: Path):
    with pytest.raises(BackupError, match="no database"):
        backup.copy(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    assert not list(tmp_path.iterdir())
