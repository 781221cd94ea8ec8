"""Reading the dates people type: 2025-08-03, 2025/8/3, 3 Aug 2025, Aug 3, 2025年8月3日, 8月3日,
令和7年8月3日, R7.8.3.

Western forms go to python-dateutil. Japanese era forms are read here, because dateutil knows no
eras; an era date outside its era (平成32年, 令和元年4月1日) is refused rather than guessed. A
date without a year takes the year that puts it nearest to today.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from bot.domain.errors import DomainError

MAX_DATE_TEXT = 40


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first_day: date
    last_day: date | None  # None: the current era


ERAS = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}

_ERA_KANJI = re.compile(r"(令和|平成|昭和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_ERA_LETTER = re.compile(r"([RHS])\s*(\d{1,2})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{1,2})")
_KANJI_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_KANJI_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_NUMERIC_YMD = re.compile(r"(\d{4})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{1,2})")

# Two defaults that differ in every field: a field that comes back different was not typed.
_PROBE_A = datetime(2000, 1, 1)
_PROBE_B = datetime(2004, 2, 2)


class DateError(DomainError):
    """``key`` is one of date.unreadable, date.invalid, date.outside_era."""


def parse_date(text: str, today: date) -> date:
    """The date ``text`` names, or :class:`DateError` saying why not."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    shown = text.strip()[:MAX_DATE_TEXT]
    if not cleaned or len(cleaned) > MAX_DATE_TEXT:
        raise DateError("date.unreadable", text=shown)
    for read in (_era_date, _japanese_or_numeric_date):
        found = read(cleaned, today, shown)
        if found is not None:
            return found
    return _western_date(cleaned, today, shown)


def _make(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("date.invalid", text=shown) from None


def _era_date(text: str, today: date, shown: str) -> date | None:
    match = _ERA_KANJI.fullmatch(text) or _ERA_LETTER.fullmatch(text)
    if match is None:
        return None
    era = _ERA_BY_KEY[match.group(1)]
    era_year = 1 if match.group(2) == "元" else int(match.group(2))
    if era_year < 1:
        raise DateError("date.invalid", text=shown)
    found = _make(
        era.first_day.year + era_year - 1, int(match.group(3)), int(match.group(4)), shown
    )
    if found < era.first_day or (era.last_day is not None and found > era.last_day):
        raise DateError(
            "date.outside_era",
            text=shown,
            era=era.name,
            first=era.first_day,
            last=era.last_day or today,
        )
    return found


def _japanese_or_numeric_date(text: str, today: date, shown: str) -> date | None:
    match = _KANJI_FULL.fullmatch(text) or _NUMERIC_YMD.fullmatch(text)
    if match is not None:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)), shown)
    match = _KANJI_MONTH_DAY.fullmatch(text)
    if match is not None:
        return nearest(int(match.group(1)), int(match.group(2)), today, shown)
    return None


def _western_date(text: str, today: date, shown: str) -> date:
    try:
        a = dateutil_parser.parse(text, default=_PROBE_A)
        b = dateutil_parser.parse(text, default=_PROBE_B)
    except dateutil_parser.ParserError as error:
        key = "date.invalid" if _is_out_of_range(error) else "date.unreadable"
        raise DateError(key, text=shown) from None
    except (ValueError, OverflowError):
        raise DateError("date.unreadable", text=shown) from None
    if a.month != b.month or a.day != b.day:  # "August 2025" or "2025": which day?
        raise DateError("date.unreadable", text=shown)
    if a.year != b.year:
        return nearest(a.month, a.day, today, shown)
    return a.date()


def _is_out_of_range(error: ValueError) -> bool:
    return "out of range" in str(error) or "must be in" in str(error)


def nearest(month: int, day: int, today: date, shown: str) -> date:
    """The date with this month and day closest to ``today`` (last, this or next year)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise DateError("date.invalid", text=shown)
    return min(candidates, key=lambda d: (abs((d - today).days), d))


@dataclass(frozen=True)
class Span:
    """A run of days, both ends included (a trip's dates)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
