from __future__ import annotations

import asyncio

from tests.e2e.fake_discord.interactions import custom_ids
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    JAPANESE_400,
    channel_messages,
    finished_trip,
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
    assert "(400 long)" in reply.content
    rid = report_id(reply)
    post = await review_post(harness, rid)
    staff_role = world.guild.role("Staff")
    assert post.content.startswith(staff_role.mention)
    assert post.data["allowed_mentions"] == {"parse": [], "roles": [staff_role.id]}
    assert "Summer in Pontiac" in post.text and f"<@{world.member.id}>" in post.text
    assert "Pontiac · 3–10 August" in post.text and "400 (accepted: 300–600)" in post.text
    assert custom_ids(post.data) == [f"report:{rid}:{a}" for a in ("approve", "changes", "reject")]

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
