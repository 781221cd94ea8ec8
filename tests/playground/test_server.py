"""The playground's server without a browser: it listens on loopback only, refuses other hosts
and sites, and passes what the page sends to the bot as Discord would (forged ids included), or
refuses it where Discord's app would not send it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from playground.session import Playground

pytestmark = pytest.mark.timeout(90)
ROOT = Path(__file__).resolve().parents[2]


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


async def test_the_command_serves_a_kept_database_again_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    """``run_bot.py playground --database PATH``, twice: the second run finds the trip logged
    in the first (its stand-in for Discord learns the commands the bot did not sync again),
    and each run prints its address and stops cleanly on Ctrl+C."""
    path = tmp_path / "playground.sqlite3"
    async with playground_command(path) as http:
        general = await channel_named(http, "general")
        ask = {"person": "member", "language": "en", "channel": general, "command": "trip log"}
        body = {**ask, "options": {"city": "pon"}, "focused": "city"}
        async with http.post("/api/autocomplete", json=body) as got:
            [city] = (await got.json())["choices"]
        body = {**ask, "options": {"city": city["value"], "start": "2026-08-03"}}
        async with http.post("/api/command", json=body) as sent:
            assert sent.status == 200, await sent.text()
    async with playground_command(path) as http:
        general = await channel_named(http, "general")
        body = {**ask, "channel": general, "command": "trip list"}
        async with http.post("/api/command", json=body) as sent:
            assert sent.status == 200, await sent.text()
        listed = await shown_with_embed(http, general)
        assert "Pontiac · 3 August 2026" in listed["embeds"][0]["description"]


@contextlib.asynccontextmanager
async def playground_command(database: Path) -> AsyncIterator[aiohttp.ClientSession]:
    command = [sys.executable, "run_bot.py", "playground", "--port", "0", "--database"]
    process = await asyncio.create_subprocess_exec(
        *command, str(database), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        address = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert address, first
        async with aiohttp.ClientSession(address.group(0)) as http:
            async with asyncio.timeout(30):  # the page answers first; the bot follows
                while True:
                    async with http.get("/api/world", params={"person": "member"}) as world:
                        if world.status == 200:
                            break
                    await asyncio.sleep(0.1)
            yield http
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        rest = (await asyncio.wait_for(process.stdout.read(), 30)).decode()
        assert await asyncio.wait_for(process.wait(), 30) == 0
    assert "The playground stopped." in rest


async def channel_named(http: aiohttp.ClientSession, name: str) -> str:
    async with http.get("/api/world", params={"person": "member"}) as got:
        world = await got.json()
    return next(c["id"] for c in world["channels"] if c["name"] == name)


async def shown_with_embed(http: aiohttp.ClientSession, channel: str) -> dict:
    async with asyncio.timeout(10):  # a list follows its "thinking…"
        while True:
            params = {"person": "member", "channel": channel}
            async with http.get("/api/messages", params=params) as got:
                found = [m for m in (await got.json())["messages"] if m["embeds"]]
            if found:
                return found[0]
            await asyncio.sleep(0.05)


async def test_a_file_that_is_not_a_photo_gets_the_bots_own_answer(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    general = channel_id(playground, "general")
    client = playground.client
    [city] = await client.autocomplete("member", "en", general, "trip log", {"city": "pon"}, "city")
    await client.command(
        "member", "en", general, "trip log", {"city": city["value"], "start": "2026-08-03"}
    )
    [trip] = await client.autocomplete("member", "en", general, "report submit", {}, "trip")
    opened = await client.command("member", "en", general, "report submit", {"trip": trip["value"]})
    assert opened.modal is not None
    form = aiohttp.FormData()
    answers = {"title": "Not a photo", "body": "word " * 320}
    payload = {
        "person": "member",
        "language": "en",
        "token": opened.modal["token"],
        "answers": answers,
    }
    form.add_field("payload", json.dumps(payload))
    form.add_field("photos", b"Not a photo at all", filename="notes.txt", content_type="text/plain")
    async with http.post("/api/submit", data=form) as sent:
        assert sent.status == 200, await sent.text()
    refusal = "“notes.txt” is not a photo I can read."
    answers_shown: list[dict] = []
    async with asyncio.timeout(10):  # the answer may follow a "thinking…"
        while not answers_shown:
            await asyncio.sleep(0.05)
            params = {"person": "member", "channel": general}
            async with http.get("/api/messages", params=params) as got:
                shown = (await got.json())["messages"]
            answers_shown = [m for m in shown if m["content"].startswith(refusal)]
    assert answers_shown[0]["ephemeral"]
