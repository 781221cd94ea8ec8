"""The bot killed with SIGKILL in the middle of a burst of decisions, and started again.

The bot runs in a process of its own here, so that it can die as when the power goes: no clean-up,
no last commit. What must hold: a decision the staff member was told of is never lost, every
approved report is announced exactly once, and the database is sound.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from datetime import date, timedelta

from fake_discord.models import User
from tests.e2e.bot_process import BotProcess, answering
from tests.e2e.harness import Harness, Interaction
from tests.e2e.reporting import ENGLISH_400, announcements, report_id, review_post, submit

REPORTS = 16
KILLS = 5


async def reports_awaiting_review(harness: Harness) -> dict[str, dict]:
    """REPORTS reports by two members, each with its own title; their review posts by id."""
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2)
    first = date(harness.clock.today().year - 1, 5, 1)
    posts = {}
    for n in range(REPORTS):
        user = (world.member, world.member2)[n % 2]
        day = (first + timedelta(days=10 * n)).isoformat()
        reply = await harness.ask("trip log", user=user, city="pontiac", start=day)
        assert reply.content.startswith("Trip logged"), reply.content
        choices = await harness.autocomplete("report submit", "trip", "", user=user)
        trip = next(c["value"] for c in choices)
        rid = report_id(await submit(harness, user, trip, ENGLISH_400, title=f"Visit {n}"))
        posts[rid] = (await review_post(harness, rid)).data
    return posts


def approved(harness: Harness) -> set[str]:
    rows = harness.query("SELECT id FROM reports WHERE state = 'approved'")
    return {str(rid) for (rid,) in rows}


async def burst(
    harness: Harness, posts: dict[str, dict], staff: User, sent: list[tuple[str, str]]
) -> None:
    """Click approve on every post, a few milliseconds apart, recording (report, token) of each
    click in ``sent``. Clicks after the kill go nowhere: Discord tells the staff member that the
    interaction failed."""
    for rid, post in posts.items():
        click = await harness.click(post, f"report:{rid}:approve", user=staff)
        sent.append((rid, click.token))
        await asyncio.sleep(0.01)


def kill_moment(
    harness: Harness, rng: random.Random, sent: list[tuple[str, str]], clicking: int
) -> Callable[[], bool]:
    """While ``clicking`` clicks arrive (after a random number of them), or else while the
    outbox sends the decisions' messages (after one to three more announcements)."""
    if clicking:
        clicks = rng.randrange(1, clicking + 1)
        return lambda: len(sent) >= clicks
    target = len(announcements(harness)) + rng.randrange(1, 4)
    return lambda: len(announcements(harness)) >= target


async def kill_when(bot: BotProcess, moment: Callable[[], bool], rng: random.Random) -> None:
    """SIGKILL the bot a few random milliseconds after ``moment`` comes (or after 3 s)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(3):
            while not moment():
                await asyncio.sleep(0.002)
    await asyncio.sleep(rng.uniform(0, 0.015))
    bot.kill()


def acknowledged(harness: Harness, sent: list[tuple[str, str]]) -> set[str]:
    """The clicks whose staff member was told the decision was taken."""
    told = set()
    for rid, token in sent:
        answers = Interaction(harness.fake, {"token": token}).calls()
        if any(c.status < 300 and "approved" in str(c.body) for c in answers):
            told.add(rid)
    return told


async def test_sigkill_mid_burst_loses_no_decision_and_announces_each_once(harness: Harness):
    world, fake = harness.world, harness.fake
    posts = await reports_awaiting_review(harness)
    await harness.stop()
    rng = random.Random(20261123)
    for round_ in range(KILLS):
        bot = await BotProcess.spawn(fake.port, harness.database_path)
        try:
            await answering(fake, world.staff)
            undecided = {rid: post for rid, post in posts.items() if rid not in approved(harness)}
            sent: list[tuple[str, str]] = []
            moment = kill_moment(harness, rng, sent, len(undecided) if round_ % 2 == 0 else 0)
            await asyncio.gather(
                burst(harness, undecided, world.staff, sent), kill_when(bot, moment, rng)
            )
        finally:
            bot.kill()
            await bot.process.wait()
        assert acknowledged(harness, sent) <= approved(harness), "a decision was lost"

    bot = await BotProcess.spawn(fake.port, harness.database_path)
    try:
        await answering(fake, world.staff)
        undecided = {rid: post for rid, post in posts.items() if rid not in approved(harness)}
        await burst(harness, undecided, world.staff, [])
        async with asyncio.timeout(30):
            while approved(harness) != set(posts) or len(announcements(harness)) < REPORTS:
                await asyncio.sleep(0.05)
        await harness.outbox_settled(timeout=30)
    finally:
        await bot.stop()

    titles = sorted(m["embeds"][0]["title"] for m in announcements(harness))
    assert titles == sorted(f"Visit {n}" for n in range(REPORTS))
    assert harness.query("PRAGMA integrity_check") == [("ok",)]
    assert harness.query("SELECT count(*) FROM outbox WHERE state != 'delivered'") == [(0,)]
