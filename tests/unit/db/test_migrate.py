from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.database import Database
from db.migrate import DatabaseTooNewError, Migration, load_migrations, migrate, split_statements


async def test_fresh_database_is_migrated_to_the_latest_version(database_path: Path):
    db = await Database.open(database_path)
    try:
        before, after = await migrate(db)
        assert before == 0
        assert after == len(load_migrations()) == await db.user_version()
        assert await migrate(db) == (after, after)  # a second run changes nothing
    finally:
        await db.close()


async def test_a_newer_database_is_refused_with_a_clear_message(database_path: Path):
    db = await Database.open(database_path)
    try:
        await migrate(db)
        latest = await db.user_version()
        async with db.transaction() as conn:
            await conn.execute(f"PRAGMA user_version = {latest + 1}")
        with pytest.raises(DatabaseTooNewError, match="newer release"):
            await migrate(db)
    finally:
        await db.close()


async def test_a_failing_migration_leaves_nothing_behind(database_path: Path):
    good = Migration(1, "good", ("CREATE TABLE a (x INTEGER)",))
    bad = Migration(2, "bad", ("CREATE TABLE b (x INTEGER)", "INSERT INTO missing VALUES (1)"))
    db = await Database.open(database_path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, [good, bad])
        assert await db.user_version() == 1
        async with db.read() as conn:
            tables = {r[0] for r in await conn.fetchall("SELECT name FROM sqlite_master")}
        assert "a" in tables and "b" not in tables
    finally:
        await db.close()


def test_split_statements_keeps_triggers_whole():
    script = """
    -- a comment
    CREATE TABLE t (x INTEGER);
    CREATE TRIGGER t_no_delete BEFORE DELETE ON t
    BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_split_statements_refuses_a_truncated_file():
    with pytest.raises(ValueError, match="incomplete"):
        split_statements("CREATE TABLE t (x INTEGER")


def test_shipped_migrations_are_numbered_without_gaps():
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_audit_log_is_append_only(database_path: Path):
    db = await Database.open(database_path)
    try:
        await migrate(db)
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit_log (guild_id, action, created_at) VALUES (1, 'x', 'now')"
            )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as conn:
                await conn.execute("DELETE FROM audit_log")
    finally:
        await db.close()


async def test_reports_carry_their_trips_city_and_first_day_before_and_after_migration_7(
    database_path: Path,
):
    """The ledger finds a city's line through copies on the report; they must match the trip."""
    db = await Database.open(database_path)
    trip = (
        "INSERT INTO trips (guild_id, user_id, city_id, start_on, end_on, created_at) "
        "VALUES (1, 2, 1, ?, ?, '2026-05-01T00:00:00+00:00')"
    )
    report = (
        "INSERT INTO reports (guild_id, user_id, trip_id, state, body, units, first_submitted_at, "
        "submitted_at) VALUES (1, 2, ?, 'awaiting', 'text', 400, '2026-05-09T00:00:00+00:00', "
        "'2026-05-09T00:00:00+00:00')"
    )
    try:
        await migrate(db, load_migrations()[:6])
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO cities (id, guild_id, slug, data, display_order, updated_at) "
                "VALUES (1, 1, 'pontiac', '{}', 0, '2026-04-01T00:00:00+00:00')"
            )
            older = await conn.execute(report, (await conn.execute(trip, ("2026-05-01",) * 2),))
        await migrate(db)
        async with db.transaction() as conn:
            newer = await conn.execute(report, (await conn.execute(trip, ("2026-06-03",) * 2),))
            rows = await conn.fetchall("SELECT id, city_id, trip_start_on FROM reports")
        assert {tuple(r) for r in rows} == {(older, 1, "2026-05-01"), (newer, 1, "2026-06-03")}
        with pytest.raises(sqlite3.IntegrityError, match="never change"):
            async with db.transaction() as conn:
                await conn.execute("UPDATE trips SET start_on = '2026-07-01'")
    finally:
        await db.close()
