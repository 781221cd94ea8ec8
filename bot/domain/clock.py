"""Aware times: the association's calendar runs in Asia/Tokyo, the database stores UTC ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime

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
