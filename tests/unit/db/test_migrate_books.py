"""Migrations 0011-0013 on a database written by the release before them: the data is kept and
given its new meaning, and the new rules hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.database import Database
from db.migrate import load_migrations, migrate

BEFORE = 7  # the last migration of the release before names, no-subsidy approvals and erasure


async def _database_at(path: Path, version: int) -> Database:
    db = await Database.open(path)
    await migrate(db, load_migrations()[:version])
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO cities (id, guild_id, slug, data, display_order, updated_at) "
            "VALUES (1, 1, 'pontiac', '{}', 0, 't')"
        )
        await conn.execute(
            "INSERT INTO members (guild_id, user_id, display_name) VALUES (1, 5, 'Taro')"
        )
        await conn.execute("INSERT INTO members (guild_id, user_id) VALUES (1, 6)")
        await conn.execute(
            "INSERT INTO trips (id, guild_id, user_id, city_id, start_on, end_on, created_at) "
            "VALUES (1, 1, 5, 1, '2025-08-03', '2025-08-03', 't')"
        )
        await conn.execute(
            "INSERT INTO reports (guild_id, user_id, trip_id, state, body, units, "
            "first_submitted_at, submitted_at) VALUES (1, 5, 1, 'approved', 'x', 1, 't', 't')"
        )
    return db


async def test_an_existing_database_keeps_its_data_with_the_new_meaning(database_path: Path):
    db = await _database_at(database_path, BEFORE)
    try:
        assert await migrate(db) == (BEFORE, len(load_migrations()))
        async with db.read() as conn:
            members = await conn.fetchall(
                "SELECT user_id, name, name_reading, name_from_discord, forgotten_at "
                "FROM members ORDER BY user_id"
            )
            assert [tuple(r) for r in members] == [
                (5, "Taro", None, 1, None),
                (6, None, None, 0, None),
            ]
            assert await conn.fetchval("SELECT without_subsidy FROM reports") == 0
        async with db.transaction() as conn:
            with pytest.raises(sqlite3.IntegrityError):  # only an approved report can carry it
                await conn.execute("UPDATE reports SET state = 'rejected', without_subsidy = 1")
    finally:
        await db.close()


async def test_the_history_stays_append_only_except_for_an_erasure(database_path: Path):
    db = await _database_at(database_path, BEFORE)
    try:
        await migrate(db)
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit_log (guild_id, actor_id, action, subject, detail, created_at) "
                "VALUES (1, 2, 'member.registered', '5', ?, 't')",
                ('{"number": "K-1", "x": 1}',),
            )
        for change in (
            "UPDATE audit_log SET detail = '{}'",
            "UPDATE audit_log SET action = 'other'",
            "UPDATE audit_log SET actor_id = 3, "
            "detail = json_set(json_remove(detail, '$.number'), '$.erased', 1)",
            "DELETE FROM audit_log",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                async with db.transaction() as conn:
                    await conn.execute(change)
        erase = (
            "UPDATE audit_log SET detail = "
            "json_set(json_remove(detail, '$.number', '$.reason'), '$.erased', 1)"
        )
        async with db.transaction() as conn:
            await conn.execute(erase)
            assert await conn.fetchval("SELECT detail FROM audit_log") == '{"x":1,"erased":1}'
        with pytest.raises(sqlite3.IntegrityError):  # erased once; never rewritten after
            async with db.transaction() as conn:
                await conn.execute(erase)
    finally:
        await db.close()
