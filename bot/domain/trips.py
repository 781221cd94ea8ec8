"""The rules a trip must keep before it is logged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from bot.domain.cities import City
from bot.domain.dates import Span
from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear

MAX_TRIP_DAYS = 90
FISCAL_YEARS_BACK = 2
MAX_NOTE = 500


@dataclass(frozen=True)
class Trip:
    id: int
    user_id: int
    city_slug: str
    start: date
    end: date
    note: str | None = None
    cancelled: bool = False
    report_due: date | None = None  # the last day its report is on time (bot.domain.deadlines)
    reminder_dm_failed: bool = False

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


def check_new_trip(
    city: City,
    start: date,
    end: date,
    today: date,
    fiscal_start_month: int,
    same_city: Iterable[Trip],
) -> None:
    """Raise :class:`DomainError` when a trip from ``start`` to ``end`` may not be logged."""
    if end < start:
        raise DomainError("trip.end_before_start", start=start, end=end)
    days = Span(start, end).days
    if days > MAX_TRIP_DAYS:
        raise DomainError("trip.too_long", days=days, max=MAX_TRIP_DAYS)
    earliest = FiscalYear.containing(today, fiscal_start_month).shifted(-FISCAL_YEARS_BACK).start
    if start < earliest:
        raise DomainError("trip.too_old", earliest=earliest)
    latest = today + relativedelta(years=1)
    if start > latest:
        raise DomainError("trip.too_far_ahead", latest=latest)
    for trip in same_city:
        if not trip.cancelled and trip.overlaps(start, end):
            raise DomainError("trip.overlaps", city=city, span=trip.span)
