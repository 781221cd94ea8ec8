"""Who receives a city's subsidy for a fiscal year: the rule as a pure function.

PRODUCT.md: the subsidy for (city, fiscal year) goes to the earliest-submitted report that staff
approve. A later report approved first does not take it while an earlier-submitted one is still in
line (awaiting review, or sent back for changes, which keeps its place); when that earlier one is
rejected, withdrawn or approved without the subsidy, the next approved report in submission order
receives it. A report approved without the subsidy is published but leaves the line. Only members
valid on the trip's start date and on the day of submission qualify, and a report whose grant
staff voided leaves the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import reports as states

OPEN = "open"
RESERVED = "reserved"
GRANTED = "granted"
IN_LINE = frozenset({states.AWAITING, states.CHANGES_REQUESTED})


@dataclass(frozen=True)
class Candidate:
    """A report on a trip to the city that started in the fiscal year."""

    report_id: int
    trip_id: int
    user_id: int
    state: str
    first_submitted_at: datetime
    trip_start: date
    submitted_on: date  # the first submission's day in the association's calendar
    member_on_trip_start: bool
    member_on_submission: bool
    voided: bool = False

    @property
    def eligible(self) -> bool:
        return self.member_on_trip_start and self.member_on_submission and not self.voided

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.first_submitted_at, self.report_id)


@dataclass(frozen=True)
class Outcome:
    state: str  # open | reserved | granted
    candidate: Candidate | None = None  # the holder, or the earliest report still in line


def holder(candidates: Iterable[Candidate]) -> Outcome:
    for candidate in sorted((c for c in candidates if c.eligible), key=lambda c: c.order):
        # Rejected, withdrawn and approved-without-subsidy reports are out of the line.
        if candidate.state == states.APPROVED:
            return Outcome(GRANTED, candidate)
        if candidate.state in IN_LINE:
            return Outcome(RESERVED, candidate)
    return Outcome(OPEN)


@dataclass(frozen=True)
class Explanation:
    """One line of /subsidy mine: a catalogue key and its values."""

    key: str
    params: dict[str, object]


def explain(mine: Candidate, outcome: Outcome, ahead: int) -> Explanation:
    """Why ``mine`` does or does not receive the subsidy, given the city and year's outcome and
    how many eligible reports in line were submitted before it."""
    if not mine.member_on_trip_start:
        return Explanation("subsidy.why.not_member_on", {"day": mine.trip_start})
    if not mine.member_on_submission:
        return Explanation("subsidy.why.not_member_on", {"day": mine.submitted_on})
    if mine.voided:
        return Explanation("subsidy.why.voided", {})
    if mine.state in (states.REJECTED, states.WITHDRAWN, states.APPROVED_NO_SUBSIDY):
        return Explanation(f"subsidy.why.{mine.state}", {})
    held = outcome.candidate
    if outcome.state == GRANTED and held is not None:
        if held.report_id == mine.report_id:
            return Explanation("subsidy.why.granted", {})
        return Explanation("subsidy.why.other_first", {})
    if mine.state in IN_LINE:
        if ahead == 0:
            return Explanation("subsidy.why.first_in_line", {})
        return Explanation("subsidy.why.in_line", {"ahead": ahead})
    return Explanation("subsidy.why.waiting_for_earlier", {"ahead": ahead})
