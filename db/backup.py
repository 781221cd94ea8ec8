"""Consistent copies of the database, and putting one back.

A copy is made with SQLite's online backup API from a connection of its own, so it can run while
the bot writes (WAL lets readers and the writer work side by side) and it holds every committed
transaction up to the moment it started, never half of one. The copy is written beside its target
under a temporary name, checked with ``PRAGMA integrity_check`` and only then renamed into place,
so a crash or a full disk never leaves a damaged file under the backup's name.

These functions block; the bot calls them in a worker thread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.migrate import DatabaseTooNewError

SIDE_FILES = ("-wal", "-shm")


class BackupError(Exception):
    """The copy could not be made or is not a sound database; the message says why."""


@dataclass(frozen=True)
class Checked:
    path: Path
    schema_version: int
    size_bytes: int


def copy(source: Path, target: Path) -> Checked:
    """Copy the database at ``source`` to ``target`` (replacing it), then check the copy."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.execute("PRAGMA busy_timeout = 5000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        checked = check(partial)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"could not copy {source} to {target}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return Checked(target, checked.schema_version, checked.size_bytes)


def check(path: Path) -> Checked:
    """Make sure ``path`` is a sound SQLite database; return its schema version and size."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(f"{path} is not a readable database: {error}") from error
    if result != ["ok"]:
        raise BackupError(f"{path} is damaged: {'; '.join(result[:3])}")
    return Checked(path, version, path.stat().st_size)


def restore(backup: Path, database: Path, now: datetime, newest_version: int) -> Path | None:
    """Put ``backup`` in place of ``database`` (the bot must be stopped).

    A damaged backup, or one whose schema is newer than ``newest_version`` (written by a newer
    release), is refused before anything is touched. Nothing is deleted: the current database and
    its WAL files are moved aside, under a name with ``now`` in it, and that name is returned
    (None when there was no database).
    """
    found = check(backup).schema_version
    if found > newest_version:
        raise DatabaseTooNewError(found, newest_version)
    aside = None
    if database.exists():
        aside = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        for suffix in ("", *SIDE_FILES):
            current = Path(f"{database}{suffix}")
            if current.exists():
                current.rename(Path(f"{aside}{suffix}"))
    copy(backup, database)
    return aside
