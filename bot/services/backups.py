"""The daily backup: one dated copy of the database a day, the newest ``keep`` of them kept.

Copies are named ``bot-YYYY-MM-DD.sqlite3`` after the association's calendar day, so the folder
reads as a calendar and a second copy on the same day replaces the first. Only files with that
name are ever pruned; anything else an office puts in the folder is left alone.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

from bot.domain.clock import Clock
from db import backup
from db.backup import Checked

NAME = re.compile(r"bot-(\d{4}-\d{2}-\d{2})\.sqlite3")


def daily_name(day: date) -> str:
    return f"bot-{day.isoformat()}.sqlite3"


class BackupService:
    def __init__(self, database: Path, folder: Path, keep: int, clock: Clock) -> None:
        self._database = database
        self.folder = folder
        self.keep = keep
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self.keep > 0

    async def make(self, target: Path) -> Checked:
        return await asyncio.to_thread(backup.copy, self._database, target)

    def dated(self) -> list[tuple[date, Path]]:
        """The daily copies in the folder, oldest first."""
        if not self.folder.is_dir():
            return []
        found = [
            (date.fromisoformat(match.group(1)), path)
            for path in self.folder.iterdir()
            if (match := NAME.fullmatch(path.name))
        ]
        return sorted(found)

    def due(self) -> bool:
        """No copy yet for today (the bot was down at the usual hour, or has just been set up)."""
        copies = self.dated()
        return self.enabled and (not copies or copies[-1][0] < self._clock.today())

    async def daily(self) -> tuple[Checked, list[Path]]:
        """Make today's copy, then remove the oldest beyond ``keep``; return both."""
        made = await self.make(self.folder / daily_name(self._clock.today()))
        copies = self.dated()
        pruned = [path for _, path in copies[: max(len(copies) - self.keep, 0)]]
        for path in pruned:
            path.unlink(missing_ok=True)
        return made, pruned
