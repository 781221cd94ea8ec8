"""What waits for staff: /report queue page by page, the daily review reminder, a review post
deleted and put back, and the request for changes that opens the report form from the DM."""

from __future__ import annotations

from datetime import date, time, timedelta

from fake_discord.interactions import custom_ids
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    channel_messages,
    dms_to,
    finished_trip,
    member_with_trip,
    report_id,
    restart_and_catch_up,
    review_post,
    submit,
)

DAY = timedelta(days=1)


async def many_reports(harness: Harness, count: int) -> list[int]:
    """``count`` reports awaiting review, from one member's trips to Pontiac a week apart."""
    world = harness.world
    await harness.configure()
    await harness.register(world.member)
    first = harness.clock.today() - 8 * DAY
    ids = []
    for n in range(count):
        day = first - 7 * n * DAY
        reply = await harness.ask(
            "trip log", user=world.member, city="pontiac", start=day.isoformat()
        )
        assert reply.content.startswith("Trip logged"), reply.content
        [(trip,)] = harness.query("SELECT max(id) FROM trips")
        ids.append(int(report_id(await submit(harness, world.member, str(trip), ENGLISH_400))))
    await harness.outbox_settled()
    return ids


async def one_report(harness: Harness) -> tuple[str, Message]:
    """A member's report awaiting review, and its review post."""
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, harness.world.member, trip, ENGLISH_400))
    return rid, await review_post(harness, rid)


def post_link(harness: Harness, rid: int) -> str:
    [(channel, message)] = harness.query(
        "SELECT json_extract(o.payload, '$.channel_id'), o.message_id FROM reports AS r "
        "JOIN outbox AS o ON o.id = r.review_row WHERE r.id = ?",
        (rid,),
    )
    return f"https://discord.com/channels/{harness.world.guild.id}/{channel}/{message}"


def with_button(message: dict, custom_id: str) -> Message:
    """``message`` as a forged client would show it: with one button of its own choosing."""
    button = {"type": 2, "style": 1, "label": "forged", "custom_id": custom_id}
    return Message({**message, "components": [{"type": 1, "components": [button]}]})


def fields(message: Message) -> list[dict]:
    return message.embeds[0].get("fields", [])


async def test_the_queue_pages_through_31_reports_oldest_first_even_after_a_restart(
    harness: Harness,
):
    world = harness.world
    ids = await many_reports(harness, 31)
    harness.clock.advance(3 * DAY + timedelta(hours=1))
    member = await harness.ask("report queue", user=world.member)
    assert member.content == "Only the association's staff can do this."

    command = await harness.command("report queue", user=world.staff)
    first = await command.reply()
    assert (await command.callback()).body["type"] == 5  # deferred while the posts are checked
    assert first.ephemeral
    assert first.embeds[0]["title"] == "Reports awaiting review (31)"
    assert first.embeds[0]["footer"]["text"] == "Page 1 of 2 · longest waiting first"
    assert len(fields(first)) == 25
    assert len(str(first.embeds[0])) < 6_000
    oldest = fields(first)[0]
    assert oldest["name"].startswith(f"#{ids[0]} · Pontiac · ")
    assert oldest["value"] == (
        f"<@{world.member.id}> · waiting for 3 days · [review post]({post_link(harness, ids[0])})"
    )
    assert [f["name"].split(" · ")[0] for f in fields(first)] == [f"#{i}" for i in ids[:25]]
    assert custom_ids(first.data) == ["report:queue:0", "report:queue:25"]

    await harness.restart()
    click = await harness.click(first, "report:queue:25", user=world.staff)
    await harness.fake.wait_for_call(lambda c: c.method == "PATCH" and click.token in c.path)
    second = Message(harness.fake.messages[int(first.data["id"])])
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 2 · longest waiting first"
    assert [f["name"].split(" · ")[0] for f in fields(second)] == [f"#{i}" for i in ids[25:]]
    assert custom_ids(second.data) == ["report:queue:0", "report:queue:50"]
    back = await harness.click(second, "report:queue:0", user=world.staff)
    await harness.fake.wait_for_call(
        lambda c: c.method == "PATCH" and back.token in c.path and c.status == 200
    )
    again = Message(harness.fake.messages[int(first.data["id"])])
    assert again.embeds[0]["footer"]["text"].startswith("Page 1 of 2")

    japanese = await harness.ask("report queue", user=world.staff, locale="ja")
    assert japanese.embeds[0]["title"] == "審査待ちのレポート（31件）"
    assert "3日待ち" in fields(japanese)[0]["value"]


async def test_the_queue_says_when_nothing_waits_and_forged_pages_are_refused(harness: Harness):
    world = harness.world
    await harness.configure()
    empty = await harness.ask("report queue", user=world.staff)
    assert empty.embeds[0]["description"] == "No report is awaiting review."
    assert custom_ids(empty.data) == []
    forged = with_button(empty.data, "report:queue:999999999")
    click = await harness.click(forged, "report:queue:999999999", user=world.member)
    assert (await click.reply()).content == "Only the association's staff can do this."


async def test_the_daily_review_reminder_lists_reports_waiting_too_long_once_a_day(
    harness: Harness,
):
    world = harness.world
    today = date(harness.clock.today().year + 1, 9, 15)
    harness.set_time(today)
    ids = await many_reports(harness, 3)
    harness.set_time(today + 2 * DAY)  # they have waited 2 days: not long enough
    await restart_and_catch_up(harness)
    harness.set_time(today + 4 * DAY, time(8, 0))  # the day's post waits for 9:00
    await restart_and_catch_up(harness)
    assert not [m for m in channel_messages(harness, "moderation") if not custom_ids(m)]

    harness.set_time(today + 4 * DAY, time(11, 0))  # four days and an hour after they were sent
    for _ in range(2):  # a start after 9:00, and another the same day
        await restart_and_catch_up(harness)
        [post] = [m for m in channel_messages(harness, "moderation") if not custom_ids(m)]
    staff = world.guild.role("Staff")
    assert post["content"] == f"{staff.mention} 3 reports have waited more than 3 days for review."
    assert post["allowed_mentions"] == {"parse": [], "roles": [staff.id]}
    text = Message(post).text
    for rid in ids:
        assert f"#{rid} · Pontiac" in text and post_link(harness, rid) in text
    assert "waiting for 4 days" in text

    show = await harness.ask("setup show", user=world.admin)
    assert "daily, for reports waiting more than 3 days" in show.text
    await harness.ask("setup rules", user=world.admin, review_reminder_days=0)
    harness.set_time(today + 5 * DAY)
    await restart_and_catch_up(harness)
    assert len([m for m in channel_messages(harness, "moderation") if not custom_ids(m)]) == 1


async def test_a_deleted_review_post_is_posted_again_by_the_queue_and_still_decides(
    harness: Harness,
):
    world = harness.world
    rid, lost = await one_report(harness)
    harness.fake.delete_message(lost.data["id"])

    queue = await harness.ask("report queue", user=world.staff)
    assert "review post deleted: posting it again" in fields(queue)[0]["value"]
    again = await review_post(harness, rid)
    assert again.data["id"] != lost.data["id"]
    assert custom_ids(again.data) == [
        f"report:{rid}:{a}" for a in ("approve", "nosubsidy", "changes", "reject")
    ]
    queue = await harness.ask("report queue", user=world.staff)
    assert post_link(harness, int(rid)) in fields(queue)[0]["value"]
    assert again.data["id"] in post_link(harness, int(rid))

    reply = await (await harness.click(again, f"report:{rid}:approve", user=world.staff)).reply()
    assert reply.content.startswith(f"Report #{rid} approved")
    await harness.outbox_settled()
    decided = Message(harness.fake.messages[int(again.data["id"])])
    assert "approved by" in decided.text


async def test_a_review_post_deleted_before_the_decision_is_posted_again_with_it(
    harness: Harness,
):
    world = harness.world
    rid, post = await one_report(harness)
    modal = await (await harness.click(post, f"report:{rid}:reject", user=world.staff)).modal()
    harness.fake.delete_message(post.data["id"])  # while the reason is being typed
    await (await harness.submit_modal(modal, {"reason": "Off topic."}, user=world.staff)).reply()
    await harness.outbox_settled()
    [again] = [
        m
        for m in channel_messages(harness, "moderation")
        if f"report:{rid}:approve" in custom_ids(m)
    ]
    assert "not accepted by" in Message(again).text
    assert all(c["disabled"] for row in again["components"] for c in row["components"])
    assert again["content"] == ""  # a decided report calls nobody
    [(state,)] = harness.query("SELECT state FROM outbox WHERE kind = 'message.edit'")
    assert state == "delivered"


async def test_changes_requested_opens_the_form_from_the_direct_message(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2)
    trip = await finished_trip(harness, world.member)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400, title="First"))
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    await (
        await harness.submit_modal(
            modal, {"reason": "Please name the host family."}, user=world.staff
        )
    ).reply()
    await harness.outbox_settled()
    [dm] = dms_to(harness, world.member)
    assert "/report submit" not in dm["content"] and "Press the button below" in dm["content"]
    [button] = custom_ids(dm)
    assert button == f"report:write:{trip}:{world.guild.id}"

    form = await (await harness.click(Message(dm), button, user=world.member)).modal()
    shown = str(form["components"])
    assert "Staff asked for changes.\\nReason: Please name the host family." in shown
    assert "First" in shown and ENGLISH_400 in shown
    sent = await harness.submit_modal(form, {"title": "Second"}, user=world.member, in_guild=False)
    reply = await sent.reply()
    assert reply.content.startswith(f"Received, thank you! Report #{rid}")
    assert harness.query("SELECT state, revision, title FROM reports") == [
        ("awaiting", 2, "Second")
    ]

    # A button naming another server, or used by someone else, opens nothing.
    other = with_button(dm, f"report:write:{trip}:12345")
    refused = await (
        await harness.click(other, f"report:write:{trip}:12345", user=world.member)
    ).reply()
    assert refused.content.startswith("This is for members of the association")
    stranger = await (await harness.click(Message(dm), button, user=world.member2)).reply()
    assert stranger.content.startswith("I cannot find that trip")
