"""Fixtures shared by every test: a fresh database path, and the bot against the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fake_discord.server import FakeDiscord
from tests.e2e.harness import Harness


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def harness(fake_discord: FakeDiscord, database_path: Path) -> AsyncIterator[Harness]:
    """The real bot, started on a fresh database and connected to the fake Discord."""
    h = Harness(fake_discord, database_path)
    await h.start()
    yield h
    await h.stop()
