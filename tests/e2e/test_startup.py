from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.i18n.mentions import COMMAND_IDS
from fake_discord.interactions import command_data, envelope
from tests.e2e.harness import Harness


async def test_ready_against_a_fresh_database_syncs_the_commands_once(harness: Harness):
    assert harness.bot is not None
    await asyncio.wait_for(harness.bot.wait_until_ready(), 3)
    assert harness.database_path.exists()
    names = {c["name"] for c in harness.fake.commands.values()}
    assert {"help", "setup"} <= names
    assert len(harness.fake.command_syncs) == 1
    # the synced payload carries the Japanese localisations
    help_command = harness.fake.commands["help"]
    assert help_command["name_localizations"]["ja"] == "ヘルプ"


async def test_restart_on_a_migrated_database_does_not_sync_again(harness: Harness):
    await harness.restart()
    assert len(harness.fake.command_syncs) == 1
    assert harness.fake.identifies == 2
    reply = await harness.ask("help", user=harness.world.member)
    assert "How it works" in reply.text


async def test_start_on_a_database_migrated_beforehand(fake_discord, database_path):
    from db.database import Database
    from db.migrate import load_migrations, migrate

    db = await Database.open(database_path)
    await migrate(db)
    await db.close()
    h = Harness(fake_discord, database_path)
    await h.start()
    try:
        reply = await h.ask("help", user=h.world.guest, locale="ja")
        assert "参加の流れ" in reply.text
    finally:
        await h.stop()
    with sqlite3.connect(database_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations())
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def stored_ids(h: Harness) -> dict[str, int]:
    [(value,)] = h.query("SELECT value FROM bot_state WHERE key = 'commands.ids.global'")
    return json.loads(value)


def synced_ids(h: Harness) -> dict[str, int]:
    return {name: int(c["id"]) for name, c in h.fake.scoped_commands[None].items()}


async def test_the_command_ids_are_learned_at_sync_and_read_once_at_a_start_without_sync(
    harness: Harness,
):
    assert stored_ids(harness) == synced_ids(harness) == COMMAND_IDS.known()
    assert "trip" in COMMAND_IDS.known()
    reads = [c for c in harness.fake.calls if c.method == "GET" and c.path.endswith("/commands")]
    assert reads == []  # the sync's answer carried them
    COMMAND_IDS.replace({})
    await harness.restart()
    reads = [c for c in harness.fake.calls if c.method == "GET" and c.path.endswith("/commands")]
    assert len(reads) == 1 and len(harness.fake.command_syncs) == 1
    assert COMMAND_IDS.known() == synced_ids(harness)


async def test_without_an_answer_from_discord_the_stored_ids_are_used(harness: Harness):
    COMMAND_IDS.replace({})
    harness.fake.fail("GET", r"/applications/\d+/commands", 503, times=10)
    await harness.restart()
    assert COMMAND_IDS.known() == stored_ids(harness) == synced_ids(harness)


async def test_start_stops_with_a_clear_message_when_waiting_messages_have_no_renderer(
    harness: Harness,
):
    """An upgrade that dropped or renamed a renderer is noticed before anything is delivered,
    not as one permanent failure per waiting message."""
    import pytest

    from bot.services.outbox import OutboxContractError

    await harness.stop()
    with sqlite3.connect(harness.database_path) as conn:
        conn.execute(
            "INSERT INTO outbox (guild_id, kind, target, payload, next_attempt_at, created_at) "
            "VALUES (1, 'dm', 'member:1:5', ?, '2026-01-01', '2026-01-01')",
            ('{"v": 1, "user_id": 5, "message": {"render": "renamed_dm", "guild_id": 1}}',),
        )
    with pytest.raises(OutboxContractError, match="no renderer 'renamed_dm' \\(1 rows\\)"):
        await harness.start()
    with sqlite3.connect(harness.database_path) as conn:
        assert conn.execute(
            "SELECT state, attempts FROM outbox WHERE target = 'member:1:5'"
        ).fetchall() == [("pending", 0)]


async def test_the_bot_serves_hundreds_of_servers_each_with_its_own_settings(database_path):
    """One process for every partnership: the fake presents 500 servers (a GUILD_CREATE each),
    the bot has them all, and each one's settings are its own."""
    from fake_discord.server import FakeDiscord

    fake = FakeDiscord()
    others = fake.world.add_associations(499)
    await fake.start()
    h = Harness(fake, database_path)
    try:
        bot = await h.start()
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        assert len(bot.guilds) == 500 and fake.identifies == 1
        last, world = others[-1], h.world
        options = {"staff": last.role("Staff"), "member": last.role("Member")}
        command = await h.send(
            envelope(fake, 2, world.admin, command_data(fake, "setup roles", options), guild=last)
        )
        assert (await command.reply()).content.startswith("Saved.")
        staff_there = await h.send(
            envelope(fake, 2, world.staff, command_data(fake, "member list", {}), guild=last)
        )
        assert "No members are registered yet" in (await staff_there.reply()).content
        refused = await h.ask("member list", user=world.staff)  # the first server has no staff
        assert refused.content == "Only the association's staff can do this."
    finally:
        await h.stop()
        await fake.stop()
