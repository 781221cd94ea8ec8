from __future__ import annotations

import asyncio

from fake_discord.models import Member, User
from tests.e2e.harness import Harness
from tests.e2e.reporting import (
    ENGLISH_400,
    dms_to,
    finished_trip,
    report_id,
    review_post,
    submit,
)


def since(harness: Harness) -> str:
    """Members since before last summer's trips, so they qualify for last year's subsidy."""
    return f"{harness.clock.today().year - 2}-04-01"


async def approve(harness: Harness, rid: str) -> str:
    post = await review_post(harness, rid)
    reply = await (
        await harness.click(post, f"report:{rid}:approve", user=harness.world.staff)
    ).reply()
    return reply.content


async def two_reports(harness: Harness) -> tuple[str, str]:
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2, since=since(harness))
    first = report_id(
        await submit(harness, world.member, await finished_trip(harness, world.member), ENGLISH_400)
    )
    second = report_id(
        await submit(
            harness, world.member2, await finished_trip(harness, world.member2), ENGLISH_400
        )
    )
    return first, second


async def test_a_later_report_approved_first_waits_for_the_earlier_one(harness: Harness):
    world = harness.world
    first, second = await two_reports(harness)
    year = harness.clock.today().year - 1
    await approve(harness, second)
    check = await harness.ask("subsidy check", user=world.guest, city="pontiac", year=year)
    assert check.content.startswith(
        f"Pontiac, {year} (1 April {year} – 31 March {year + 1}): held for a report that is still"
    )
    mine = await harness.ask("subsidy mine", user=world.member2)
    assert "approved; 1 earlier report still under review comes first" in mine.content
    assert harness.query("SELECT count(*) FROM grants") == [(0,)]
    await approve(harness, first)
    check = await harness.ask("subsidy check", user=world.guest, city="pontiac", year=year)
    assert f"granted to <@{world.member.id}> (report #{first})" in check.content
    assert harness.query("SELECT report_id, state, amount_yen FROM grants") == [
        (int(first), "granted", 3000)
    ]
    mine = await harness.ask("subsidy mine", user=world.member2, locale="ja")
    assert "ほかの会員のレポートが先に承認されました" in mine.content
    mine = await harness.ask("subsidy mine", user=world.member)
    assert "granted: ¥3,000, not yet paid" in mine.content


async def test_rejecting_the_earlier_report_hands_the_subsidy_on(harness: Harness):
    world = harness.world
    first, second = await two_reports(harness)
    await approve(harness, second)
    post = await review_post(harness, first)
    modal = await (await harness.click(post, f"report:{first}:reject", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": "Off topic."}, user=world.staff)).reply()
    assert harness.query("SELECT report_id, state FROM grants") == [(int(second), "granted")]
    await harness.outbox_settled()
    texts = [
        m["content"] for m in harness.fake.messages.values() if "travel subsidy" in m["content"]
    ]
    assert len(texts) == 1 and f"report #{second}" in texts[0]


async def test_withdrawing_the_earlier_report_hands_the_subsidy_on(harness: Harness):
    """A awaits review, B (later) is approved and waits behind A, A's author withdraws A: B holds
    the subsidy at once, and B's author is told by direct message."""
    world = harness.world
    first, second = await two_reports(harness)
    await approve(harness, second)
    assert harness.query("SELECT count(*) FROM grants") == [(0,)]
    withdrawn = await harness.ask("report withdraw", user=world.member, report=first)
    assert f"Report #{first}" in withdrawn.content and "withdrawn" in withdrawn.content
    assert harness.query("SELECT report_id, user_id, state FROM grants") == [
        (int(second), world.member2.id, "granted")
    ]
    year = harness.clock.today().year - 1
    check = await harness.ask("subsidy check", user=world.guest, city="pontiac", year=year)
    assert f"granted to <@{world.member2.id}> (report #{second})" in check.content
    await harness.outbox_settled()
    told = [m["content"] for m in dms_to(harness, world.member2) if "subsidy" in m["content"]]
    assert len(told) == 1 and f"report #{second}" in told[0]
    assert not any("subsidy" in m["content"] for m in dms_to(harness, world.member))


async def test_ledger_paid_and_void_hand_the_grant_to_the_next_in_line(harness: Harness):
    world = harness.world
    first, second = await two_reports(harness)
    await approve(harness, first)
    await approve(harness, second)
    year = harness.clock.today().year - 1
    [choice] = await harness.autocomplete("subsidy void", "grant", "", user=world.staff)
    refused = await harness.ask(
        "subsidy void", user=world.member, grant=choice["value"], reason="x"
    )
    assert refused.content == "Only the association's staff can do this."
    voided = await harness.ask(
        "subsidy void", user=world.staff, grant=choice["value"], reason="Paid twice by mistake"
    )
    assert "cancelled" in voided.content and f"#{second}" in voided.content
    rows = harness.query("SELECT report_id, state, void_reason FROM grants ORDER BY id")
    assert rows == [(int(first), "void", "Paid twice by mistake"), (int(second), "granted", None)]
    [choice] = await harness.autocomplete("subsidy paid", "grant", "", user=world.staff)
    paid = await harness.ask("subsidy paid", user=world.staff, grant=choice["value"], method="cash")
    assert "marked paid" in paid.content and "(cash)" in paid.content
    again = await harness.ask(
        "subsidy paid", user=world.staff, grant=choice["value"], method="cash"
    )
    assert "only a granted, unpaid grant" in again.content
    ledger = await harness.ask("subsidy ledger", user=world.staff, year=year)
    assert f"Subsidy ledger, {year} (1 April" in ledger.text and "¥3,000 · paid" in ledger.text
    call = next(c for c in harness.fake.calls if c.files.get(f"ledger-{year}.csv"))
    data = call.files[f"ledger-{year}.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Paid twice by mistake" in data.decode("utf-8-sig")
    actions = [
        a
        for (a,) in harness.query(
            "SELECT action FROM audit_log WHERE action LIKE 'subsidy.%' ORDER BY id"
        )
    ]
    assert actions == ["subsidy.granted", "subsidy.voided", "subsidy.granted", "subsidy.paid"]
    info = await harness.ask("city info", user=world.guest, city="pontiac")
    assert "still open" in info.text  # this fiscal year: no trips yet


async def test_twenty_concurrent_approvals_make_one_grant_for_the_earliest(harness: Harness):
    world = harness.world
    await harness.configure()
    role = world.guild.role("Member")
    users = [User(f"traveller{i}") for i in range(20)]
    world.guild.members += [Member(u, [role]) for u in users]
    await harness.register(*users, since=since(harness))
    rids = []
    for user in users:
        trip = await finished_trip(harness, user)
        rids.append(report_id(await submit(harness, user, trip, ENGLISH_400)))
    posts = [await review_post(harness, rid) for rid in rids]
    clicks = [
        await harness.click(post, f"report:{rid}:approve", user=world.staff)
        for post, rid in reversed(list(zip(posts, rids, strict=True)))
    ]
    replies = await asyncio.gather(*(c.reply(timeout=20) for c in clicks))
    assert all("approved" in r.content for r in replies)
    assert harness.query("SELECT report_id FROM grants WHERE state != 'void'") == [(int(rids[0]),)]
    assert harness.query("SELECT count(*) FROM reports WHERE state = 'approved'") == [(20,)]
