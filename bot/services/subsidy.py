"""The subsidy ledger: who receives a city's subsidy for a fiscal year, kept in step with every
decision in the same transaction, and what staff do with grants (pay, void).

The rule itself is bot.domain.subsidy.holder. :meth:`SubsidyService.reconcile` makes the ledger
agree with it for one city and year: it grants the holder, and when the holder changed (the
report that held it left the line) it voids the old grant with the reason recorded. A paid grant
is never moved by the bot: money has left the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.domain import subsidy as rules
from bot.domain.cities import City
from bot.domain.clock import TOKYO, Clock
from bot.domain.errors import DomainError, Term
from bot.domain.fiscal import FiscalYear
from bot.domain.ids import require_id
from bot.domain.membership import member_on
from bot.domain.subsidy import Candidate, Explanation, Outcome
from bot.domain.text import clean_text
from bot.services.cities import CityService
from bot.services.outbox import OutboxService
from bot.services.settings import SettingsService
from db import audit, cities, ledger, members, trips
from db.database import Connection, Database
from db.ledger import Entry, Grant

SUBSIDY_DM = "subsidy_dm"
MAX_METHOD = 100
MAX_REASON = 500
MAX_CHOICES = 25
HOLDER_BATCH = 4


@dataclass(frozen=True)
class Standing:
    """A city's subsidy for a fiscal year, as /subsidy check and /city info show it."""

    city: City
    year: FiscalYear
    outcome: Outcome
    grant: Grant | None


class SubsidyService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        cities: CityService,
        outbox: OutboxService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._cities = cities
        self._outbox = outbox
        self._clock = clock

    # ------------------------------------------------------------------ keeping the ledger
    async def reconcile_trip(self, conn: Connection, trip_id: int, decided: int | None) -> None:
        """Inside a decision's transaction: bring the ledger of the trip's city and fiscal year
        in line with the rule. ``decided`` is the report just decided, whose author is told
        about the subsidy in the decision's own message."""
        guild_id, city_id, start = await ledger.trip_city(conn, trip_id)
        settings = await self._settings.ensure(conn, guild_id)
        year = FiscalYear.containing(start, settings.fiscal_year_start_month)
        await self._reconcile(conn, guild_id, city_id, year, settings.subsidy_amount_yen, decided)

    async def reconcile_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        """After a membership change: the member's reports may have gained or lost their place."""
        for trip_id in await ledger.trips_with_reports(conn, guild_id, user_id):
            await self.reconcile_trip(conn, trip_id, None)

    async def _reconcile(
        self,
        conn: Connection,
        guild_id: int,
        city_id: int,
        year: FiscalYear,
        amount: int,
        decided: int | None,
    ) -> None:
        # Read inside the caller's transaction: the city cache would wait for the same lock.
        city = await cities.by_id(conn, city_id)
        if city is None or not city.subsidy_eligible:
            return
        outcome = await self._holder(conn, guild_id, city_id, year)
        current = await ledger.live(conn, guild_id, city_id, year.year)
        wanted = outcome.candidate if outcome.state == rules.GRANTED else None
        if current is not None and (wanted is None or current.report_id != wanted.report_id):
            if current.state == "paid":
                return
            await ledger.void(conn, current.id, "superseded", None, self._clock.now())
            await audit.record(conn, guild_id, None, "subsidy.moved", f"grant:{current.id}")
            current = None
        if wanted is None or current is not None:
            return
        grant_id = await ledger.insert(
            conn, guild_id, city_id, year.year, wanted.user_id, wanted.report_id, amount,
            self._clock.now(),
        )  # fmt: skip
        await audit.record(
            conn, guild_id, None, "subsidy.granted", f"grant:{grant_id}",
            report=wanted.report_id, user=wanted.user_id, amount=amount,
        )  # fmt: skip
        if wanted.report_id != decided:
            await self._outbox.enqueue(
                conn,
                guild_id,
                "dm",
                f"member:{guild_id}:{wanted.user_id}",
                user_id=wanted.user_id,
                message={"render": SUBSIDY_DM, "guild_id": guild_id, "grant_id": grant_id},
            )

    async def _holder(
        self, conn: Connection, guild_id: int, city_id: int, year: FiscalYear
    ) -> Outcome:
        """The rule applied to the line read a part at a time, in submission order: the holder
        is nearly always among the first few, and a busy city's year can have hundreds."""
        voided = await ledger.voided_reports(conn, guild_id, city_id, year.year)
        # A report is written once its trip is over, so one on a trip that started in the year
        # was first submitted on or after the year's first day: the index starts there.
        since = datetime.combine(year.start, time(), TOKYO)
        offset = 0
        while True:
            found = await ledger.standing_in_line(
                conn, guild_id, city_id, year.start, year.end, since, HOLDER_BATCH, offset
            )
            outcome = rules.holder(await self._as_candidates(conn, guild_id, found, voided))
            if outcome.state != rules.OPEN or len(found) < HOLDER_BATCH:
                return outcome
            offset += HOLDER_BATCH

    async def _candidates(
        self, conn: Connection, guild_id: int, city_id: int, year: FiscalYear
    ) -> list[Candidate]:
        """The whole line, for /subsidy mine (which says how many are ahead)."""
        found = await ledger.entries(conn, guild_id, city_id, year.start, year.end)
        voided = await ledger.voided_reports(conn, guild_id, city_id, year.year)
        return await self._as_candidates(conn, guild_id, found, voided)

    async def _as_candidates(
        self, conn: Connection, guild_id: int, found: list[Entry], voided: set[int]
    ) -> list[Candidate]:
        periods = await members.periods_of(conn, guild_id, (e.user_id for e in found))
        candidates = []
        for e in found:
            submitted_on = e.first_submitted_at.astimezone(TOKYO).date()
            candidates.append(
                Candidate(
                    report_id=e.report_id,
                    trip_id=e.trip_id,
                    user_id=e.user_id,
                    state=e.state,
                    first_submitted_at=e.first_submitted_at,
                    trip_start=e.trip_start,
                    submitted_on=submitted_on,
                    member_on_trip_start=member_on(periods.get(e.user_id, []), e.trip_start),
                    member_on_submission=member_on(periods.get(e.user_id, []), submitted_on),
                    voided=e.report_id in voided,
                )
            )
        return candidates

    # ------------------------------------------------------------------ reading
    async def fiscal_year(self, guild_id: int, year: int | None = None) -> FiscalYear:
        month = (await self._settings.get(guild_id)).fiscal_year_start_month
        if year is None:
            return FiscalYear.containing(self._clock.today(), month)
        return FiscalYear(year, month)

    async def standing(self, guild_id: int, city: City, year: FiscalYear) -> Standing:
        async with self._db.read() as conn:
            city_id = await trips.city_id(conn, guild_id, city.slug)
            if city_id is None or not city.subsidy_eligible:
                return Standing(city, year, Outcome(rules.OPEN), None)
            outcome = await self._holder(conn, guild_id, city_id, year)
            grant = await ledger.live(conn, guild_id, city_id, year.year)
        return Standing(city, year, outcome, grant)

    async def mine(self, guild_id: int, user_id: int) -> list[tuple[int, Explanation]]:
        """(trip id, why it does or does not receive the subsidy) for each of the member's trips.
        Trips to the same city in the same fiscal year share one look at the line."""
        month = (await self._settings.get(guild_id)).fiscal_year_start_month
        by_slug = await self._cities.by_slug(guild_id)
        lines: list[tuple[int, Explanation]] = []
        lines_of: dict[tuple[str, int], list[Candidate]] = {}
        async with self._db.read() as conn:
            for trip in await trips.of_member(conn, guild_id, user_id):
                city = by_slug.get(trip.city_slug)
                if city is not None and not city.subsidy_eligible:
                    lines.append((trip.id, Explanation("subsidy.why.city_not_eligible", {})))
                    continue
                city_id = await trips.city_id(conn, guild_id, trip.city_slug) or 0
                year = FiscalYear.containing(trip.start, month)
                key = (trip.city_slug, year.year)
                if key not in lines_of:
                    lines_of[key] = await self._candidates(conn, guild_id, city_id, year)
                why = _why(trip.id, lines_of[key])
                if why.key == "subsidy.why.granted":
                    grant = await ledger.live(conn, guild_id, city_id, year.year)
                    if grant is not None and grant.state == "paid":
                        why = Explanation("subsidy.why.paid", {"day": grant.paid_on})
                lines.append((trip.id, why))
        return lines

    async def ledger(self, guild_id: int, year: int) -> list[Grant]:
        async with self._db.read() as conn:
            return await ledger.of_year(conn, guild_id, year)

    async def grant(self, guild_id: int, grant_id: int) -> Grant:
        async with self._db.read() as conn:
            found = await ledger.get(conn, guild_id, grant_id)
        if found is None:
            raise DomainError("subsidy.grant.unknown")
        return found

    async def live_grants(self, guild_id: int) -> list[Grant]:
        async with self._db.read() as conn:
            return await ledger.live_grants(conn, guild_id, MAX_CHOICES)

    # ------------------------------------------------------------------ staff
    async def pay(self, guild_id: int, actor_id: int, grant_ref: str, method: str) -> Grant:
        grant_id = require_id(grant_ref, "subsidy.grant.unknown")
        method = clean_text(method, MAX_METHOD) or ""
        if not method:
            raise DomainError("subsidy.paid.method_needed")
        day = self._clock.today()
        async with self._db.transaction() as conn:
            grant = await ledger.get(conn, guild_id, grant_id)
            if grant is None:
                raise DomainError("subsidy.grant.unknown")
            if not await ledger.pay(conn, grant.id, day, method, actor_id):
                raise DomainError("subsidy.paid.not_granted", state=_grant_state(grant))
            await audit.record(
                conn, guild_id, actor_id, "subsidy.paid", f"grant:{grant.id}", day=day,
                method=method,
            )  # fmt: skip
            paid = await ledger.get(conn, guild_id, grant.id)
        assert paid is not None
        return paid

    async def void(self, guild_id: int, actor_id: int, grant_ref: str, reason: str) -> Grant | None:
        """Void a grant; the next report in line receives it. Returns the new grant, if any."""
        grant_id = require_id(grant_ref, "subsidy.grant.unknown")
        reason = clean_text(reason, MAX_REASON, multiline=True) or ""
        if not reason:
            raise DomainError("subsidy.void.reason_needed")
        async with self._db.transaction() as conn:
            grant = await ledger.get(conn, guild_id, grant_id)
            if grant is None:
                raise DomainError("subsidy.grant.unknown")
            if not await ledger.void(conn, grant.id, reason, actor_id, self._clock.now()):
                raise DomainError("subsidy.void.already")
            await audit.record(
                conn, guild_id, actor_id, "subsidy.voided", f"grant:{grant.id}", reason=reason
            )
            settings = await self._settings.ensure(conn, guild_id)
            year = FiscalYear(grant.fiscal_year, settings.fiscal_year_start_month)
            await self._reconcile(
                conn, guild_id, grant.city_id, year, settings.subsidy_amount_yen, None
            )
            successor = await ledger.live(conn, guild_id, grant.city_id, grant.fiscal_year)
        self._outbox.wake()
        return successor


def _why(trip_id: int, candidates: list[Candidate]) -> Explanation:
    """Why one trip's latest report does or does not hold its city's subsidy."""
    outcome = rules.holder(candidates)
    own = sorted((c for c in candidates if c.trip_id == trip_id), key=lambda c: c.order)
    if not own:
        taken = outcome.state == rules.GRANTED
        return Explanation("subsidy.why.taken" if taken else "subsidy.why.no_report", {})
    mine = own[-1]
    ahead = sum(
        1 for c in candidates if c.eligible and c.state in rules.IN_LINE and c.order < mine.order
    )
    return rules.explain(mine, outcome, ahead)


def _grant_state(grant: Grant) -> Term:
    return Term(f"subsidy.state.{grant.state}")
