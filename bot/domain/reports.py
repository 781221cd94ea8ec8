"""Reports: how their length is counted, the states they pass through, who may move them.

Length follows PRODUCT.md: one unit per word of space-separated text and one per CJK character
(Japanese and Chinese are counted in characters, 字), so mixed text is counted naturally.
Punctuation and symbols count for nothing on their own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.deadlines import is_late
from bot.domain.errors import DomainError, Term

MAX_TITLE = 100
MAX_BODY = 4_000

AWAITING = "awaiting"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

ACTIONS = {"approve": APPROVED, "changes": CHANGES_REQUESTED, "reject": REJECTED}
NEEDS_REASON = frozenset({"changes", "reject"})
MAX_REASON = 1_000

_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff"
    "\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
_UNITS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")


def count_units(text: str) -> int:
    """Words of space-separated text plus CJK characters; punctuation alone counts nothing."""
    text = unicodedata.normalize("NFKC", text)
    return sum(
        1 for piece in _UNITS.findall(text) if any(ch.isalnum() or ch == "々" for ch in piece)
    )


def check_length(units: int, minimum: int, maximum: int) -> None:
    if not minimum <= units <= maximum:
        raise DomainError(
            "report.too_short" if units < minimum else "report.too_long",
            count=units,
            min=minimum,
            max=maximum,
        )


@dataclass(frozen=True)
class Report:
    id: int
    guild_id: int
    user_id: int
    trip_id: int
    state: str
    title: str | None
    body: str
    units: int
    language: str
    first_submitted_at: datetime
    submitted_at: datetime
    revision: int = 1
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    dm_failed: bool = False
    review_row: int | None = None  # the outbox row that posted the current review post
    city_id: int = 0  # the trip's city and first day, copied for the subsidy line's index
    trip_start: date | None = None
    due_on: date | None = None  # the trip's due day when the report was first sent

    @property
    def open(self) -> bool:
        return self.state == AWAITING

    @property
    def late(self) -> bool:
        """First sent after its trip's due day: it can be published, but does not queue for the
        subsidy."""
        return is_late(self.first_submitted_at, self.due_on)


SUBMITTED = "submitted"
RESUBMITTED = "resubmitted"


@dataclass(frozen=True)
class Effects:
    """What Discord must show when a report moves: a new review post or an edit of the current
    one, a message to its author, an announcement."""

    new_review_post: bool
    tell_author: bool
    announce: bool


# How a report came to its state -> what follows. A staff decision tells the author; the author's
# own acts (sending, withdrawing) do not need to.
EFFECTS = {
    SUBMITTED: Effects(new_review_post=True, tell_author=False, announce=False),
    RESUBMITTED: Effects(new_review_post=True, tell_author=False, announce=False),
    APPROVED: Effects(new_review_post=False, tell_author=True, announce=True),
    CHANGES_REQUESTED: Effects(new_review_post=False, tell_author=True, announce=False),
    REJECTED: Effects(new_review_post=False, tell_author=True, announce=False),
    WITHDRAWN: Effects(new_review_post=False, tell_author=False, announce=False),
}


def decision_state(report: Report, action: str) -> str:
    """The state ``action`` moves an awaiting report to; :class:`AlreadyDecided` otherwise."""
    if action not in ACTIONS:
        raise DomainError("report.unknown_action")
    if not report.open:
        raise AlreadyDecided(report)
    return ACTIONS[action]


class AlreadyDecided(DomainError):
    """Someone (or the author, by withdrawing) settled the report first."""

    def __init__(self, report: Report) -> None:
        when = report.decided_at.date() if report.decided_at else None
        key = "report.withdrawn_already" if report.state == WITHDRAWN else "report.decided_already"
        super().__init__(
            key,
            state=Term(f"report.state.{report.state}"),
            by=f"<@{report.decided_by}>" if report.decided_by else "",
            when=when or "",
        )
        self.report = report
