"""Members' trips: /trip log, list and cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import reports as report_rules
from bot.domain.cities import City
from bot.domain.clock import Clock
from bot.domain.dates import parse_date
from bot.domain.deadlines import due_date
from bot.domain.errors import DomainError
from bot.domain.ids import require_id
from bot.domain.text import clean_text
from bot.domain.trips import MAX_NOTE, Trip, check_new_trip
from bot.services import membership
from bot.services.cities import CityService
from bot.services.settings import SettingsService
from bot.services.transitions import Transitions
from db import audit, reports, trips
from db.database import Connection, Database

MAX_CHOICES = 25


@dataclass(frozen=True)
class TripView:
    """A trip with its city, as a member sees it."""

    trip: Trip
    city: City


class TripService:
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

    async def log(
        self,
        guild_id: int,
        user_id: int,
        city_typed: str,
        start_text: str,
        end_text: str | None = None,
        note: str | None = None,
    ) -> TripView:
        """Log a trip; with a deadline set, its report is due ``deadline_days`` after its end."""
        city = await self._cities.get(guild_id, city_typed)
        today = self._clock.today()
        start = parse_date(start_text, today)
        end = parse_date(end_text, today) if end_text else start
        settings = await self._settings.get(guild_id)
        cleaned_note = clean_text(note, MAX_NOTE, multiline=True) if note else None

        async def write(conn: Connection) -> tuple[int, date | None]:
            await membership.require_member(conn, guild_id, user_id, today)
            city_row = await trips.city_id(conn, guild_id, city.slug)
            if city_row is None:
                raise DomainError("city.not_found", query=city_typed[:100])
            same_city = await trips.overlapping(conn, guild_id, user_id, city_row, start, end)
            check_new_trip(city, start, end, today, settings.fiscal_year_start_month, same_city)
            due = due_date(end, settings.report_deadline_days)
            trip_id = await trips.insert(
                conn, guild_id, user_id, city_row, start, end, cleaned_note, self._clock.now(),
                report_due=due,
            )  # fmt: skip
            await audit.record(
                conn, guild_id, user_id, "trip.logged", f"trip:{trip_id}", city=city.slug,
                start=start, end=end, report_due=due,
            )  # fmt: skip
            return trip_id, due

        trip_id, due = await self._db.run(write)
        trip = Trip(trip_id, user_id, city.slug, start, end, cleaned_note, report_due=due)
        return TripView(trip, city)

    async def mine(self, guild_id: int, user_id: int) -> list[TripView]:
        """The member's trips, newest first (cancelled ones left out)."""
        async with self._db.read() as conn:
            found = await trips.of_member(conn, guild_id, user_id)
            return await self._with_cities(conn, guild_id, found)

    async def by_ids(self, conn: Connection, guild_id: int, trip_ids: list[int]) -> list[TripView]:
        """Trips by id, cancelled ones included (a report outlives its trip's cancellation)."""
        found = await trips.by_ids(conn, guild_id, sorted(set(trip_ids)))
        return await self._with_cities(conn, guild_id, found)

    async def _with_cities(
        self, conn: Connection, guild_id: int, found: list[Trip]
    ) -> list[TripView]:
        by_slug = await self._cities.by_slug(guild_id, conn)
        return [TripView(t, by_slug[t.city_slug]) for t in found if t.city_slug in by_slug]

    async def autocomplete(self, guild_id: int, user_id: int, typed: str) -> list[TripView]:
        views = await self.mine(guild_id, user_id)
        typed = typed.strip().casefold()
        if typed:
            views = [
                v
                for v in views
                if typed in v.city.name("en").casefold()
                or typed in v.city.name("ja")
                or typed in v.trip.start.isoformat()
            ]
        return views[:MAX_CHOICES]

    async def own_trip(
        self, conn: Connection, guild_id: int, user_id: int, reference: str | int
    ) -> TripView:
        """The member's own, not cancelled trip that an autocomplete value (or a custom id)
        names; the same "cannot find" answer for whatever names none."""
        trip_id = require_id(reference, "trip.unknown")
        trip = await trips.get(conn, guild_id, trip_id)
        if trip is None or trip.user_id != user_id or trip.cancelled:
            raise DomainError("trip.unknown")
        views = await self._with_cities(conn, guild_id, [trip])
        if not views:
            raise DomainError("trip.unknown")
        return views[0]

    async def cancel(self, guild_id: int, user_id: int, reference: str) -> TripView:
        async with self._db.transaction() as conn:
            view = await self.own_trip(conn, guild_id, user_id, reference)
            live = await reports.live_trip_ids(conn, guild_id, user_id)
            state = live.get(view.trip.id)
            if state in report_rules.PUBLISHED:
                raise DomainError("trip.cancel.approved")
            if state is not None:
                raise DomainError("trip.cancel.report_open")
            await self._transitions.cancel_trip(conn, guild_id, view.trip)
        return view
