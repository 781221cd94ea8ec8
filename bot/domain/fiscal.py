"""Fiscal years: the association's "year", which starts on the first of a configurable month
(April in Japan; 1 gives calendar years) and is named after the calendar year it starts in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class FiscalYear:
    year: int  # the calendar year in which it starts: FY2025 runs 1 Apr 2025 – 31 Mar 2026
    start_month: int = 4

    @classmethod
    def containing(cls, day: date, start_month: int) -> FiscalYear:
        return cls(day.year if day.month >= start_month else day.year - 1, start_month)

    @property
    def start(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """The last day, inclusive: the day before the next fiscal year's first (plain date
        arithmetic; it is read on every look at a subsidy line, where relativedelta was 3 % of
        the bot's time)."""
        return date(self.year + 1, self.start_month, 1) - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def shifted(self, years: int) -> FiscalYear:
        return FiscalYear(self.year + years, self.start_month)
