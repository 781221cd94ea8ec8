from __future__ import annotations

from datetime import timedelta

from bot.domain.fiscal import FiscalYear
from tests.e2e.harness import Harness


async def test_a_member_logs_a_trip_in_any_common_date_form(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member)
    last_year = harness.clock.today().year - 1
    reply = await harness.ask(
        "trip log",
        user=world.member,
        city="pontiac",
        start=f"{last_year}/8/3",
        end=f"{last_year}-08-10",
    )
    assert reply.ephemeral
    assert reply.content.startswith(f"Trip logged: Pontiac · 3–10 August {last_year}.")
    ja = await harness.ask(
        "trip log",
        user=world.member,
        locale="ja",
        city="kanonji",
        start=f"{last_year}年9月1日",
    )
    assert ja.content.startswith(f"訪問を登録しました：観音寺市（{last_year}年9月1日）。")
    reiwa = await harness.ask(
        "trip log", user=world.member, city="xuhui", start=f"R{last_year - 2018}.10.5"
    )
    assert f"5 October {last_year}" in reiwa.content
    assert harness.query("SELECT count(*) FROM trips") == [(3,)]


async def test_trip_log_refusals_are_clear_and_store_nothing(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member)
    today = harness.clock.today()
    old = FiscalYear.containing(today, 4).shifted(-2).start - timedelta(days=1)
    cases = {
        "next tuesday-ish": "I cannot read “next tuesday-ish” as a date.",
        "2025-02-31": "“2025-02-31” is not a date that exists.",
        old.isoformat(): "That trip starts too long ago: trips can be logged from 1 April",
        (today + timedelta(days=400)).isoformat(): "more than a year ahead",
    }
    for start, expected in cases.items():
        reply = await harness.ask("trip log", user=world.member, city="pontiac", start=start)
        assert reply.ephemeral and expected in reply.content, (start, reply.content)
    start = today - timedelta(days=10)
    reply = await harness.ask(
        "trip log",
        user=world.member,
        city="pontiac",
        start=start.isoformat(),
        end=(start - timedelta(days=1)).isoformat(),
    )
    assert "ends" in reply.content and "before it starts" in reply.content
    reply = await harness.ask(
        "trip log",
        user=world.member,
        city="pontiac",
        start=(today - timedelta(days=100)).isoformat(),
        end=today.isoformat(),
    )
    assert "101 days" in reply.content and "at most 90 days" in reply.content
    reply = await harness.ask("trip log", user=world.member, city="atlantis", start="2026-01-01")
    assert "Atlantis" in reply.content or "atlantis" in reply.content
    assert harness.query("SELECT count(*) FROM trips") == [(0,)]


async def test_an_overlapping_trip_to_the_same_city_is_refused_and_named(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member)
    year = harness.clock.today().year - 1
    await harness.ask(
        "trip log", user=world.member, city="pontiac", start=f"{year}-08-03", end=f"{year}-08-10"
    )
    reply = await harness.ask(
        "trip log", user=world.member, city="pontiac", start=f"{year}-08-09", end=f"{year}-08-12"
    )
    assert reply.content == (
        f"You already logged a trip to Pontiac on those days: 3–10 August {year}. "
        "Cancel it first if the dates were wrong."
    )
    other_city = await harness.ask(
        "trip log", user=world.member, city="kanonji", start=f"{year}-08-09"
    )
    assert other_city.content.startswith("Trip logged")


async def test_guests_and_lapsed_members_are_told_how_to_become_members(harness: Harness):
    world = harness.world
    await harness.configure()
    reply = await harness.ask("trip log", user=world.guest, city="pontiac", start="2026-08-03")
    assert "Ask the association office to register you" in reply.content
    ja = await harness.ask("trip list", user=world.guest, locale="ja")
    assert "事務局に会員登録をお申し込みください" in ja.content
    await harness.register(world.member)
    await harness.ask("member remove", user=world.staff, options={"user": world.member})
    lapsed = await harness.ask("trip log", user=world.member, city="pontiac", start="2026-08-03")
    assert "not valid today" in lapsed.content
    assert harness.query("SELECT count(*) FROM trips") == [(0,)]


async def test_trip_list_cancel_and_autocomplete(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2)
    year = harness.clock.today().year - 1
    await harness.ask(
        "trip log",
        user=world.member,
        city="pontiac",
        start=f"{year}-08-03",
        end=f"{year}-08-10",
        note="With the @everyone choir",
    )
    await harness.ask("trip log", user=world.member, city="kanonji", start=f"{year}-09-01")
    await harness.ask("trip log", user=world.member2, city="xuhui", start=f"{year}-07-01")
    listing = await harness.ask("trip list", user=world.member)
    assert "Your trips (2)" in listing.text
    lines = listing.text.splitlines()
    kanonji = next(i for i, line in enumerate(lines) if "Kanonji" in line)
    pontiac = next(i for i, line in enumerate(lines) if "Pontiac" in line)
    assert kanonji < pontiac  # newest first
    assert "Xuhui" not in listing.text
    choices = await harness.autocomplete("trip cancel", "trip", "pon", user=world.member)
    assert [c["name"] for c in choices] == [f"Pontiac · 3–10 August {year}"]
    ja_choices = await harness.autocomplete(
        "trip cancel", "trip", "", user=world.member, locale="ja"
    )
    assert ja_choices[1]["name"] == f"ポンティアック市（{year}年8月3日〜10日）"
    others = await harness.autocomplete("trip cancel", "trip", "", user=world.member2)
    assert [c["name"] for c in others] == [f"Xuhui District · 1 July {year}"]
    cancelled = await harness.ask("trip cancel", user=world.member, trip=choices[0]["value"])
    assert cancelled.content == f"Cancelled: Pontiac · 3–10 August {year}."
    again = await harness.ask("trip cancel", user=world.member, trip=choices[0]["value"])
    assert "cannot find that trip" in again.content
    someone_elses = await harness.ask("trip cancel", user=world.member, trip=others[0]["value"])
    assert "cannot find that trip" in someone_elses.content
    typed = await harness.ask("trip cancel", user=world.member, trip="pontiac please")
    assert "cannot find that trip" in typed.content
    listing = await harness.ask("trip list", user=world.member)
    assert "Your trips (1)" in listing.text
