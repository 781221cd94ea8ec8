"""The ledger as a state machine: the real services on a real database, driven by every operation
that can move a city's subsidy (submit, decide (approve, approve without subsidy, request changes,
reject), resubmit, withdraw, void, pay, cancel a trip,
membership registered / ended / expired, days passing), and checked after every step against a
small reference model of PRODUCT.md's rule, written here independently of bot.domain.subsidy.

Run with more examples locally: ``LEDGER_EXAMPLES=5000 pytest tests/unit/bot/services``.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bot.config import Settings
from bot.domain.clock import TOKYO, Clock
from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear
from bot.services import Services, subsidy_line
from bot.services.transitions import SUBSIDY_DM
from db.database import Database
from db.migrate import migrate

GUILD, STAFF = 1, 99
USERS = (11, 12, 13, 14)
NEWCOMER = 14  # joins today: not a member when any of the (past) trips started
CITIES = ("pontiac", "kanonji", "michigan")  # Michigan has no subsidy
BODY = "word " * 350
EXAMPLES = int(os.environ.get("LEDGER_EXAMPLES", "500"))
REFUSED = object()
START = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@dataclass
class Model:
    """What the rule says, kept apart from the bot: reports as they stand, voided and paid
    reports, and each member's membership as (from, to, ended) read from the registry."""

    reports: dict[int, dict] = field(default_factory=dict)
    voided: set[int] = field(default_factory=set)
    paid: dict[tuple[str, int], int] = field(default_factory=dict)  # (city, year) -> report

    def holder(self, city: str, year: int, member_on) -> int | None:  # type: ignore[no-untyped-def]
        if city == "michigan":
            return None
        if (city, year) in self.paid:  # money has left the office: the bot never moves it
            return self.paid[(city, year)]
        line = sorted(
            (
                r
                for r in self.reports.values()
                if (r["city"], r["year"]) == (city, year)
                and r["id"] not in self.voided
                and member_on(r["user"], r["start"])
                and member_on(r["user"], r["submitted_on"])
            ),
            key=lambda r: r["order"],
        )
        for r in line:  # rejected, withdrawn and approved-without-subsidy reports are passed over
            if r["state"] == "approved":
                return r["id"]
            if r["state"] in ("awaiting", "changes_requested"):
                return None
        return None


class SteppingClock(Clock):
    """A clock that starts at the same moment in every example and moves a millisecond per
    reading, so that a failing sequence replays exactly while shrinking."""

    def __init__(self) -> None:
        super().__init__()
        self._now = START

    def now(self) -> datetime:
        self._now += timedelta(milliseconds=1)
        return self._now + self._offset


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = SteppingClock()
        self.model = Model()
        self.run(self._open())

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    async def _open(self) -> None:
        self.db = await Database.open(":memory:")
        await migrate(self.db)
        self.svc = Services.build(
            self.db, Settings(token="", database_path=self.db.path), self.clock
        )
        await self.svc.settings.set_channels(GUILD, STAFF, moderation_channel_id=5)
        long_ago = (self.clock.today() - timedelta(days=1000)).isoformat()
        for user in USERS:
            since = self.clock.today().isoformat() if user == NEWCOMER else long_ago
            await self.svc.members.add(GUILD, STAFF, user, None, since=since)

    def teardown(self) -> None:
        self.run(self.db.close())
        self.loop.close()

    def attempt(self, coroutine):  # type: ignore[no-untyped-def]
        """Run one operation; a refusal changes nothing, in the model as in the bot."""
        try:
            return self.run(coroutine)
        except DomainError:
            return REFUSED

    def pick(self, index: int) -> dict:
        return self.model.reports[sorted(self.model.reports)[index % len(self.model.reports)]]

    # ------------------------------------------------------------------ operations
    @initialize(
        first=st.lists(
            st.tuples(st.sampled_from(USERS), st.sampled_from(("pontiac", "kanonji"))),
            min_size=2,
            max_size=4,
        )
    )
    def a_season_of_reports(self, first: list[tuple[int, str]]) -> None:
        """Most examples start where the rule has something to decide: a few reports in line."""
        for user, city in first:
            self.submit(user, city, back=9)

    # A few trip days, most of them in one fiscal year, so that reports meet in the same line.
    @rule(
        user=st.sampled_from(USERS),
        city=st.sampled_from(("pontiac", "pontiac", "pontiac", "kanonji", "michigan")),
        back=st.sampled_from([0, 3, 9, 27, 300]),
    )
    def submit(self, user: int, city: str, back: int) -> None:
        start = self.clock.today() - timedelta(days=back + 1)
        trip = self.attempt(self.svc.trips.log(GUILD, user, city, start.isoformat()))
        if trip is REFUSED:
            return
        view = self.attempt(
            self.svc.reports.submit(GUILD, user, str(trip.trip.id), None, BODY, "en")
        )
        if view is REFUSED:
            return
        self.model.reports[view.report.id] = {
            "id": view.report.id, "user": user, "city": city, "trip": trip.trip.id,
            "year": FiscalYear.containing(start, 4).year, "start": start,
            "submitted_on": view.report.first_submitted_at.astimezone(TOKYO).date(),
            "state": "awaiting", "order": len(self.model.reports),
        }  # fmt: skip

    @precondition(lambda self: self.model.reports)
    @rule(
        index=st.integers(0, 7),
        action=st.sampled_from(["approve", "approve", "nosubsidy", "changes", "reject"]),
    )
    def decide(self, index: int, action: str) -> None:
        r = self.pick(index)
        done = self.attempt(self.svc.reports.decide(GUILD, STAFF, r["id"], action, "because"))
        if done is not REFUSED:
            expected = {"approve": "approved", "nosubsidy": "approved_no_subsidy",
                        "changes": "changes_requested", "reject": "rejected"}[action]  # fmt: skip
            assert r["state"] == "awaiting" and done.report.state == expected, (r, done.report)
            r["state"] = expected

    @precondition(lambda self: self.model.reports)
    @rule(index=st.integers(0, 7))
    def resubmit(self, index: int) -> None:
        """The report on one trip written again: after "changes requested" it keeps its row and
        place in line; after a rejection or a withdrawal it is a new report, last in line."""
        r = self.pick(index)
        done = self.attempt(
            self.svc.reports.submit(GUILD, r["user"], str(r["trip"]), None, BODY, "en")
        )
        if done is REFUSED:
            return
        # The form acts on the trip's latest report, which may be a later one than ``r``.
        if done.report.id in self.model.reports:
            latest = self.model.reports[done.report.id]
            assert latest["state"] == "changes_requested", "only a report sent back is rewritten"
            latest["state"] = "awaiting"
        else:
            assert all(
                o["state"] in ("rejected", "withdrawn")
                for o in self.model.reports.values()
                if o["trip"] == r["trip"]
            ), "a new report only for a trip whose reports all left the line"
            self.model.reports[done.report.id] = {
                **r, "id": done.report.id, "state": "awaiting", "order": len(self.model.reports),
                "submitted_on": done.report.first_submitted_at.astimezone(TOKYO).date(),
            }  # fmt: skip

    @precondition(lambda self: self.model.reports)
    @rule(index=st.integers(0, 7))
    def withdraw(self, index: int) -> None:
        r = self.pick(index)
        if self.attempt(self.svc.reports.withdraw(GUILD, r["user"], str(r["id"]))) is not REFUSED:
            r["state"] = "withdrawn"

    @rule(action=st.sampled_from(["void", "pay"]), index=st.integers(0, 7))
    def keep_the_books(self, action: str, index: int) -> None:
        """Staff void a grant (the next report in line receives it) or mark one paid."""
        live = self.run(self.svc.subsidy.live_grants(GUILD))
        if action == "pay":
            live = [g for g in live if g.state == "granted"]
        if not live:
            return
        grant = live[index % len(live)]
        key = (grant.city_slug, grant.fiscal_year)
        if action == "void":
            if self.attempt(self.svc.subsidy.void(GUILD, STAFF, str(grant.id), "x")) is not REFUSED:
                self.model.voided.add(grant.report_id)
                self.model.paid.pop(key, None)
        elif self.attempt(self.svc.subsidy.pay(GUILD, STAFF, str(grant.id), "cash")) is not REFUSED:
            self.model.paid[key] = grant.report_id

    @rule(
        change=st.sampled_from(["cancel_trip", "leave", "join", "join_back_dated", "days_pass"]),
        user=st.sampled_from(USERS),
        index=st.integers(0, 7),
    )
    def time_and_membership(self, change: str, user: int, index: int) -> None:
        """Less frequent than reports: a trip cancelled, a membership ended or registered (from
        today, or back-dated so that earlier reports gain their place), days passing (with the
        daily check that records expiries)."""
        if change == "cancel_trip":
            trips = self.run(self.svc.trips.mine(GUILD, user))
            if trips:
                trip_id = str(trips[index % len(trips)].trip.id)
                self.attempt(self.svc.trips.cancel(GUILD, user, trip_id))
        elif change == "leave":
            self.attempt(self.svc.members.remove(GUILD, STAFF, user))
        elif change.startswith("join"):
            back = 1000 if change == "join_back_dated" else 0
            since = (self.clock.today() - timedelta(days=back)).isoformat()
            self.attempt(self.svc.members.add(GUILD, STAFF, user, None, since=since))
        else:
            self.clock.advance(timedelta(days=[1, 30, 200][index % 3]))
            self.run(self.svc.members.keep_roles_in_step(GUILD))

    # ------------------------------------------------------------------ the invariant
    @invariant()
    def ledger_follows_the_rule(self) -> None:
        self.run(self._check())

    async def _check(self) -> None:
        async with self.db.read() as conn:
            periods = {
                user: await conn.fetchall(
                    "SELECT valid_from, expires, ended_on FROM membership_periods "
                    "WHERE guild_id = ? AND user_id = ?",
                    (GUILD, user),
                )
                for user in USERS
            }
            told = {
                row[0]
                for row in await conn.fetchall(
                    "SELECT json_extract(payload, '$.message.grant_id') FROM outbox "
                    "WHERE kind = 'dm' AND json_extract(payload, '$.message.render') = ?",
                    (SUBSIDY_DM,),
                )
            }

        def member_on(user: int, day: date) -> bool:
            text = day.isoformat()
            return any(
                p["valid_from"] <= text <= p["expires"]
                and (p["ended_on"] is None or text < p["ended_on"])
                for p in periods[user]
            )

        years = {r["year"] for r in self.model.reports.values()}
        grants = [g for year in years for g in await self.svc.subsidy.ledger(GUILD, year)]
        live = [g for g in grants if g.state != "void"]
        keys = [(g.city_slug, g.fiscal_year) for g in live]
        assert len(keys) == len(set(keys)), "two live grants for one city and year"
        for city in CITIES:
            for year in years:
                held = [g.report_id for g in live if (g.city_slug, g.fiscal_year) == (city, year)]
                expected = self.model.holder(city, year, member_on)
                assert held == ([expected] if expected else []), (city, year, held, expected)
        assert {g.id for g in grants} <= told, "a member received the subsidy and was not told"


@pytest.mark.timeout(600)  # 500 examples: about a minute on a busy 2-core machine
def test_the_ledger_follows_the_rule_after_every_step() -> None:
    # The service reads the line a few reports at a time; one at a time, the lines built here
    # run over several parts, so moving from one part to the next is exercised too.
    with patch.object(subsidy_line, "HOLDER_BATCH", 1):
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=30,
                deadline=None,
                database=None,  # every run searches afresh, as CI does from a clean clone
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )


def test_withdrawing_the_earlier_report_hands_the_subsidy_on() -> None:
    """Report A (earlier) awaits review; report B (later, same city and year) is approved and
    waits behind A; A is withdrawn: B holds the subsidy at once, and its author is told."""
    machine = LedgerMachine()
    try:
        machine.submit(user=11, city="pontiac", back=10)
        machine.submit(user=12, city="pontiac", back=10)
        a, b = sorted(machine.model.reports)
        machine.decide(index=1, action="approve")
        machine.ledger_follows_the_rule()
        assert machine.run(machine.svc.subsidy.live_grants(GUILD)) == []
        machine.withdraw(index=0)
        machine.ledger_follows_the_rule()
        [grant] = machine.run(machine.svc.subsidy.live_grants(GUILD))
        assert (grant.report_id, grant.user_id) == (b, 12)
        assert machine.model.reports[a]["state"] == "withdrawn"
    finally:
        machine.teardown()


def test_approving_the_earlier_report_without_subsidy_hands_the_subsidy_on() -> None:
    """Report A (earlier) awaits review; report B (later, same city and year) is approved and
    waits behind A; A is approved without the subsidy: B holds it at once, and A never does."""
    machine = LedgerMachine()
    try:
        machine.submit(user=11, city="pontiac", back=10)
        machine.submit(user=12, city="pontiac", back=10)
        a, b = sorted(machine.model.reports)
        machine.decide(index=1, action="approve")
        assert machine.run(machine.svc.subsidy.live_grants(GUILD)) == []
        machine.decide(index=0, action="nosubsidy")
        machine.ledger_follows_the_rule()
        [grant] = machine.run(machine.svc.subsidy.live_grants(GUILD))
        assert (grant.report_id, grant.user_id) == (b, 12)
        assert machine.model.reports[a]["state"] == "approved_no_subsidy"
        machine.keep_the_books(action="void", index=0)  # B's grant voided: nobody is left
        machine.ledger_follows_the_rule()
        assert machine.run(machine.svc.subsidy.live_grants(GUILD)) == []
    finally:
        machine.teardown()
