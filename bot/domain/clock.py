"""Aware times: the association's calendar runs in Asia/Tokyo, the database stores UTC ISO 8601."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dateutil import tz

# dateutil falls back to its bundled zone data where the system has none (e.g. Windows).
TOKYO = tz.gettz("Asia/Tokyo")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """ISO 8601 in UTC; refuses naive datetimes, which would be ambiguous."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: attach a timezone before storing it")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"stored time without a timezone: {text!r}")
    return moment


class Clock:
    """Now, and today in the association's calendar. One per bot; tests move it forward to see
    what a later day brings (an expired membership, a trip that has ended)."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return utcnow() + self._offset

    def today(self) -> date:
        return self.now().astimezone(TOKYO).date()

    def advance(self, delta: timedelta) -> None:
        self._offset += delta
