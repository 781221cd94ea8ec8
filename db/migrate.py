"""Numbered SQL migrations, tracked in ``PRAGMA user_version``.

Each ``db/migrations/NNNN_name.sql`` file is applied in its own ``BEGIN IMMEDIATE`` transaction,
together with the ``user_version`` bump, so a migration is applied whole or not at all. Statements
are split with :func:`sqlite3.complete_statement` and run one by one: ``executescript`` would
commit the open transaction first and break that promise.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from db.database import Database

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class DatabaseTooNewError(Exception):
    """The database was written by a newer version of the bot than the one running."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"The database is at schema version {found}, but this version of the bot only knows "
            f"versions up to {known}. It was written by a newer release: upgrade the bot (or "
            f"restore a backup made by this release) instead of running an older one on it."
        )
        self.found = found
        self.known = known


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(script: str) -> tuple[str, ...]:
    """Split SQL text into complete statements (triggers with inner semicolons stay whole)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending.strip()!r}")
    return tuple(statements)


def load_migrations() -> list[Migration]:
    """Every migration shipped with the package, in order; versions must run 1, 2, 3, ..."""
    folder = resources.files("db") / "migrations"
    migrations = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        migrations.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                statements=split_statements(entry.read_text(encoding="utf-8")),
            )
        )
    migrations.sort(key=lambda m: m.version)
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise RuntimeError(f"migration numbers must run 1..N without gaps: {migrations!r}")
    return migrations


async def migrate(db: Database, migrations: list[Migration] | None = None) -> tuple[int, int]:
    """Bring the schema up to date; return (version before, version after)."""
    migrations = load_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    current = await db.user_version()
    if current > latest:
        raise DatabaseTooNewError(current, latest)
    for migration in migrations[current:]:
        async with db.transaction() as conn:
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        log.info("Applied migration %04d_%s", migration.version, migration.name)
    return current, latest
