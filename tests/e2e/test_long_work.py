"""Long work (imports, exports) in chunks: the staff member sees how far it has come, everybody
else is answered meanwhile, and an import killed half-way ends, run again, as one import would."""

from __future__ import annotations

import csv
import io
import json

from bot.services import presets
from bot.services.chunks import CHUNK_ROWS, PAGE_ROWS
from fake_discord.interactions import Attachment
from fake_discord.server import Call
from tests.e2e.bot_process import BotProcess, answering
from tests.e2e.harness import Harness, Interaction

ROWS = 5 * CHUNK_ROWS + 50  # six chunks
FIRST_USER = 900_000_000_000_000_000


def roster(rows: int = ROWS) -> bytes:
    lines = ["discord user id,membership number,expires"]
    lines += [f"{FIRST_USER + n},K-{n:05d},2030-03-31" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def edits(interaction: Interaction) -> list[Call]:
    """The edits of the interaction's deferred reply, in order."""
    return [c for c in interaction.calls() if c.method == "PATCH" and "@original" in c.path]


async def edited(harness: Harness, interaction: Interaction, text: str, timeout: float) -> Call:
    return await harness.fake.wait_for_call(
        lambda c: (
            c.method == "PATCH"
            and interaction.token in c.path
            and text in (c.body or {}).get("content", "")
        ),
        timeout,
    )


def registry_state(harness: Harness) -> list[tuple]:
    """What an import decides, per member: their periods, history and role."""
    return harness.query(
        "SELECT m.user_id, m.role_held, p.number, p.valid_from, p.expires, p.ended_on, "
        "(SELECT group_concat(kind) FROM membership_events AS e WHERE e.period_id = p.id), "
        "(SELECT count(*) FROM outbox AS o WHERE o.target = 'role:' || m.guild_id || ':' || "
        "m.user_id) FROM members AS m JOIN membership_periods AS p USING (guild_id, user_id) "
        "ORDER BY m.user_id, p.id"
    )


async def test_a_long_import_shows_progress_while_others_are_answered(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.ask("subsidy check", user=world.member, city="pontiac")  # the cities are read
    importing = await harness.command(
        "member import", user=world.staff, file=Attachment("roster.csv", roster())
    )
    first = await edited(harness, importing, f"{CHUNK_ROWS} of {ROWS:,} rows…", timeout=20)
    # A member's command that reads the database, sent while the import runs, is answered before
    # the import ends: it waits for one chunk at most.
    check = await harness.command("subsidy check", user=world.member, city="pontiac")
    await check.callback(timeout=10)
    done = await edited(harness, importing, f"{ROWS} registered, 0 renewed", timeout=30)
    calls = harness.fake.calls
    assert calls.index(first) < calls.index(await check.callback()) < calls.index(done)
    assert (await importing.callback()).body["type"] == 5  # deferred before the work
    assert not importing.followups()  # the answer took the progress message's place
    assert harness.query("SELECT count(*) FROM membership_periods") == [(ROWS,)]

    # The registry, read a page at a time, with progress in the staff member's language.
    listing = await harness.command("member list", user=world.staff, locale="ja")
    await edited(harness, listing, f"{ROWS:,}名中{PAGE_ROWS}名…", timeout=20)
    answer = await harness.fake.wait_for_call(
        lambda c: c.method == "PATCH" and listing.token in c.path and "members.csv" in c.files, 20
    )
    assert f"会員名簿（{ROWS}名）" in json.dumps(answer.body, ensure_ascii=False)
    table = list(csv.reader(io.StringIO(answer.files["members.csv"].decode("utf-8-sig"))))
    assert len(table) == ROWS + 1
    assert [row[-1] for row in table[1:]] == [str(FIRST_USER + n) for n in range(ROWS)]  # user id


async def test_an_import_killed_half_way_ends_as_one_import_when_run_again(harness: Harness):
    world, fake = harness.world, harness.fake
    await harness.configure()
    data = roster()
    await harness.stop()
    bot = await BotProcess.spawn(fake.port, harness.database_path)
    try:
        await answering(fake, world.staff)
        importing = await harness.command(
            "member import", user=world.staff, file=Attachment("roster.csv", data)
        )
        await edited(harness, importing, "rows…", timeout=30)  # at least one chunk is in
    finally:
        bot.kill()  # as when the power goes: mid-chunk or between two
        await bot.process.wait()
    written = harness.query("SELECT count(*) FROM membership_periods")[0][0]
    assert CHUNK_ROWS <= written < ROWS and written % CHUNK_ROWS == 0  # whole chunks only

    await harness.start()
    again = await harness.command(
        "member import", user=world.staff, file=Attachment("roster.csv", data)
    )
    await edited(harness, again, f"{ROWS - written} registered, 0 renewed, {written} unchanged", 30)
    interrupted = registry_state(harness)
    assert harness.query("PRAGMA integrity_check") == [("ok",)]

    # The same file imported in one go on a fresh database ends in the same state.
    once = Harness(fake, harness.database_path.with_name("once.sqlite3"))
    await once.start()
    try:
        await once.configure()
        whole = await once.command(
            "member import", user=world.staff, file=Attachment("roster.csv", data)
        )
        await edited(once, whole, f"{ROWS} registered", timeout=30)
        assert registry_state(once) == interrupted
        assert len(interrupted) == ROWS and {r[6] for r in interrupted} == {"registered"}
    finally:
        await once.stop()


async def test_a_city_import_is_written_in_chunks_and_drops_the_cities_it_no_longer_lists(
    harness: Harness,
):
    world = harness.world
    await harness.configure()
    await harness.ask("city list", user=world.member)  # the preset's cities are written
    preset = presets.load("kifa")
    kifa = [c.to_dict() for c in preset.cities]
    many = [
        {**kifa[n % len(kifa)], "slug": f"city-{n}", "name_en": f"City {n}"} for n in range(250)
    ]
    many[0] = kifa[0]  # Pontiac stays; the other preset cities are dropped
    data = json.dumps({**preset.association.to_dict(), "cities": many}).encode()
    importing = await harness.command(
        "city import", user=world.staff, file=Attachment("cities.json", data, "application/json")
    )
    await edited(harness, importing, "100 of 250 cities…", timeout=20)
    await edited(harness, importing, "Imported 250 cities", timeout=20)
    assert harness.query("SELECT count(*) FROM cities WHERE active = 1") == [(250,)]
    assert harness.query("SELECT slug FROM cities WHERE active = 0 ORDER BY slug") == [
        (c["slug"],) for c in sorted(kifa[1:], key=lambda c: c["slug"])
    ]
    reply = await harness.ask("city info", user=world.member, city="City 249")
    assert reply.embeds[0]["title"].startswith("City 249")
