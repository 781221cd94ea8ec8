"""Every kind of outbox message, through Discord failing in every way it does.

Each kind meets, in turn: a 500 (discord.py waits and asks again), a 429 with retry_after, a
connection cut before Discord handled the call, and one cut after Discord handled it (the bot
never hears the answer). Each effect must still happen, and happen exactly once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from fake_discord.server import DROPPED
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    announcements,
    channel_messages,
    dms_to,
    member_with_trip,
    report_id,
    review_post,
    submit,
)

ROLE = r"/guilds/\d+/members/\d+/roles/\d+"


@dataclass
class Case:
    kind: str
    method: str
    pattern: Callable[[Harness], str]
    before: Callable[[Harness], Awaitable[object]]  # gets the bot to where the kind is next
    act: Callable[[Harness, object], Awaitable[None]]  # makes the bot queue one such row
    happened_once: Callable[[Harness], bool]


def channel(name: str) -> Callable[[Harness], str]:
    return lambda h: rf"/channels/{h.world.guild.channel(name).id}/messages"


async def configured(harness: Harness) -> None:
    await harness.configure()


async def guest_registered(harness: Harness) -> None:
    await harness.configure()
    await harness.register(harness.world.guest)
    await harness.outbox_settled()


async def register_guest(harness: Harness, _: object) -> None:
    await harness.register(harness.world.guest)


async def remove_guest(harness: Harness, _: object) -> None:
    reply = await harness.ask(
        "member remove", user=harness.world.staff, options={"user": harness.world.guest}
    )
    assert not reply.ephemeral or "nded" in reply.content, reply.content


async def submit_report(harness: Harness, trip: object) -> None:
    await submit(harness, harness.world.member, str(trip), ENGLISH_400)


async def reported(harness: Harness) -> str:
    trip = await member_with_trip(harness)
    return report_id(await submit(harness, harness.world.member, trip, ENGLISH_400))


async def approve(harness: Harness, rid: object) -> None:
    post = await review_post(harness, str(rid))
    await (await harness.click(post, f"report:{rid}:approve", user=harness.world.staff)).reply()


def holds_member_role(harness: Harness) -> bool:
    guild = harness.world.guild
    return guild.role("Member") in guild.member(harness.world.guest).roles


def one_review_post(harness: Harness) -> bool:
    return len([m for m in channel_messages(harness, "moderation") if m["components"]]) == 1


def review_post_shows_approval(harness: Harness) -> bool:
    [post] = [m for m in channel_messages(harness, "moderation") if m["components"]]
    return "approved by" in Message(post).text


def one_announcement_and_one_dm(harness: Harness) -> bool:
    return len(announcements(harness)) == 1 and len(dms_to(harness, harness.world.member)) == 1


def dm_channel(harness: Harness) -> str:
    guild = harness.world.guild
    others = "|".join(str(guild.channel(n).id) for n in ("moderation", "announcements"))
    return rf"/channels/(?!{others})\d+/messages"


CASES = [
    Case("role.add", "PUT", lambda h: ROLE, configured, register_guest, holds_member_role),
    Case(
        "role.remove",
        "DELETE",
        lambda h: ROLE,
        guest_registered,
        remove_guest,
        lambda h: not holds_member_role(h),
    ),
    Case(
        "message.post",
        "POST",
        channel("moderation"),
        lambda h: member_with_trip(h),
        submit_report,
        one_review_post,
    ),
    Case(
        "message.edit",
        "PATCH",
        lambda h: channel("moderation")(h) + r"/\d+",
        reported,
        approve,
        review_post_shows_approval,
    ),
    Case("dm", "POST", dm_channel, reported, approve, one_announcement_and_one_dm),
]


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
async def test_every_failure_discord_has_still_delivers_exactly_once(harness: Harness, case: Case):
    fake = harness.fake
    state = await case.before(harness)
    pattern = case.pattern(harness)
    fake.fail(case.method, pattern, 500)
    fake.fail(case.method, pattern, 429, retry_after=0.05)
    fake.drop(case.method, pattern)
    fake.drop(case.method, pattern, after=True)
    await case.act(harness, state)
    await harness.outbox_settled(timeout=20)
    statuses = [c.status for c in fake.calls if c.matches(case.method, pattern)]
    assert statuses[:4] == [500, 429, DROPPED, DROPPED]
    assert statuses[4] < 300 and len(statuses) == 5
    [(state_, attempts)] = harness.query(
        "SELECT state, attempts FROM outbox WHERE kind = ? ORDER BY id DESC LIMIT 1",
        (case.kind,),
    )
    assert state_ == "delivered" and attempts >= 3
    assert case.happened_once(harness)
