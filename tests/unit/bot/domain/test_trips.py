from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError
from bot.domain.trips import Trip, check_new_trip
from bot.services.presets import load

TODAY = date(2026, 11, 23)
PONTIAC = next(c for c in load("kifa").cities if c.slug == "pontiac")


def refusal(start: date, end: date, existing: list[Trip] | None = None) -> str | None:
    try:
        check_new_trip(PONTIAC, start, end, TODAY, 4, existing or [])
    except DomainError as error:
        return error.key
    return None


def test_the_limits_of_a_trip() -> None:
    assert refusal(date(2026, 8, 3), date(2026, 8, 10)) is None
    assert refusal(date(2026, 8, 3), date(2026, 8, 2)) == "trip.end_before_start"
    assert refusal(date(2026, 1, 1), date(2026, 3, 31)) is None  # 90 days
    assert refusal(date(2026, 1, 1), date(2026, 4, 1)) == "trip.too_long"
    assert refusal(date(2024, 4, 1), date(2024, 4, 1)) is None  # two fiscal years back
    assert refusal(date(2024, 3, 31), date(2024, 3, 31)) == "trip.too_old"
    assert refusal(date(2027, 11, 23), date(2027, 11, 23)) is None
    assert refusal(date(2027, 11, 24), date(2027, 11, 24)) == "trip.too_far_ahead"


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        (date(2026, 8, 10), date(2026, 8, 12), "trip.overlaps"),
        (date(2026, 8, 1), date(2026, 8, 3), "trip.overlaps"),
        (date(2026, 8, 11), date(2026, 8, 12), None),
        (date(2026, 7, 1), date(2026, 8, 2), None),
    ],
)
def test_overlap_with_a_logged_trip(start: date, end: date, key: str | None) -> None:
    logged = Trip(1, 7, "pontiac", date(2026, 8, 3), date(2026, 8, 10))
    assert refusal(start, end, [logged]) == key
    cancelled = Trip(1, 7, "pontiac", date(2026, 8, 3), date(2026, 8, 10), cancelled=True)
    assert refusal(start, end, [cancelled]) is None
