"""Membership over time. A member's history is a list of periods (one per registration, extended
by renewals); "was this user a member on that day?" is answered from them alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear


@dataclass(frozen=True)
class Period:
    id: int
    valid_from: date
    expires: date  # last valid day, inclusive
    ended_on: date | None = None  # staff ended it: not valid from this day on
    number: str | None = None

    def valid_on(self, day: date) -> bool:
        if self.ended_on is not None and day >= self.ended_on:
            return False
        return self.valid_from <= day <= self.expires

    @property
    def live(self) -> bool:
        """Not ended by staff (it may still have expired)."""
        return self.ended_on is None


def member_on(periods: Iterable[Period], day: date) -> bool:
    return any(p.valid_on(day) for p in periods)


def default_term(today: date, fiscal_start_month: int) -> tuple[date, date]:
    """Membership runs by fiscal year, as dues do: the current fiscal year's first and last day."""
    year = FiscalYear.containing(today, fiscal_start_month)
    return year.start, year.end


def check_term(valid_from: date, expires: date) -> None:
    if expires < valid_from:
        raise DomainError("member.expires_before_since", since=valid_from, expires=expires)


@dataclass(frozen=True)
class Registration:
    """What /member add does to a user's history."""

    kind: str  # "registered" | "renewed" | "unchanged"
    renews: Period | None  # the live period extended by a renewal
    valid_from: date
    expires: date
    number: str | None = None


def plan_registration(
    periods: Iterable[Period], valid_from: date, expires: date, number: str | None
) -> Registration:
    """Register anew, or renew the live period that the new term overlaps or directly follows.
    A renewal without a number keeps the number the member had."""
    check_term(valid_from, expires)
    for period in periods:
        if not period.live or period.valid_from > expires:
            continue
        if (valid_from - period.expires).days > 1:
            continue
        start = min(period.valid_from, valid_from)
        kept = number if number is not None else period.number
        if start == period.valid_from and expires == period.expires and kept == period.number:
            return Registration("unchanged", period, start, expires, kept)
        return Registration("renewed", period, start, expires, kept)
    return Registration("registered", None, valid_from, expires, number)
