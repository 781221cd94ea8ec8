"""The subsidy ledger as members and staff see it, and what staff do with grants (pay, void).

The rule itself is bot.domain.subsidy.holder; the ledger is kept in step with it by
bot.services.transitions, in the same transaction as every change that can move it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import subsidy as rules
from bot.domain.cities import City
from bot.domain.clock import Clock
from bot.domain.deadlines import overdue
from bot.domain.errors import DomainError, Term
from bot.domain.fiscal import FiscalYear
from bot.domain.ids import require_id
from bot.domain.subsidy import Candidate, Explanation, Outcome
from bot.domain.text import clean_text
from bot.services import subsidy_line
from bot.services.chunks import OnProgress, read_in_pages
from bot.services.cities import CityService
from bot.services.settings import SettingsService
from bot.services.transitions import Transitions
from db import audit, ledger, reports, summary, trips
from db.database import Connection, Database
from db.ledger import Grant, Waived

MAX_METHOD = 100
MAX_REASON = 500
MAX_CHOICES = 25


@dataclass(frozen=True)
class CityYear:
    """One city's line of /subsidy summary."""

    city: City | None  # None for the totals
    slug: str
    trips: int
    reports: int
    approved: int  # published, with or without the subsidy
    without_subsidy: int  # of which approved without the subsidy
    grant_state: str  # granted | paid | reserved | open | not_eligible ("" for the totals)
    granted_yen: int  # the live grant's amount, paid or not
    paid_yen: int


@dataclass(frozen=True)
class Summary:
    """A fiscal year in numbers, for the general meeting."""

    year: FiscalYear
    cities: list[CityYear]
    total: CityYear


@dataclass(frozen=True)
class Standing:
    """A city's subsidy for a fiscal year, as /subsidy check and /city info show it."""

    city: City
    year: FiscalYear
    outcome: Outcome
    grant: Grant | None
    waived: tuple[Waived, ...] = ()  # reports approved without the subsidy


class SubsidyService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        cities: CityService,
        transitions: Transitions,
        clock: Clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._cities = cities
        self._transitions = transitions
        self._clock = clock

    # ------------------------------------------------------------------ reading
    async def fiscal_year(self, guild_id: int, year: int | None = None) -> FiscalYear:
        month = (await self._settings.get(guild_id)).fiscal_year_start_month
        if year is None:
            return FiscalYear.containing(self._clock.today(), month)
        return FiscalYear(year, month)

    async def standing(self, guild_id: int, city: City, year: FiscalYear) -> Standing:
        async def read(conn: Connection) -> Standing:
            city_id = await trips.city_id(conn, guild_id, city.slug)
            if city_id is None or not city.subsidy_eligible:
                return Standing(city, year, Outcome(rules.OPEN), None)
            outcome = await subsidy_line.holder(conn, guild_id, city_id, year)
            grant = await ledger.live(conn, guild_id, city_id, year.year)
            waived = await ledger.waived(conn, guild_id, city_id, year.start, year.end)
            return Standing(city, year, outcome, grant, tuple(waived))

        return await self._db.run(read, write=False)

    async def mine(self, guild_id: int, user_id: int) -> list[tuple[int, Explanation]]:
        """(trip id, why it does or does not receive the subsidy) for each of the member's trips.
        Trips to the same city in the same fiscal year share one look at the line."""
        settings = await self._settings.get(guild_id)
        month = settings.fiscal_year_start_month
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
                    lines_of[key] = await subsidy_line.candidates(conn, guild_id, city_id, year)
                why = _why(trip.id, lines_of[key])
                if why.key == "subsidy.why.approved_no_subsidy":
                    report = await reports.latest_for_trip(conn, trip.id)
                    why = Explanation(why.key, {"reason": report.reason if report else ""})
                if why.key == "subsidy.why.no_report" and trip.report_due is not None:
                    late = overdue(self._clock.today(), trip.report_due)
                    why = Explanation(
                        "subsidy.why.overdue" if late else "subsidy.why.no_report_by",
                        {"day": trip.report_due},
                    )
                if why.key == "subsidy.why.granted":
                    grant = await ledger.live(conn, guild_id, city_id, year.year)
                    amount = grant.amount_yen if grant else settings.subsidy_amount_yen
                    if grant is not None and grant.state == "paid":
                        why = Explanation("subsidy.why.paid", {"day": grant.paid_on})
                    why = Explanation(why.key, {**why.params, "amount": f"{amount:,}"})
                lines.append((trip.id, why))
        return lines

    async def summary(self, guild_id: int, year: FiscalYear) -> Summary:
        """Per city: trips logged, reports submitted, approved (and of those, without the
        subsidy), the grant's state and amount, what was paid; and the totals."""
        by_slug = await self._cities.by_slug(guild_id)
        lines: list[CityYear] = []
        async with self._db.read() as conn:
            found = await summary.counts(conn, guild_id, year.start, year.end)
            grants = {
                g.city_id: g
                for g in await ledger.of_year(conn, guild_id, year.year)
                if g.state != "void"
            }
            for counts in found:
                city = by_slug.get(counts.slug)
                grant = grants.get(counts.city_id)
                if grant is not None:
                    state = grant.state
                elif city is None or not city.subsidy_eligible:
                    state = "not_eligible"
                else:
                    state = (await subsidy_line.holder(conn, guild_id, counts.city_id, year)).state
                lines.append(
                    CityYear(
                        city, counts.slug, counts.trips, counts.reports, counts.approved,
                        counts.without_subsidy, state, grant.amount_yen if grant else 0,
                        grant.amount_yen if grant and grant.state == "paid" else 0,
                    )
                )  # fmt: skip
        total = CityYear(
            city=None,
            slug="",
            trips=sum(line.trips for line in lines),
            reports=sum(line.reports for line in lines),
            approved=sum(line.approved for line in lines),
            without_subsidy=sum(line.without_subsidy for line in lines),
            grant_state="",
            granted_yen=sum(line.granted_yen for line in lines),
            paid_yen=sum(line.paid_yen for line in lines),
        )
        return Summary(year, lines, total)

    async def ledger(
        self, guild_id: int, year: int, progress: OnProgress | None = None
    ) -> list[Grant]:
        """The fiscal year's grants, void ones included, in order; read a few hundred at a time."""
        async with self._db.read() as conn:
            total = await ledger.count_of_year(conn, guild_id, year)
        return await read_in_pages(
            self._db,
            lambda conn, after, size: ledger.of_year(conn, guild_id, year, after, size),
            lambda grant: grant.id,
            total=total,
            progress=progress,
        )

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
            if not await self._transitions.void_grant(conn, grant, actor_id, reason):
                raise DomainError("subsidy.void.already")
            return await ledger.live(conn, guild_id, grant.city_id, grant.fiscal_year)


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
