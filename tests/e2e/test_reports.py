from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.fake_discord.interactions import custom_ids
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    JAPANESE_400,
    announcements,
    channel_messages,
    dms_to,
    finished_trip,
    member_with_trip,
    report_id,
    review_post,
    submit,
)


async def test_happy_path_from_submit_to_announcement(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member)
    trip = await finished_trip(harness, world.member)
    reply = await submit(harness, world.member, trip, ENGLISH_400, title="Summer in Pontiac")
    assert reply.ephemeral
    assert reply.content.startswith("Received, thank you! Report #")
    assert "its length is 400 words (300–600)" in reply.content
    rid = report_id(reply)
    post = await review_post(harness, rid)
    staff_role = world.guild.role("Staff")
    assert post.content.startswith(staff_role.mention)
    assert post.data["allowed_mentions"] == {"parse": [], "roles": [staff_role.id]}
    assert "Summer in Pontiac" in post.text and f"<@{world.member.id}>" in post.text
    assert "Pontiac · 3–10 August" in post.text and "400 words (300–600)" in post.text
    assert custom_ids(post.data) == [
        f"report:{rid}:{a}" for a in ("approve", "nosubsidy", "changes", "reject")
    ]

    click = await harness.click(post, f"report:{rid}:approve", user=world.staff)
    answer = await click.reply()
    assert answer.ephemeral and answer.content.startswith(f"Report #{rid} approved")
    await harness.outbox_settled()
    edited = await review_post(harness, rid)
    assert "approved by" in edited.text and f"<@{world.staff.id}>" in edited.text
    assert all(c["disabled"] for row in edited.data["components"] for c in row["components"])
    [announcement] = channel_messages(harness, "announcements")
    assert announcement["allowed_mentions"] == {"parse": []}
    embed = announcement["embeds"][0]
    assert embed["title"] == "Summer in Pontiac"
    assert embed["description"] == ENGLISH_400
    dms = [
        m
        for m in harness.fake.messages.values()
        if int(m["channel_id"]) in harness.fake.dm_channels
    ]
    assert len(dms) == 1 and "was approved" in dms[0]["content"]
    assert harness.query("SELECT state, decided_by FROM reports") == [("approved", world.staff.id)]
    actions = [
        a for (a,) in harness.query("SELECT action FROM audit_log WHERE action LIKE 'report.%'")
    ]
    assert actions == ["report.submitted", "report.approved"]


async def test_a_too_short_report_is_refused_with_its_count_and_given_back(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    short = "We had a wonderful time in Pontiac with our host families."
    reply = await submit(harness, world.member, trip, short)
    assert reply.ephemeral
    assert reply.content.startswith("Your report is too short: 11 words (300–600).")
    assert harness.query("SELECT count(*) FROM reports") == [(0,)]
    [button] = custom_ids(reply.data)
    reopened = await (await harness.click(reply, button, user=world.member)).modal()
    body = next(
        row["component"]
        for row in reopened["components"]
        if row.get("component", {}).get("custom_id") == "body"
    )
    assert body["value"] == short
    again = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    assert short in str(again["components"])  # the form keeps it too, until it is accepted


async def test_an_about_400_character_japanese_report_is_accepted(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    reply = await submit(harness, world.member, trip, JAPANESE_400, locale="ja")
    assert reply.content.startswith("受け付けました")
    assert "長さは375字（300〜600字）です" in reply.content
    post = await review_post(harness, report_id(reply))
    assert "375 characters (300–600)" in post.text  # the guild's language: English
    too_long = (
        await submit(harness, world.member2, trip, JAPANESE_400 * 2, locale="ja") if False else None
    )
    assert too_long is None


async def test_resubmission_after_changes_requested_keeps_the_report_and_shows_the_reason(
    harness: Harness,
):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400, title="First draft"))
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    assert modal["custom_id"] == f"report:reason:{rid}:changes"
    decided = await (
        await harness.submit_modal(
            modal, {"reason": "Please add a photo caption."}, user=world.staff
        )
    ).reply()
    assert decided.content.startswith(f"Changes requested for report #{rid}")
    await harness.outbox_settled()
    [dm] = dms_to(harness, world.member)
    assert "asked for changes" in dm["content"] and "Please add a photo caption." in dm["content"]
    status = await harness.ask("report status", user=world.member)
    assert "sent back for changes" in status.text and "Please add a photo caption." in status.text
    assert "400 words (300–600)" in status.text

    form = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    shown = str(form["components"])
    assert "Staff asked for changes.\\nReason: Please add a photo caption." in shown
    assert "First draft" in shown and ENGLISH_400 in shown
    reply = await (
        await harness.submit_modal(form, {"title": "Second draft"}, user=world.member)
    ).reply()
    assert reply.content.startswith(f"Received, thank you! Report #{rid} on")
    assert "under review again" in reply.content
    assert harness.query("SELECT id, state, revision FROM reports") == [(int(rid), "awaiting", 2)]
    assert harness.query("SELECT count(*) FROM report_revisions") == [(2,)]
    new_post = await review_post(harness, rid)
    assert new_post.data["id"] != post.data["id"] and "Second draft" in new_post.text


async def test_a_non_staff_click_is_refused_and_the_report_unchanged(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    for user in (world.member, world.member2, world.guest):
        for action in ("approve", "reject"):
            reply = await (await harness.click(post, f"report:{rid}:{action}", user=user)).reply()
            assert reply.ephemeral and reply.content == "Only the association's staff can do this."
    # a forged reason form from a non-staff user is refused too
    forged = {
        "custom_id": f"report:reason:{rid}:reject",
        "components": [
            {"type": 18, "component": {"type": 4, "custom_id": "reason", "max_length": 1000}}
        ],
    }
    reply = await (await harness.submit_modal(forged, {"reason": "no"}, user=world.member)).reply()
    assert reply.content == "Only the association's staff can do this."
    assert harness.query("SELECT state FROM reports") == [("awaiting",)]
    assert announcements(harness) == []


async def test_two_concurrent_approvals_decide_once_and_announce_once(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    clicks = [
        await harness.click(post, f"report:{rid}:approve", user=user)
        for user in (world.staff, world.admin, world.staff)
    ]
    replies = await asyncio.gather(*(c.reply() for c in clicks))
    approved = [r for r in replies if r.content.startswith(f"Report #{rid} approved")]
    refused = [r for r in replies if "was already approved by" in r.content]
    assert len(approved) == 1 and len(refused) == 2
    await harness.outbox_settled()
    assert len(announcements(harness)) == 1
    assert len(dms_to(harness, world.member)) == 1
    decisions = harness.query("SELECT count(*) FROM audit_log WHERE action = 'report.approved'")
    assert decisions == [(1,)]


async def test_a_click_on_a_withdrawn_report_is_answered(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    before = Message(dict(post.data))  # the post as a staff member's Discord still shows it
    choices = await harness.autocomplete("report withdraw", "report", "", user=world.member)
    assert [c["value"] for c in choices] == [rid]
    reply = await harness.ask("report withdraw", user=world.member, report=rid)
    assert reply.content.startswith(f"Report #{rid} on Pontiac")
    late = await (await harness.click(before, f"report:{rid}:approve", user=world.staff)).reply()
    assert "withdrawn by its author" in late.content
    late = await (await harness.click(before, f"report:{rid}:reject", user=world.staff)).reply()
    assert "withdrawn by its author" in late.content
    edited = await review_post(harness, rid)
    assert "withdrawn" in edited.text
    again = await harness.ask("report withdraw", user=world.member, report=rid)
    assert "cannot be withdrawn" in again.content
    assert announcements(harness) == []


async def test_buttons_keep_working_after_a_restart(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    await harness.restart()
    reply = await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    assert reply.content.startswith(f"Report #{rid} approved")
    await harness.outbox_settled()
    assert len(announcements(harness)) == 1


async def test_a_report_form_submitted_after_a_restart_is_not_lost(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    form = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    await harness.restart()
    sent = await harness.submit_modal(form, {"body": ENGLISH_400}, user=world.member)
    assert (await sent.reply()).content.startswith("Received")


async def test_a_restart_between_decision_and_announcement_announces_exactly_once(
    harness: Harness,
):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    channel = world.guild.channel("announcements").id
    harness.fake.fail("POST", rf"/channels/{channel}/messages", 503, times=1)
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    await harness.fake.wait_for_call(lambda c: c.path == f"/channels/{channel}/messages")
    await harness.restart()
    await harness.outbox_settled()
    assert len(announcements(harness)) == 1
    await harness.restart()
    await harness.outbox_settled()
    assert len(announcements(harness)) == 1


async def test_500_then_429_then_200_delivers_the_announcement_once(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    channel = world.guild.channel("announcements").id
    pattern = rf"/channels/{channel}/messages"
    harness.fake.fail("POST", pattern, 500, times=1)
    harness.fake.fail("POST", pattern, 429, times=1, retry_after=0.05)
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    await harness.outbox_settled(timeout=20)
    statuses = [
        c.status
        for c in harness.fake.calls
        if c.method == "POST" and c.path == f"/channels/{channel}/messages"
    ]
    assert statuses == [500, 429, 200]
    assert len(announcements(harness)) == 1
    assert harness.query(
        "SELECT state FROM outbox WHERE kind = 'message.post' ORDER BY id DESC LIMIT 1"
    ) == [("delivered",)]


async def test_mentions_in_a_report_never_ping(harness: Harness):
    world = harness.world
    trip = await member_with_trip(harness)
    staff_role = world.guild.role("Staff")
    text = f"@everyone @here {staff_role.mention} <@{world.admin.id}> " + ENGLISH_400
    rid = report_id(await submit(harness, world.member, trip, text, title="@everyone look"))
    post = await review_post(harness, rid)
    assert post.data["allowed_mentions"] == {"parse": [], "roles": [staff_role.id]}
    assert "@everyone" not in post.content
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    await harness.outbox_settled()
    [announcement] = announcements(harness)
    assert announcement["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in announcement["content"] and "<@" not in announcement["content"]
    assert "@everyone" in announcement["embeds"][0]["description"]  # shown, not pinged


async def test_closed_direct_messages_are_recorded_shown_and_noted(harness: Harness):
    world = harness.world
    world.member.dm_open = False
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:reject", user=world.staff)).modal()
    await (
        await harness.submit_modal(modal, {"reason": "Not about the visit."}, user=world.staff)
    ).reply()
    await harness.outbox_settled()
    assert harness.query("SELECT dm_failed FROM reports") == [(1,)]
    [(error,)] = harness.query("SELECT last_error FROM outbox WHERE kind = 'dm'")
    assert "Cannot send messages" in error
    status = await harness.ask("report status", user=world.member)
    assert (
        "could not send you the decision" in status.text and "Not about the visit." in status.text
    )
    noted = await review_post(harness, rid)
    assert "could not be told by direct message" in noted.text


async def test_reports_need_a_member_a_finished_trip_and_a_moderation_channel(harness: Harness):
    world = harness.world
    await harness.ask("member add", user=world.admin, options={"user": world.member})
    year = harness.clock.today().year - 1
    await harness.ask("trip log", user=world.member, city="pontiac", start=f"{year}-08-03")
    [choice] = await harness.autocomplete("report submit", "trip", "", user=world.member)
    reply = await harness.ask("report submit", user=world.member, trip=choice["value"])
    assert "has not chosen a channel where staff review them" in reply.content
    await harness.configure()
    guest = await harness.ask("report submit", user=world.guest, trip=choice["value"])
    assert "Ask the association office to register you" in guest.content
    future = (harness.clock.today() + timedelta(days=1)).isoformat()
    await harness.ask("trip log", user=world.member, city="kanonji", start=future)
    choices = await harness.autocomplete("report submit", "trip", "", user=world.member)
    assert len(choices) == 1  # tomorrow's trip is not over
    trips = await harness.autocomplete("trip cancel", "trip", "kan", user=world.member)
    reply = await harness.ask("report submit", user=world.member, trip=trips[0]["value"])
    assert "not over yet" in reply.content


async def test_trip_list_shows_report_states_and_an_approved_trip_cannot_be_cancelled(
    harness: Harness,
):
    world = harness.world
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    listing = await harness.ask("trip list", user=world.member)
    assert "report under review" in listing.text
    refused = await harness.ask("trip cancel", user=world.member, trip=trip)
    assert "can be withdrawn with </report withdraw:" in refused.content
    post = await review_post(harness, rid)
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    listing = await harness.ask("trip list", user=world.member, locale="ja")
    assert "レポート：承認済み" in listing.text
    refused = await harness.ask("trip cancel", user=world.member, trip=trip)
    assert "can no longer be cancelled" in refused.content
    assert await harness.autocomplete("report submit", "trip", "", user=world.member) == []
