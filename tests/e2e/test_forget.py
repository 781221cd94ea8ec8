"""/member forget: a former member's personal data erased on request, leaving no trace in the
database file, while the ledger keeps its amounts and states."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from tests.e2e.harness import Harness
from tests.e2e.reporting import (
    announcements,
    finished_trip,
    report_id,
    review_post,
    submit,
)
from tests.e2e.test_subsidy import approve, since

NAME, READING, NUMBER = "草津ハナミズキ", "クサツ ハナミズキ", "KIFA-90817"
TITLE, OLD_TITLE = "Zephyrine in Pontiac", "Quillfeather draft title"
NOTE = "Tanglewood-notebook-entry"
WORD, OLD_WORD, DRAFT_WORD = "marmalade", "gooseberry", "tamarillo"
REASON = "Please mention the wintergreen festival."
BODY = " ".join(["Kusatsu"] + [WORD] * 330 + ["Pontiac."])
OLD_BODY = " ".join([OLD_WORD] * 330)
ERASED = [NAME, READING, NUMBER, TITLE, OLD_TITLE, NOTE, WORD, OLD_WORD, DRAFT_WORD, REASON,
          "ハナミズキ"]  # fmt: skip


def traces(database: Path) -> dict[str, list[str]]:
    """Which erased strings each file of the database (the main file, its write-ahead log and
    shared memory) still holds anywhere in its bytes, free pages included."""
    found: dict[str, list[str]] = {}
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        data = path.read_bytes() if path.exists() else b""
        hits = [s for s in ERASED if s.encode() in data or s.encode("utf-16-le") in data]
        if hits:
            found[path.name] = hits
    return found


async def a_former_member_with_history(harness: Harness) -> tuple[str, str]:
    world = harness.world
    await harness.configure()
    await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.member, "name": NAME, "reading": READING, "number": NUMBER,
                 "since": since(harness)},
    )  # fmt: skip
    year = harness.clock.today().year - 1
    await harness.ask(
        "trip log", user=world.member, city="kanonji", start=f"{year}-09-01", note=NOTE
    )
    trip = await finished_trip(harness, world.member)
    # A draft (too short to send), then a report sent back for changes and sent again.
    await submit(harness, world.member, trip, f"{DRAFT_WORD} only")
    rid = report_id(await submit(harness, world.member, trip, OLD_BODY, title=OLD_TITLE))
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": REASON}, user=world.staff)).reply()
    await submit(harness, world.member, trip, BODY, title=TITLE)
    await approve(harness, rid)
    [(grant_id,)] = harness.query("SELECT id FROM grants")
    await harness.outbox_settled()
    assert any(
        WORD in (m["embeds"] or [{}])[0].get("description", "") for m in announcements(harness)
    )
    return rid, str(grant_id)


async def forget(harness: Harness, locale: str = "en-US"):
    world = harness.world
    return await harness.ask(
        "member forget", user=world.staff, locale=locale, options={"user": world.member}
    )


async def test_forgetting_a_former_member_leaves_no_trace_and_keeps_the_ledger(harness: Harness):
    world = harness.world
    rid, grant_id = await a_former_member_with_history(harness)

    refused = await forget(harness)
    assert "This membership is still valid" in refused.content and not refused.data["components"]
    harness.clock.advance(timedelta(days=1))  # ended after the report's day: the grant stays
    await harness.ask("member remove", user=world.staff, options={"user": world.member})
    refused = await forget(harness)
    assert f"Grant #{grant_id} to this member is not paid yet" in refused.content
    await harness.ask("subsidy paid", user=world.staff, grant=grant_id, method="bank transfer")
    totals = harness.query("SELECT count(*), sum(amount_yen), group_concat(state) FROM grants")
    assert totals == [(1, 3000, "paid")]
    member_refused = await harness.ask(
        "member forget", user=world.member, options={"user": world.member}
    )
    assert member_refused.content == "Only the association's staff can do this."

    confirm = await forget(harness)
    assert f"Erase the personal data of <@{world.member.id}> ({NAME})?" in confirm.content
    assert "2 trips" in confirm.content and "1 report " in confirm.content
    assert traces(harness.database_path)  # nothing erased before the button is pressed
    [button] = [c["custom_id"] for row in confirm.data["components"] for c in row["components"]]
    other = await harness.click(confirm, button, user=world.member)
    assert (await other.reply()).content == "Only the association's staff can do this."
    click = await harness.click(confirm, button, user=world.staff)
    done = await click.reply()
    assert done.content == (
        f"<@{world.member.id}>'s personal data has been erased. "
        "The ledger shows them as a former member."
    )
    assert not done.data["components"]  # the button is gone
    await harness.outbox_settled()

    # No table, no free page, no log keeps any of it: search the files' bytes.
    assert traces(harness.database_path) == {}
    # The ledger keeps its amounts and states, as a former member's.
    assert (
        harness.query("SELECT count(*), sum(amount_yen), group_concat(state) FROM grants") == totals
    )
    year = harness.clock.today().year - 1
    ledger = await harness.ask("subsidy ledger", user=world.staff, year=year)
    assert "former member" in ledger.text and "¥3,000 · paid" in ledger.text
    # Who erased whom is recorded, and nothing of what.
    [(actor, subject, detail)] = harness.query(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = 'member.forgotten'"
    )
    assert (actor, subject, detail) == (world.staff.id, str(world.member.id), "{}")
    # Discord no longer shows the text: the review post and the announcement were edited.
    post = await review_post(harness, rid)
    assert WORD not in post.text and "erased at its author's request" in post.text
    [announced] = announcements(harness)
    assert WORD not in str(announced["embeds"]) and TITLE not in str(announced["embeds"])
    # The newsletter leaves the erased report out: nothing of it to print.
    exported = await harness.ask("report export", user=world.staff, year=year)
    assert exported.content.startswith("There are no approved reports"), exported.content
    # The registry and the member's own commands see a former member.
    listing = await harness.ask("member list", user=world.staff)
    assert "former member" in listing.text
    again = await forget(harness)
    assert "already been erased" in again.content
    # The database is whole.
    with sqlite3.connect(harness.database_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_forget_refuses_with_the_reason_and_unknown_users(harness: Harness):
    world = harness.world
    await harness.configure()
    reply = await forget(harness, locale="ja")
    assert reply.content == "そのユーザーは会員名簿に見つかりませんでした。"
    await harness.register(world.member)
    reply = await forget(harness, locale="ja")
    assert "この会員資格はまだ有効です" in reply.content
    trip = await finished_trip(harness, world.member)
    rid = report_id(await submit(harness, world.member, trip, BODY))
    await harness.ask("member remove", user=world.staff, options={"user": world.member})
    reply = await forget(harness)
    assert f"Report #{rid} by this member is still under review" in reply.content
    # A confirmation left for too long does nothing.
    await harness.register(world.member2)
    harness.clock.advance(timedelta(days=1))
    await harness.ask("member remove", user=world.staff, options={"user": world.member2})
    confirm = await harness.ask("member forget", user=world.staff, options={"user": world.member2})
    [button] = [c["custom_id"] for row in confirm.data["components"] for c in row["components"]]
    harness.clock.advance(timedelta(minutes=16))
    late = await harness.click(confirm, button, user=world.staff)
    assert "This confirmation has expired" in (await late.reply()).content
    assert harness.query("SELECT count(*) FROM members WHERE forgotten_at IS NOT NULL") == [(0,)]
