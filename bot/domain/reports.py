"""Reports: how their length is counted, the states they pass through, who may move them.

Length follows PRODUCT.md: one unit per word of space-separated text and one per CJK character
(Japanese and Chinese are counted in characters, 字), so mixed text is counted naturally.
Punctuation and symbols count for nothing on their own. A length is told to the reader in the
unit most of the text is counted in: characters (字) for Japanese, words (語) for English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from bot.domain.deadlines import is_late
from bot.domain.errors import DomainError, Term

MAX_TITLE = 100
MAX_BODY = 4_000

AWAITING = "awaiting"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
APPROVED_NO_SUBSIDY = "approved_no_subsidy"  # published, but out of the line for the subsidy
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
PUBLISHED = frozenset({APPROVED, APPROVED_NO_SUBSIDY})

# Review-post actions -> the state each decides, in the order of the buttons.
ACTIONS = {
    "approve": APPROVED,
    "nosubsidy": APPROVED_NO_SUBSIDY,
    "changes": CHANGES_REQUESTED,
    "reject": REJECTED,
}
NEEDS_REASON = frozenset({"nosubsidy", "changes", "reject"})
# The states whose staff reason the member reads wherever the report's state is shown.
REASON_SHOWN = frozenset({APPROVED_NO_SUBSIDY, CHANGES_REQUESTED, REJECTED})
MAX_REASON = 1_000

_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff"
    "\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
_UNITS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")


CHARACTERS = "characters"
WORDS = "words"


def _units(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    return [p for p in _UNITS.findall(text) if any(ch.isalnum() or ch == "々" for ch in p)]


def count_units(text: str) -> int:
    """Words of space-separated text plus CJK characters; punctuation alone counts nothing."""
    return len(_units(text))


def length_unit(text: str) -> str:
    """:data:`CHARACTERS` when most of the text's units are CJK characters, else :data:`WORDS`."""
    units = _units(text)
    characters = sum(1 for piece in units if _CJK_CHAR.fullmatch(piece))
    return CHARACTERS if characters * 2 > len(units) else WORDS


@dataclass(frozen=True)
class Length:
    """A report's length as its reader is told it: the count in its unit, and the range the
    association accepts (PRODUCT.md: every reply about a length says all three)."""

    count: int
    unit: str  # CHARACTERS | WORDS
    minimum: int
    maximum: int

    @property
    def accepted(self) -> bool:
        return self.minimum <= self.count <= self.maximum


def measure(text: str, minimum: int, maximum: int) -> Length:
    return Length(count_units(text), length_unit(text), minimum, maximum)


def check_length(length: Length) -> None:
    if not length.accepted:
        key = "report.too_short" if length.count < length.minimum else "report.too_long"
        raise DomainError(key, length=length)


class Publication(NamedTuple):
    """How the member chose to be credited (bot.domain.credit) and whether the subsidy outcome
    may be published."""

    credit: str = "anonymous"
    mention_subsidy: bool = False


UNCHOSEN = Publication()  # nothing ticked: "a member", and no word of the subsidy


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
    city_id: int  # the trip's city and first day, copied for the subsidy line's index
    trip_start: date
    revision: int = 1
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    dm_failed: bool = False
    review_row: int | None = None  # the outbox row that posted the current review post
    due_on: date | None = None  # the trip's due day when the report was first sent
    credit: str = "anonymous"  # bot.domain.credit: full_name | initials | anonymous
    mention_subsidy: bool = False  # the member agreed that the subsidy outcome may be published

    @property
    def publication(self) -> Publication:
        return Publication(self.credit, self.mention_subsidy)

    @property
    def open(self) -> bool:
        return self.state == AWAITING

    def length(self, minimum: int, maximum: int) -> Length:
        """The stored count, in the unit of the stored text, against the range given."""
        return Length(self.units, length_unit(self.body), minimum, maximum)

    @property
    def published(self) -> bool:
        return self.state in PUBLISHED

    @property
    def erased(self) -> bool:
        """Its author's data was erased on request (/member forget): a report is never accepted
        without text otherwise."""
        return not self.body

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
    APPROVED_NO_SUBSIDY: Effects(new_review_post=False, tell_author=True, announce=True),
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
