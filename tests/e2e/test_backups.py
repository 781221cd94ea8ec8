"""Backups of the running bot, the daily copy, and a restore, as the office would do them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.e2e.harness import Harness

ROOT = Path(__file__).resolve().parents[2]


async def run_bot(harness: Harness, *args: str) -> tuple[int, str]:
    """``python run_bot.py *args`` in its own process, as the office types it."""
    env = {**os.environ, "DATABASE_PATH": str(harness.database_path), "DISCORD_TOKEN": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "run_bot.py",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, output.decode()


def members(harness: Harness) -> set[int]:
    return {user_id for (user_id,) in harness.query("SELECT user_id FROM members")}


async def test_a_backup_taken_while_the_bot_works_restores_to_that_moment(
    harness: Harness, tmp_path: Path
):
    world = harness.world
    await harness.configure()
    copy = tmp_path / "copy.sqlite3"
    # the copy is made while registrations are being written
    busy = asyncio.gather(harness.register(world.member), harness.register(world.member2))
    code, output = await run_bot(harness, "backup", str(copy))
    await busy
    assert code == 0, output
    assert "integrity check" in output
    await harness.register(world.guest)  # after the copy: gone once it is restored
    await harness.outbox_settled()
    await harness.stop()

    code, output = await run_bot(harness, "restore", str(copy))
    assert code == 0, output
    [aside] = harness.database_path.parent.glob("bot.sqlite3.before-restore-*")
    assert aside.name in output
    await harness.start()
    restored = members(harness)
    assert world.guest.id not in restored
    assert restored <= {world.member.id, world.member2.id}
    assert harness.query("PRAGMA integrity_check") == [("ok",)]
    reply = await harness.ask("member list", user=world.staff)
    assert all(f"<@{user_id}>" in reply.text for user_id in restored), reply.text


async def test_a_restore_refuses_a_file_that_is_not_a_sound_database(
    harness: Harness, tmp_path: Path
):
    await harness.stop()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    code, output = await run_bot(harness, "restore", str(junk))
    assert code != 0 and "error:" in output
    assert not list(harness.database_path.parent.glob("*before-restore*"))


async def test_the_bot_makes_todays_copy_when_it_starts_without_one(harness: Harness):
    folder = harness.database_path.parent / "backups"
    name = f"bot-{harness.clock.today().isoformat()}.sqlite3"
    async with asyncio.timeout(10):
        while not (folder / name).exists():
            await asyncio.sleep(0.02)
    assert [p.name for p in folder.iterdir()] == [name]
