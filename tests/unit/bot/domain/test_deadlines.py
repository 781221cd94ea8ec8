from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.clock import TOKYO
from bot.domain.deadlines import (
    GRACE_DAYS,
    HISTORY_DAYS,
    DeadlineShift,
    due_date,
    is_late,
    overdue,
    reminder_due,
    reminder_key,
    reminder_keys,
    reminder_time_reached,
    rescheduled,
)

END = date(2027, 9, 12)
DUE = date(2027, 10, 12)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TOKYO)


def test_a_report_is_due_deadline_days_after_the_trips_last_day():
    assert due_date(END, 30) == DUE
    assert due_date(END, None) is None


def test_late_means_sent_after_the_due_day_in_tokyo():
    assert not is_late(at(DUE, 23, 59), DUE)
    assert is_late(at(DUE + timedelta(days=1), 0, 0), DUE)
    # 15:00 UTC on the due day is already the next day in Tokyo
    assert is_late(datetime(2027, 10, 12, 15, 0, tzinfo=UTC), DUE)
    assert not is_late(datetime(2027, 10, 12, 14, 59, tzinfo=UTC), DUE)
    assert not is_late(at(DUE + timedelta(days=100)), None)
    assert overdue(DUE + timedelta(days=1), DUE) and not overdue(DUE, DUE)


def test_reminders_come_7_days_and_1_day_before_from_nine_in_the_morning():
    assert reminder_due(DUE, END, at(DUE - timedelta(days=8))) is None
    assert reminder_due(DUE, END, at(DUE - timedelta(days=7), 8, 59)) is None
    assert reminder_due(DUE, END, at(DUE - timedelta(days=7), 9, 0)) == 7
    assert reminder_due(DUE, END, at(DUE - timedelta(days=2), 23)) == 7
    assert reminder_due(DUE, END, at(DUE - timedelta(days=1), 9)) == 1
    assert reminder_due(DUE, END, at(DUE, 22)) == 1  # the last day: still worth a word
    assert reminder_due(DUE, END, at(DUE + timedelta(days=1))) is None


def test_no_reminder_before_the_trip_is_over():
    short_end = DUE - timedelta(days=3)  # a 3-day deadline: the 7-day reminder would come early
    assert reminder_due(DUE, short_end, at(DUE - timedelta(days=5))) is None
    assert reminder_due(DUE, short_end, at(short_end)) == 7


@given(st.integers(-400, 400), st.integers(0, 23))
def test_the_reminder_due_is_the_nearest_whose_time_has_come(offset: int, hour: int):
    now = at(DUE + timedelta(days=offset), hour)
    days = reminder_due(DUE, END, now)
    started = [d for d in (7, 1) if at(DUE - timedelta(days=d), 9) <= now]
    if now.date() > DUE or not started:
        assert days is None
    else:
        assert days == min(started)


def test_the_day_starts_at_nine_in_tokyo():
    assert not reminder_time_reached(at(DUE, 8, 59))
    assert reminder_time_reached(at(DUE, 9, 0))


def test_keys_name_the_trip_the_due_day_and_the_reminder():
    assert reminder_key(4, DUE, 7) == "report-due:4:2027-10-12:7"
    assert reminder_keys(4, DUE) == ["report-due:4:2027-10-12:7", "report-due:4:2027-10-12:1"]
    assert reminder_keys(4, None) == []


TODAY = date(2027, 9, 15)


def test_a_passed_deadline_is_kept_whatever_the_new_rule():
    passed = TODAY - timedelta(days=1)
    for new in (None, 5, 30, 365):
        assert rescheduled(END, passed, new, TODAY) == passed


def test_a_deadline_not_passed_follows_the_new_rule_or_goes():
    assert rescheduled(END, DUE, 60, TODAY) == END + timedelta(days=60)
    assert rescheduled(END, TODAY, 60, TODAY) == END + timedelta(days=60)  # due today: not passed
    assert rescheduled(END, DUE, None, TODAY) is None
    assert rescheduled(END, None, 30, TODAY) == DUE  # no deadline before: the new one applies


def test_no_trip_is_late_by_the_change_itself():
    old_end = TODAY - timedelta(days=100)
    assert rescheduled(old_end, None, 30, TODAY) == TODAY + timedelta(days=GRACE_DAYS)
    assert rescheduled(END, DUE, 1, TODAY) == TODAY + timedelta(days=GRACE_DAYS)


def test_trips_that_ended_more_than_a_year_ago_are_left_as_they_were():
    long_ago = TODAY - timedelta(days=HISTORY_DAYS + 1)
    assert rescheduled(long_ago, None, 30, TODAY) is None
    assert rescheduled(TODAY - timedelta(days=HISTORY_DAYS), None, 30, TODAY) == TODAY + timedelta(
        days=GRACE_DAYS
    )


@given(
    st.integers(-500, 200),
    st.one_of(st.none(), st.integers(-200, 200)),
    st.one_of(st.none(), st.integers(1, 365)),
)
def test_rescheduling_never_makes_a_trip_late_at_once(end: int, due: int | None, new: int | None):
    trip_end = TODAY + timedelta(days=end)
    old = None if due is None else TODAY + timedelta(days=due)
    result = rescheduled(trip_end, old, new, TODAY)
    if (old is not None and old < TODAY) or end < -HISTORY_DAYS:
        assert result == old
    elif new is None:
        assert result is None
    else:
        assert result is not None
        assert result >= TODAY + timedelta(days=GRACE_DAYS)
        assert result >= trip_end + timedelta(days=new)


def test_the_summary_counts_what_happened_to_each_trip():
    passed = TODAY - timedelta(days=1)
    shift = DeadlineShift.tally(
        30,
        TODAY,
        [
            (END, None, DUE),  # the new deadline
            (TODAY - timedelta(days=100), None, TODAY + timedelta(days=7)),  # a week's grace
            (END, passed, passed),  # passed: kept
        ],
    )
    assert (shift.rescheduled, shift.given_grace, shift.kept_passed, shift.cleared) == (2, 1, 1, 0)
    off = DeadlineShift.tally(None, TODAY, [(END, DUE, None), (END, None, None)])
    assert (off.cleared, off.rescheduled) == (1, 0)
    assert shift.grace_until == TODAY + timedelta(days=GRACE_DAYS)
