"""Report deadlines: reminders 7 days and 1 day before, each once whatever the restarts; late
reports published but not in line for the subsidy; what a change of the rule does to trips."""

from __future__ import annotations

from datetime import date, time, timedelta

from fake_discord.interactions import custom_ids
from fake_discord.models import User
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    dms_to,
    report_id,
    restart_and_catch_up,
    review_post,
    submit,
)

DAY = timedelta(days=1)


async def a_configured_september(harness: Harness, deadline: int | None) -> date:
    """The association configured on a day in September (with a report deadline, if given): the
    middle of a fiscal year, so that every trip here shares one year."""
    today = date(harness.clock.today().year + 1, 9, 15)
    harness.set_time(today)
    await harness.configure()
    if deadline is not None:
        await set_deadline(harness, deadline)
    return today


async def set_deadline(harness: Harness, days: int) -> Message:
    reply = await harness.ask("setup rules", user=harness.world.admin, deadline_days=days)
    assert "Saved." in reply.content, reply.content
    return reply


async def log_trip(
    harness: Harness,
    user: User,
    start: date,
    end: date,
    city: str = "pontiac",
    locale: str = "en-US",
) -> tuple[str, Message]:
    """Log a trip; return its id and the reply."""
    reply = await harness.ask(
        "trip log",
        user=user,
        locale=locale,
        city=city,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    [(trip_id,)] = harness.query("SELECT max(id) FROM trips")
    return str(trip_id), reply


def reminders_to(harness: Harness, user: User) -> list[dict]:
    return [
        m
        for m in dms_to(harness, user)
        if "is due by" in m["content"] or "提出期限" in m["content"]
    ]


async def test_reminders_7_and_1_days_before_each_once_and_none_once_pointless(
    harness: Harness,
):
    world = harness.world
    today = await a_configured_september(harness, 30)
    await harness.register(world.member, world.member2, world.guest)
    start, end = today - 10 * DAY, today - 3 * DAY
    due = end + 30 * DAY  # 12 October
    trip, logged = await log_trip(harness, world.member, start, end)
    assert f"Its report is due by {due.day} October {due.year}" in logged.content
    sent, _ = await log_trip(harness, world.member2, start, end)  # its report is sent at once
    await submit(harness, world.member2, sent, ENGLISH_400)
    cancelled, _ = await log_trip(harness, world.member2, start, end, "date")
    await harness.ask("trip cancel", user=world.member2, trip=cancelled)
    # Member 2's Discord is in Japanese from now on: direct messages follow it.
    japanese, logged_ja = await log_trip(harness, world.member2, start, end, "kanonji", "ja")
    assert f"提出期限は{due.year}年10月{due.day}日です" in logged_ja.content
    await log_trip(harness, world.guest, start, end)  # the guest then leaves the association
    await harness.ask("member remove", user=world.staff, options={"user": world.guest})

    harness.set_time(due - 8 * DAY)
    await restart_and_catch_up(harness)
    harness.set_time(due - 7 * DAY, time(8, 0))  # the day's reminders wait for 9:00
    await restart_and_catch_up(harness)
    assert reminders_to(harness, world.member) == []

    harness.set_time(due - 7 * DAY)
    for _ in range(3):  # a start, then two more the same day
        await restart_and_catch_up(harness)
        [first] = reminders_to(harness, world.member)
    assert first["content"].startswith("Reminder: your report on Pontiac · 5–12 September")
    assert f"is due by {due.day} October {due.year}" in first["content"]
    guild = world.guild.id
    assert custom_ids(first) == [f"report:write:{trip}:{guild}"]
    [in_japanese] = reminders_to(harness, world.member2)  # the trip that has no report yet
    assert in_japanese["content"].startswith("観音寺市")
    assert f"{due.year}年10月{due.day}日" in in_japanese["content"]
    assert custom_ids(in_japanese) == [f"report:write:{japanese}:{guild}"]
    assert reminders_to(harness, world.guest) == []

    harness.clock.advance(-3 * DAY)  # a clock set wrong, then right again: nothing twice
    await restart_and_catch_up(harness)
    harness.set_time(due - DAY)
    await restart_and_catch_up(harness)
    await restart_and_catch_up(harness)
    first_again, second = reminders_to(harness, world.member)
    assert first_again == first and f"is due by {due.day} October" in second["content"]
    keys = harness.query(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'report-due:%' ORDER BY id"
    )
    assert keys == [
        (f"report-due:{trip}:{due.isoformat()}:7",),
        (f"report-due:{japanese}:{due.isoformat()}:7",),
        (f"report-due:{trip}:{due.isoformat()}:1",),
        (f"report-due:{japanese}:{due.isoformat()}:1",),
    ]

    # The button in the direct message opens the report form, and the report is on time.
    modal = await (
        await harness.click(Message(second), custom_ids(second)[0], user=world.member)
    ).modal()
    assert modal["custom_id"] == f"report:form:{trip}:{guild}"
    sent_in_dm = await harness.submit_modal(
        modal, {"body": ENGLISH_400}, user=world.member, in_guild=False
    )
    receipt = await sent_in_dm.reply()
    assert receipt.content.startswith("Received, thank you!")
    assert "after its deadline" not in receipt.content
    harness.set_time(due)
    await restart_and_catch_up(harness)
    assert len(reminders_to(harness, world.member)) == 2
    await review_post(harness, report_id(receipt))


async def test_a_late_report_is_published_but_not_queued_for_the_subsidy(harness: Harness):
    world = harness.world
    today = await a_configured_september(harness, 30)
    await harness.register(world.member, world.member2, since=f"{today.year - 1}-04-01")
    late_trip, logged = await log_trip(harness, world.member, today - 50 * DAY, today - 45 * DAY)
    due = today - 15 * DAY
    assert f"Its report was due by {due.day} August {due.year}" in logged.content
    assert "cannot receive the travel subsidy" in logged.content

    form = await (await harness.command("report submit", user=world.member, trip=late_trip)).modal()
    assert f"The deadline for this report was {due.day} August {due.year}" in str(form)
    late = await (
        await harness.submit_modal(form, {"body": ENGLISH_400}, user=world.member)
    ).reply()
    assert late.content.startswith("Received, thank you!")
    assert "sent after its deadline" in late.content
    assert "cannot receive the travel subsidy" in late.content

    # A report on time, sent after the late one, is first in line all the same.
    on_time, _ = await log_trip(harness, world.member2, today - 8 * DAY, today - 6 * DAY)
    second = report_id(await submit(harness, world.member2, on_time, ENGLISH_400))
    first = report_id(late)
    staff_sees = await review_post(harness, first)
    assert f"Sent after its deadline ({due.day} August {due.year})" in staff_sees.text
    for rid in (first, second):
        post = await review_post(harness, rid)
        await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    await harness.outbox_settled()
    announced = [
        m
        for m in harness.fake.messages.values()
        if m["channel_id"] == str(world.guild.channel("announcements").id)
    ]
    assert len(announced) == 2  # the late report is published too
    assert harness.query("SELECT report_id FROM grants WHERE state = 'granted'") == [(int(second),)]
    mine = await harness.ask("subsidy mine", user=world.member)
    assert f"report sent after its deadline ({due.day} August {due.year})" in mine.content
    mine_ja = await harness.ask("subsidy mine", user=world.member, locale="ja")
    assert f"提出期限（{due.year}年8月{due.day}日）を過ぎて提出" in mine_ja.content


async def test_a_changed_deadline_applies_to_trips_whose_deadline_has_not_passed(
    harness: Harness,
):
    world = harness.world
    today = await a_configured_september(harness, None)
    await harness.register(world.member, since=f"{today.year - 1}-04-01")
    recent, _ = await log_trip(harness, world.member, today - 6 * DAY, today - 5 * DAY)
    old, _ = await log_trip(harness, world.member, today - 60 * DAY, today - 58 * DAY)
    history, _ = await log_trip(harness, world.member, today - 400 * DAY, today - 399 * DAY)
    reported, _ = await log_trip(
        harness, world.member, today - 30 * DAY, today - 29 * DAY, "kanonji"
    )
    await submit(harness, world.member, reported, ENGLISH_400)

    reply = await set_deadline(harness, 30)
    grace = today + 7 * DAY
    assert "Reports are now due 30 days after the end of the trip." in reply.content
    assert "2 now follow the new deadline" in reply.content
    assert f"Of those, 1 would have been late at once: they are due on {grace.day} September" in (
        reply.content
    )
    assert "Reports already sent keep the deadline they were sent under;" in reply.content
    due = dict(harness.query("SELECT id, report_due_on FROM trips"))
    assert due[int(recent)] == (today + 25 * DAY).isoformat()
    assert due[int(old)] == grace.isoformat()
    assert due[int(reported)] is None  # its report was sent: nothing changes for it
    assert due[int(history)] is None  # a visit more than a year ago is left as it was

    # Eight days on, the old trip's deadline has passed; a shorter rule keeps it passed.
    harness.set_time(today + 8 * DAY)
    reply = await set_deadline(harness, 10)
    assert "Trips whose deadline had already passed, which keep it: 1." in reply.content
    due = dict(harness.query("SELECT id, report_due_on FROM trips"))
    assert due[int(old)] == grace.isoformat()
    assert due[int(recent)] == (today + 15 * DAY).isoformat()  # at least a week from the change

    reply = await harness.ask("setup rules", user=world.admin, locale="ja", deadline_days=0)
    assert "レポートの提出期限をなくしました。" in reply.content
    assert "レポート未提出の訪問1件の提出期限をなくしました。" in reply.content
    due = dict(harness.query("SELECT id, report_due_on FROM trips"))
    assert due[int(recent)] is None and due[int(old)] == grace.isoformat()
    listing = await harness.ask("trip list", user=world.member)
    assert f"report deadline passed ({grace.day} September" in listing.text


async def test_a_reminder_to_closed_direct_messages_is_recorded_and_shown(harness: Harness):
    world = harness.world
    world.member.dm_open = False
    today = await a_configured_september(harness, 10)
    await harness.register(world.member)
    await log_trip(harness, world.member, today - 2 * DAY, today - DAY)
    due = today + 9 * DAY
    harness.set_time(due - DAY)
    await restart_and_catch_up(harness)
    [(state, error)] = harness.query("SELECT state, last_error FROM outbox WHERE kind = 'dm'")
    assert state == "failed" and "Cannot send messages" in error
    listing = await harness.ask("trip list", user=world.member)
    assert f"report due by {due.day} September" in listing.text
    assert "could not send you the reminder by direct message" in listing.text
    await restart_and_catch_up(harness)
    assert harness.query("SELECT count(*) FROM outbox WHERE kind = 'dm'") == [(1,)]
