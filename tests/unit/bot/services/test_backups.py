from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.domain.clock import Clock
from bot.services.backups import BackupService


def service(tmp_path: Path, keep: int) -> BackupService:
    database = tmp_path / "bot.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE t (x)")
    return BackupService(database, tmp_path / "backups", keep, Clock())


async def test_one_copy_a_day_and_only_the_newest_are_kept(tmp_path: Path):
    backups = service(tmp_path, keep=3)
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "before-the-move.sqlite3").write_bytes(b"kept by hand")
    assert backups.due()
    days = []
    for _ in range(5):
        made, _ = await backups.daily()
        days.append(made.path.name)
        assert not backups.due()
        backups._clock.advance(timedelta(days=1))
    left = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert left == sorted(["before-the-move.sqlite3", *days[-3:]])


async def test_a_second_copy_on_the_same_day_replaces_the_first(tmp_path: Path):
    backups = service(tmp_path, keep=3)
    await backups.daily()
    await backups.daily()
    assert len(backups.dated()) == 1


def test_keep_zero_turns_daily_copies_off(tmp_path: Path):
    assert not service(tmp_path, keep=0).due()
