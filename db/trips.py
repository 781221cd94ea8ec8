"""Repository: members' trips."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.clock import to_db
from bot.domain.trips import Trip
from db.database import Connection

_COLUMNS = (
    "t.id, t.user_id, c.slug, t.start_on, t.end_on, t.note, t.cancelled_at IS NOT NULL AS cancelled"
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
    )


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
) -> int:
    return await conn.execute(
        "INSERT INTO trips (guild_id, user_id, city_id, start_on, end_on, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, city_row, start.isoformat(), end.isoformat(), note, to_db(now)),
    )


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
