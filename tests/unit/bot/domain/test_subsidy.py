from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain import subsidy as rules
from bot.domain.subsidy import Candidate, explain, holder

T0 = datetime(2025, 9, 1, tzinfo=UTC)


def candidate(report_id: int, state: str, minutes: int, **kw: object) -> Candidate:
    values = dict(
        report_id=report_id, trip_id=report_id, user_id=report_id, state=state,
        first_submitted_at=T0 + timedelta(minutes=minutes), trip_start=date(2025, 8, 3),
        submitted_on=date(2025, 9, 1), member_on_trip_start=True, member_on_submission=True,
    )  # fmt: skip
    values.update(kw)
    return Candidate(**values)  # type: ignore[arg-type]


def test_open_reserved_granted() -> None:
    assert holder([]).state == rules.OPEN
    earlier = candidate(1, "awaiting", 0)
    later = candidate(2, "approved", 5)
    assert holder([later, earlier]) == rules.Outcome(rules.RESERVED, earlier)
    sent_back = candidate(1, "changes_requested", 0)
    assert holder([later, sent_back]).state == rules.RESERVED  # keeps its place
    rejected = candidate(1, "rejected", 0)
    assert holder([later, rejected]) == rules.Outcome(rules.GRANTED, later)
    approved = candidate(1, "approved", 0)
    assert holder([later, approved]) == rules.Outcome(rules.GRANTED, approved)


def test_non_members_and_voided_reports_leave_the_line() -> None:
    later = candidate(2, "approved", 5)
    for kw in ({"member_on_trip_start": False}, {"member_on_submission": False}, {"voided": True}):
        assert holder([candidate(1, "approved", 0, **kw), later]).candidate == later


def test_explanations() -> None:
    mine = candidate(2, "awaiting", 5)
    first = candidate(1, "awaiting", 0)
    assert explain(mine, holder([first, mine]), ahead=1).key == "subsidy.why.in_line"
    assert explain(first, holder([first, mine]), ahead=0).key == "subsidy.why.first_in_line"
    outsider = candidate(3, "approved", 9, member_on_trip_start=False)
    why = explain(outsider, holder([outsider]), ahead=0)
    assert why.key == "subsidy.why.not_member_on" and why.params == {"day": date(2025, 8, 3)}


def test_a_report_approved_without_the_subsidy_leaves_the_line() -> None:
    later = candidate(2, "approved", 5)
    waived = candidate(1, "approved_no_subsidy", 0)
    assert holder([later, waived]) == rules.Outcome(rules.GRANTED, later)
    assert holder([waived]).state == rules.OPEN
    why = explain(waived, holder([later, waived]), ahead=0)
    assert why.key == "subsidy.why.approved_no_subsidy"
