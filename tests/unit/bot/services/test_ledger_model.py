"""The ledger, driven through the real services on a real database by random sequences of
submissions, decisions, withdrawals, voids and membership changes, checked after every step
against a small reference model of PRODUCT.md's rule."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from unittest.mock import patch

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.errors import DomainError
from bot.services import Services
from bot.services import subsidy as subsidy_service
from db.database import Database
from db.migrate import migrate

GUILD, STAFF = 1, 99
USERS = (11, 12, 13, 14)
NEWCOMER = 14  # joined today: not a member when any of the (past) trips started
CITIES = ("pontiac", "kanonji", "michigan")  # Michigan has no subsidy
BODY = "word " * 350

op = st.one_of(
    st.tuples(
        st.just("submit"), st.sampled_from(USERS), st.sampled_from(CITIES), st.integers(0, 1)
    ),
    st.tuples(
        st.just("decide"), st.integers(0, 30), st.sampled_from(["approve", "changes", "reject"])
    ),
    st.tuples(st.just("resubmit"), st.integers(0, 30)),
    st.tuples(st.just("withdraw"), st.integers(0, 30)),
    st.tuples(st.just("void"), st.integers(0, 30)),
    st.tuples(st.just("leave"), st.sampled_from(USERS)),
    st.tuples(st.just("join"), st.sampled_from(USERS)),
)


@dataclass
class Model:
    """Reports as (id, user, city, fiscal year, state, order, eligible); voided report ids."""

    reports: dict[int, dict] = field(default_factory=dict)
    voided: set[int] = field(default_factory=set)

    def holder(self, city: str, year: int) -> int | None:
        if city == "michigan":
            return None
        line = sorted(
            (
                r
                for r in self.reports.values()
                if (r["city"], r["year"]) == (city, year)
                and r["eligible"]
                and r["id"] not in self.voided
            ),
            key=lambda r: r["order"],
        )
        for r in line:
            if r["state"] == "approved":
                return r["id"]
            if r["state"] in ("awaiting", "changes_requested"):
                return None
        return None


async def run(ops: list[tuple]) -> None:
    folder = Path(tempfile.mkdtemp())
    db = await Database.open(folder / "db.sqlite3")
    try:
        await migrate(db)
        clock = Clock()
        svc = Services.build(db, Settings(token="", database_path=db.path), clock)
        async with db.transaction() as conn:
            await svc.settings.ensure(conn, GUILD)
        await svc.settings.set_channels(GUILD, STAFF, moderation_channel_id=5)
        today = clock.today()
        long_ago = (today - timedelta(days=1000)).isoformat()
        for user in USERS:
            since = today.isoformat() if user == NEWCOMER else long_ago
            await svc.members.add(GUILD, STAFF, user, None, since=since)
        model = Model()
        for day, step in enumerate(ops, start=1):
            kind = step[0]
            try:
                if kind == "submit":
                    _, user, city, years_back = step
                    start = date(today.year - 1 - years_back, 7, 1) + timedelta(days=day)
                    trip = await svc.trips.log(GUILD, user, city, start.isoformat())
                    view = await svc.reports.submit(
                        GUILD, user, str(trip.trip.id), None, BODY, "en"
                    )
                    model.reports[view.report.id] = {
                        "id": view.report.id, "user": user, "city": city,
                        "year": start.year if start.month >= 4 else start.year - 1,
                        "state": "awaiting", "order": len(model.reports),
                        "eligible": user != NEWCOMER,
                    }  # fmt: skip
                elif kind in ("decide", "resubmit", "withdraw") and model.reports:
                    rid = sorted(model.reports)[step[1] % len(model.reports)]
                    r = model.reports[rid]
                    if kind == "decide":
                        done = await svc.reports.decide(GUILD, STAFF, rid, step[2], "because")
                        r["state"] = done.report.state
                    elif kind == "withdraw":
                        await svc.reports.withdraw(GUILD, r["user"], str(rid))
                        r["state"] = "withdrawn"
                    elif r["state"] == "changes_requested":
                        trip_id = (await svc.reports.view(GUILD, rid)).trip.trip.id
                        await svc.reports.submit(GUILD, r["user"], str(trip_id), None, BODY, "en")
                        r["state"] = "awaiting"
                elif kind == "void":
                    live = await svc.subsidy.live_grants(GUILD)
                    if live:
                        grant = live[step[1] % len(live)]
                        await svc.subsidy.void(GUILD, STAFF, str(grant.id), "test")
                        model.voided.add(grant.report_id)
                elif kind == "leave":
                    await svc.members.remove(GUILD, STAFF, step[1])
                elif kind == "join":
                    await svc.members.add(GUILD, STAFF, step[1], None)
            except DomainError:
                pass  # a refusal changes nothing, in the model as in the bot
            clock.advance(timedelta(days=1))
            await check(svc, model)
    finally:
        await db.close()


async def check(svc: Services, model: Model) -> None:
    grants = []
    for year in {r["year"] for r in model.reports.values()}:
        grants += await svc.subsidy.ledger(GUILD, year)
    live = [g for g in grants if g.state != "void"]
    keys = [(g.city_slug, g.fiscal_year) for g in live]
    assert len(keys) == len(set(keys)), "two live grants for one city and year"
    for city in CITIES:
        for year in {r["year"] for r in model.reports.values()}:
            held = [g.report_id for g in live if (g.city_slug, g.fiscal_year) == (city, year)]
            expected = model.holder(city, year)
            assert held == ([expected] if expected else []), (city, year, held, expected)
            assert all(model.reports[h]["user"] != NEWCOMER for h in held), "a non-member holds it"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=25))
@example(
    [("submit", NEWCOMER, "pontiac", 0), ("submit", 11, "pontiac", 0), ("decide", 1, "approve")]
)
def test_the_ledger_follows_the_rule(ops: list[tuple]) -> None:
    # The service reads the line a few reports at a time; one at a time, the lines these
    # examples build run over several parts, so moving from one part to the next is tested too
    # (the pinned example: the first in line cannot hold it, the second can).
    with patch.object(subsidy_service, "HOLDER_BATCH", 1):
        asyncio.run(run(ops))
