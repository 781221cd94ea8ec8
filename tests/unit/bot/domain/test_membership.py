from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear
from bot.domain.membership import Period, default_term, member_on, plan_registration


def test_fiscal_years_start_in_april_by_default_and_in_january_when_set() -> None:
    year = FiscalYear.containing(date(2026, 3, 31), 4)
    assert (year.year, year.start, year.end) == (2025, date(2025, 4, 1), date(2026, 3, 31))
    assert FiscalYear.containing(date(2026, 4, 1), 4).year == 2026
    calendar = FiscalYear.containing(date(2026, 3, 31), 1)
    assert (calendar.start, calendar.end) == (date(2026, 1, 1), date(2026, 12, 31))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(1, 12))
def test_every_day_is_in_exactly_the_fiscal_year_containing_it(day: date, month: int) -> None:
    year = FiscalYear.containing(day, month)
    assert day in year
    assert day not in year.shifted(1) and day not in year.shifted(-1)
    assert year.shifted(1).start == year.end + timedelta(days=1)


def test_default_term_is_the_current_fiscal_year() -> None:
    assert default_term(date(2026, 11, 23), 4) == (date(2026, 4, 1), date(2027, 3, 31))


def test_membership_is_a_question_with_a_date() -> None:
    period = Period(1, date(2025, 4, 1), date(2026, 3, 31))
    assert not member_on([period], date(2025, 3, 31))
    assert member_on([period], date(2025, 4, 1))
    assert member_on([period], date(2026, 3, 31))
    assert not member_on([period], date(2026, 4, 1))
    ended = Period(1, date(2025, 4, 1), date(2026, 3, 31), ended_on=date(2025, 10, 1))
    assert member_on([ended], date(2025, 9, 30))
    assert not member_on([ended], date(2025, 10, 1))
    renewed_later = Period(2, date(2026, 4, 1), date(2027, 3, 31))
    assert member_on([ended, renewed_later], date(2026, 5, 1))
    assert not member_on([ended, renewed_later], date(2026, 1, 1))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(0, 800),
    st.one_of(st.none(), st.integers(0, 800)),
    st.dates(min_value=date(1999, 1, 1), max_value=date(2093, 1, 1)),
)
def test_valid_exactly_inside_the_term_and_before_the_end(
    start: date, length: int, ended_after: int | None, day: date
) -> None:
    expires = start + timedelta(days=length)
    ended_on = None if ended_after is None else start + timedelta(days=ended_after)
    period = Period(1, start, expires, ended_on=ended_on)
    expected = start <= day <= expires and (ended_on is None or day < ended_on)
    assert member_on([period], day) is expected


def test_registration_renews_an_adjoining_live_period_and_notices_no_change() -> None:
    current = Period(1, date(2025, 4, 1), date(2026, 3, 31), number="A1")
    renewal = plan_registration([current], date(2026, 4, 1), date(2027, 3, 31), "A1")
    assert renewal.kind == "renewed" and renewal.renews == current
    assert (renewal.valid_from, renewal.expires) == (date(2025, 4, 1), date(2027, 3, 31))
    same = plan_registration([current], date(2025, 4, 1), date(2026, 3, 31), "A1")
    assert same.kind == "unchanged"
    gap = plan_registration([current], date(2026, 6, 1), date(2027, 3, 31), "A1")
    assert gap.kind == "registered"
    ended = Period(1, date(2025, 4, 1), date(2026, 3, 31), ended_on=date(2025, 6, 1))
    assert (
        plan_registration([ended], date(2025, 7, 1), date(2026, 3, 31), None).kind == "registered"
    )
    with pytest.raises(DomainError):
        plan_registration([], date(2026, 4, 1), date(2026, 3, 31), None)
