"""Report deadlines: when a trip's report is due, when its author is reminded, what a change of
the rule does to trips already logged, and when a report is late.

PRODUCT.md: when a guild sets a deadline (days after the trip's end), members are reminded by
direct message 7 days and 1 day before it; a report sent after it can still be published but does
not queue for the subsidy.

What is stored: each trip carries its report's due day (the last day a report on it is on time),
fixed when the trip is logged; each report carries the due day its trip had when the report was
first sent, so whether it was late never changes afterwards. When an admin changes the rule, the
trips still waiting for a report are rescheduled by :func:`rescheduled`: a trip whose day had
already passed keeps it (its report is late, whatever the new rule says); every other trip is due
``new days`` after its end, but never less than :data:`GRACE_DAYS` from the day of the change, so
that no trip is late because of the change itself and its member is reminded first; switching the
deadline off clears it. Trips that ended more than :data:`HISTORY_DAYS` before the change are
history and keep what they had: no deadline the rule allows could still be running for them, and
nobody should be reminded of a report on a visit years ago.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.clock import TOKYO
from bot.domain.settings import MAX_DEADLINE_DAYS

REMINDERS = (7, 1)  # days before the due day
REMIND_AT = time(9, 0)  # reminders of a day are sent from this time, in the association's calendar
GRACE_DAYS = 7  # the least time a change of the rule leaves a trip already logged
HISTORY_DAYS = MAX_DEADLINE_DAYS  # no rule reaches trips that ended longer ago: they are history


def reminder_time_reached(now: datetime) -> bool:
    """The day's reminders go out from :data:`REMIND_AT`: a start at night leaves them to the
    daily run, instead of sending messages at 3 a.m."""
    return now.astimezone(TOKYO).time() >= REMIND_AT


def reminder_key(trip_id: int, due: date, days: int) -> str:
    """The unique key of one reminder: a trip, the day its report is due, how many days before.
    A reminder is queued at most once under its key; a new due day makes new reminders."""
    return f"report-due:{trip_id}:{due.isoformat()}:{days}"


def reminder_keys(trip_id: int, due: date | None) -> list[str]:
    """The keys of every reminder about a trip's report due on ``due``."""
    return [] if due is None else [reminder_key(trip_id, due, days) for days in REMINDERS]


def due_date(trip_end: date, deadline_days: int | None) -> date | None:
    """The last day a report on a trip that ended on ``trip_end`` is on time; None: no deadline."""
    return None if deadline_days is None else trip_end + timedelta(days=deadline_days)


def is_late(sent_at: datetime, due: date | None) -> bool:
    """Sent after its due day (in the association's calendar)."""
    return due is not None and sent_at.astimezone(TOKYO).date() > due


def overdue(today: date, due: date | None) -> bool:
    """A report sent today would be late."""
    return due is not None and today > due


def reminder_due(due: date, trip_end: date, now: datetime) -> int | None:
    """Which reminder about a report due on ``due`` should have gone by ``now``: the one nearest
    the due day among those whose time has come (a member is not sent a stale 7-day reminder once
    the 1-day one is due). None before the first, once the due day is over, and while the trip
    itself is not over (a report cannot be written yet)."""
    local = now.astimezone(TOKYO)
    today = local.date()
    if today > due or today < trip_end:
        return None
    for days in sorted(REMINDERS):
        if datetime.combine(due - timedelta(days=days), REMIND_AT, TOKYO) <= local:
            return days
    return None


def rescheduled(trip_end: date, due: date | None, new_days: int | None, today: date) -> date | None:
    """The due day of a trip still waiting for its report, after the rule changed on ``today``
    to ``new_days`` (None: no deadline). See the module docstring."""
    if (due is not None and due < today) or history(trip_end, today):
        return due
    if new_days is None:
        return None
    return max(trip_end + timedelta(days=new_days), today + timedelta(days=GRACE_DAYS))


def history(trip_end: date, today: date) -> bool:
    """A trip that ended so long ago that a change of the rule leaves it as it is."""
    return trip_end < history_before(today)


def history_before(today: date) -> date:
    return today - timedelta(days=HISTORY_DAYS)


@dataclass(frozen=True)
class DeadlineShift:
    """What a change of the rule did to the trips already logged that wait for a report."""

    new_days: int | None
    changed_on: date
    rescheduled: int = 0  # trips due under the new rule
    given_grace: int = 0  # of those, trips due GRACE_DAYS after the change (else late at once)
    cleared: int = 0  # trips that no longer have a deadline
    kept_passed: int = 0  # trips whose day had passed: they keep it

    @property
    def grace_until(self) -> date:
        return self.changed_on + timedelta(days=GRACE_DAYS)

    @classmethod
    def tally(
        cls,
        new_days: int | None,
        changed_on: date,
        trips: Iterable[tuple[date, date | None, date | None]],
    ) -> DeadlineShift:
        """The summary of a change on ``changed_on`` to ``new_days`` for ``trips``: (trip end,
        due day before, due day after)."""
        rescheduled = given_grace = cleared = kept_passed = 0
        for trip_end, old_due, new_due in trips:
            if old_due is not None and old_due < changed_on:
                kept_passed += 1
            elif new_due is None:
                cleared += old_due is not None
            else:
                rescheduled += 1
                given_grace += new_due != due_date(trip_end, new_days)
        return cls(new_days, changed_on, rescheduled, given_grace, cleared, kept_passed)
