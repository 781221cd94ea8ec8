"""The language a direct message is written in: the user's last seen Discord locale."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.clock import Clock
from bot.services.languages import LanguageService
from db.database import Database
from db.migrate import migrate


async def test_the_last_locale_seen_decides_and_is_written_only_when_it_changes(tmp_path: Path):
    db = await Database.open(tmp_path / "db.sqlite3")
    await migrate(db)
    writes: list[str] = []
    db.trace(lambda sql, params: writes.append(sql) if sql.startswith("INSERT") else None)
    try:
        languages = LanguageService(db, Clock())
        assert await languages.of(1) is None  # never seen: the caller's fallback decides
        await languages.seen(1, "en-US")
        await languages.seen(1, "en-US")
        assert await languages.of(1) == "en" and len(writes) == 1
        await languages.seen(1, "ja")
        assert await languages.of(1) == "ja" and len(writes) == 2
        await languages.seen(2, "fr")  # a language the bot does not speak
        assert await languages.of(2) is None

        async with db.read() as conn:
            before = await conn.fetchval("SELECT seen_at FROM user_locales WHERE user_id = 1")
        clock = Clock()
        clock.advance(timedelta(days=1))
        after_restart = LanguageService(db, clock)
        assert await after_restart.of(1) == "ja"
        await after_restart.seen(1, "ja")  # the same locale: the row is left as it is
        async with db.read() as conn:
            assert await conn.fetchval("SELECT seen_at FROM user_locales WHERE user_id = 1") == (
                before
            )
    finally:
        await db.close()
