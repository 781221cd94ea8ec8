"""The playground's server without a browser: it listens on loopback only, refuses other hosts
and sites, and passes what the page sends to the bot as Discord would (forged ids included), or
refuses it where Discord's app would not send it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from playground.session import Playground

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    started = Playground(None, 0)
    await started.start()
    yield started
    await started.stop()


@pytest.fixture
async def http(playground: Playground) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(playground.address) as session:
        yield session


def channel_id(playground: Playground, name: str) -> str:
    return str(playground.fake.world.guild.channel(name).id)


async def test_it_listens_on_loopback_only_and_refuses_other_hosts_and_sites(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    assert playground._runner is not None
    [address] = {site.name for site in playground._runner.sites}
    assert address.startswith("http://127.0.0.1:")

    async with http.get("/") as page:
        assert page.status == 200
        policy = page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
    async with http.get("/", headers={"Host": "attacker.example"}) as rebound:
        assert rebound.status == 403
    body = {"person": "member", "language": "en", "channel": "1", "command": "help"}
    async with http.post(
        "/api/command", json=body, headers={"Origin": "http://attacker.example"}
    ) as cross_site:
        assert cross_site.status == 403
    async with http.get("/static/../session.py") as outside:
        assert outside.status == 404


async def test_forged_values_get_the_bots_own_answer_and_only_the_sender_sees_it(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    general = channel_id(playground, "general")
    forged = {
        "person": "member",
        "language": "en",
        "channel": general,
        "command": "report withdraw",
        "options": {"report": "99999999999999999999"},  # typed, not picked from the choices
    }
    async with http.post("/api/command", json=forged) as sent:
        assert sent.status == 200, await sent.text()
        assert (await sent.json())["late"] is False
    async with http.get("/api/messages", params={"person": "member", "channel": general}) as got:
        [answer] = (await got.json())["messages"]
    assert answer["ephemeral"] and answer["used"]["command"] == ["report", "withdraw"]
    assert answer["content"].startswith("I cannot find that report.")
    async with http.get("/api/messages", params={"person": "member2", "channel": general}) as got:
        assert (await got.json())["messages"] == []  # ephemeral: nobody else sees it

    not_on_it = {**forged, "message": answer["id"], "custom_id": "report:1:approve"}
    async with http.post("/api/click", json=not_on_it) as refused:
        assert refused.status == 400  # Discord takes only a component the message carries
        assert (await refused.json())["error"] == "refused.discord"


async def test_what_discords_app_would_not_send_is_refused_with_the_reason(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    general = channel_id(playground, "general")
    too_long = {
        "person": "member",
        "language": "en",
        "channel": general,
        "command": "trip log",
        "options": {"city": "Pontiac", "start": "2026-08-03", "note": "x" * 501},
    }
    async with http.post("/api/command", json=too_long) as refused:
        assert refused.status == 400
        assert (await refused.json())["error"] == "refused.discord"
    hidden = {"person": "member", "channel": channel_id(playground, "moderation")}
    async with http.get("/api/messages", params=hidden) as refused:
        assert refused.status == 400  # a member cannot read #moderation
    staff_only = {**too_long, "command": "setup show", "options": {}}
    async with http.post("/api/command", json=staff_only) as refused:
        assert (await refused.json())["error"] == "refused.command"  # not offered to members
    async with http.post("/api/click", data=b"not json") as refused:
        assert refused.status == 400


async def test_next_day_moves_the_clock_and_runs_the_days_work(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """With reports due 10 days after a trip, a trip that ended 2 days ago is due in 8 days:
    the next day is 7 days before, and the member's reminder arrives in their DMs."""
    general = channel_id(playground, "general")
    rules = {"person": "admin", "language": "en", "channel": general, "command": "setup rules"}
    async with http.post("/api/command", json={**rules, "options": {"deadline_days": "10"}}) as r:
        assert r.status == 200, await r.text()
    ended = (playground.clock.today() - timedelta(days=2)).isoformat()
    [city] = await playground.client.autocomplete(
        "member", "en", general, "trip log", {"city": "pon"}, "city"
    )
    trip = {"city": city["value"], "start": ended}
    await playground.client.command("member", "en", general, "trip log", trip)
    dm = str(playground.fake.dm_channel(playground.fake.world.member))
    reminders = {"person": "member", "channel": dm}

    before = playground.clock.now()
    async with http.post("/api/next-day", json={}) as moved:
        assert moved.status == 200
    assert playground.clock.now() - before >= timedelta(days=1)
    shown: list[dict] = []
    async with asyncio.timeout(10):  # the outbox delivers it a moment later
        while not shown:
            await asyncio.sleep(0.05)
            async with http.get("/api/messages", params=reminders) as got:
                shown = (await got.json())["messages"]
    [reminder] = shown
    assert reminder["content"].startswith("Reminder: your report on Pontiac")
