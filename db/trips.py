"""Repository: members' trips."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.clock import to_db
from bot.domain.trips import Trip
from db.database import Connection

_COLUMNS = (
    "t.id, t.user_id, c.slug, t.start_on, t.end_on, t.note, "
    "t.cancelled_at IS NOT NULL AS cancelled, t.report_due_on, t.reminder_dm_failed"
)
_FROM = "FROM trips AS t JOIN cities AS c ON c.id = t.city_id"


def _trip(r: Any) -> Trip:
    return Trip(
        id=r["id"],
        user_id=r["user_id"],
        city_slug=r["slug"],
        start=date.fromisoformat(r["start_on"]),
        end=date.fromisoformat(r["end_on"]),
        note=r["note"],
        cancelled=bool(r["cancelled"]),
        report_due=_day(r["report_due_on"]),
        reminder_dm_failed=bool(r["reminder_dm_failed"]),
    )


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


async def city_id(conn: Connection, guild_id: int, slug: str) -> int | None:
    return await conn.fetchval(
        "SELECT id FROM cities WHERE guild_id = ? AND slug = ?", (guild_id, slug)
    )


async def insert(
    conn: Connection,
    guild_id: int,
    user_id: int,
    city_row: int,
    start: date,
    end: date,
    note: str | None,
    now: datetime,
    report_due: date | None = None,
) -> int:
    return await conn.execute(
        "INSERT INTO trips (guild_id, user_id, city_id, start_on, end_on, note, created_at, "
        "report_due_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id, user_id, city_row, start.isoformat(), end.isoformat(), note, to_db(now),
            report_due.isoformat() if report_due else None,
        ),
    )  # fmt: skip


async def of_member(
    conn: Connection, guild_id: int, user_id: int, *, include_cancelled: bool = False
) -> list[Trip]:
    """A member's trips, newest first."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE t.guild_id = ? AND t.user_id = ? "
        f"{'' if include_cancelled else 'AND t.cancelled_at IS NULL '}"
        "ORDER BY t.start_on DESC, t.id DESC",
        (guild_id, user_id),
    )
    return [_trip(r) for r in rows]


async def overlapping(
    conn: Connection, guild_id: int, user_id: int, city_row: int, start: date, end: date
) -> list[Trip]:
    """The member's live trips to the city that share a day with ``start``..``end``."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE t.guild_id = ? AND t.user_id = ? AND t.city_id = ? "
        "AND t.start_on <= ? AND t.end_on >= ? AND t.cancelled_at IS NULL",
        (guild_id, user_id, city_row, end.isoformat(), start.isoformat()),
    )
    return [_trip(r) for r in rows]


async def get(conn: Connection, guild_id: int, trip_id: int) -> Trip | None:
    r = await conn.fetchone(
        f"SELECT {_COLUMNS} {_FROM} WHERE t.guild_id = ? AND t.id = ?", (guild_id, trip_id)
    )
    return None if r is None else _trip(r)


async def by_ids(conn: Connection, guild_id: int, trip_ids: list[int]) -> list[Trip]:
    if not trip_ids:
        return []
    marks = ", ".join("?" for _ in trip_ids)
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE t.guild_id = ? AND t.id IN ({marks})",
        (guild_id, *trip_ids),
    )
    return [_trip(r) for r in rows]


async def cancel(conn: Connection, trip_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE trips SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL",
        (to_db(now), trip_id),
    )


# ---------------------------------------------------------------------- report deadlines
_WAITING = (
    "t.cancelled_at IS NULL AND NOT EXISTS (SELECT 1 FROM reports AS r WHERE r.trip_id = t.id "
    "AND r.state IN ('awaiting', 'changes_requested', 'approved'))"
)


async def waiting_for_report(conn: Connection, guild_id: int, ended_since: date) -> list[Trip]:
    """The guild's trips that ended on or after ``ended_since``, are not cancelled and have no
    live report (none sent, or only rejected or withdrawn ones): the trips a change of the
    deadline reschedules."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM trips AS t INDEXED BY trips_end "
        "JOIN cities AS c ON c.id = t.city_id "
        f"WHERE t.guild_id = ? AND t.end_on >= ? AND {_WAITING}",
        (guild_id, ended_since.isoformat()),
    )
    return [_trip(r) for r in rows]


async def set_report_due(conn: Connection, due_by_trip: dict[int, date | None]) -> None:
    await conn.executemany(
        "UPDATE trips SET report_due_on = ?, reminder_dm_failed = 0 WHERE id = ?",
        [(due.isoformat() if due else None, trip_id) for trip_id, due in due_by_trip.items()],
    )


async def to_remind(conn: Connection, guild_id: int, first_due: date, last_due: date) -> list[Trip]:
    """The trips due between the two days that still wait for a report and whose author is a
    member on ``first_due`` (today)."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM trips AS t INDEXED BY trips_due "
        "JOIN cities AS c ON c.id = t.city_id "
        "WHERE t.guild_id = :guild AND t.report_due_on BETWEEN :first AND :last "
        f"AND {_WAITING} AND EXISTS ("
        "  SELECT 1 FROM membership_periods AS p WHERE p.guild_id = t.guild_id "
        "  AND p.user_id = t.user_id AND p.valid_from <= :first AND p.expires >= :first "
        "  AND (p.ended_on IS NULL OR p.ended_on > :first)) "
        "ORDER BY t.report_due_on, t.id",
        {"guild": guild_id, "first": first_due.isoformat(), "last": last_due.isoformat()},
    )
    return [_trip(r) for r in rows]


async def mark_reminder_failed(conn: Connection, trip_id: int) -> None:
    await conn.execute("UPDATE trips SET reminder_dm_failed = 1 WHERE id = ?", (trip_id,))
