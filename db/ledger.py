"""Repository: the subsidy ledger, and the reports that compete for a city's subsidy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.clock import from_db, to_db
from db.database import Connection, Row
from db.reports import STATE


@dataclass(frozen=True)
class Grant:
    id: int
    guild_id: int
    city_id: int
    city_slug: str
    fiscal_year: int
    user_id: int
    report_id: int
    amount_yen: int
    state: str  # granted | paid | void
    granted_at: datetime
    paid_on: date | None
    paid_method: str | None
    void_reason: str | None
    # Whom the office pays: the member's name and latest membership number, and the report.
    member_name: str | None = None
    member_number: str | None = None
    member_reading: str | None = None
    member_forgotten: bool = False
    report_title: str | None = None


@dataclass(frozen=True)
class Entry:
    """A report in the running for a city's subsidy: its state and its trip's start."""

    report_id: int
    trip_id: int
    user_id: int
    state: str
    first_submitted_at: datetime
    trip_start: date
    due_on: date | None = None  # the trip's deadline when the report was first sent


_COLUMNS = (
    "g.id, g.guild_id, g.city_id, c.slug, g.fiscal_year, g.user_id, g.report_id, g.amount_yen, "
    "g.state, g.granted_at, g.paid_on, g.paid_method, g.void_reason, "
    "m.name AS member_name, m.name_reading, m.forgotten_at, r.title AS report_title, "
    "(SELECT p.number FROM membership_periods AS p WHERE p.guild_id = g.guild_id "
    " AND p.user_id = g.user_id AND p.number IS NOT NULL "
    " ORDER BY p.valid_from DESC, p.id DESC LIMIT 1) AS member_number"
)
_FROM = (
    "FROM grants AS g JOIN cities AS c ON c.id = g.city_id "
    "LEFT JOIN members AS m ON m.guild_id = g.guild_id AND m.user_id = g.user_id "
    "LEFT JOIN reports AS r ON r.id = g.report_id"
)


def _grant(r: Any) -> Grant:
    return Grant(
        id=r["id"],
        guild_id=r["guild_id"],
        city_id=r["city_id"],
        city_slug=r["slug"],
        fiscal_year=r["fiscal_year"],
        user_id=r["user_id"],
        report_id=r["report_id"],
        amount_yen=r["amount_yen"],
        state=r["state"],
        granted_at=from_db(r["granted_at"]),
        paid_on=date.fromisoformat(r["paid_on"]) if r["paid_on"] else None,
        paid_method=r["paid_method"],
        void_reason=r["void_reason"],
        member_name=r["member_name"],
        member_number=r["member_number"],
        member_reading=r["name_reading"],
        member_forgotten=r["forgotten_at"] is not None,
        report_title=r["report_title"],
    )


_ENTRY = (
    f"r.id, r.trip_id, r.user_id, {STATE} AS state, r.first_submitted_at, r.trip_start_on, r.due_on"
)


def _entry(r: Row) -> Entry:
    return Entry(
        r["id"],
        r["trip_id"],
        r["user_id"],
        r["state"],
        from_db(r["first_submitted_at"]),
        date.fromisoformat(r["trip_start_on"]),
        date.fromisoformat(r["due_on"]) if r["due_on"] else None,
    )


async def entries(
    conn: Connection, guild_id: int, city_id: int, first_day: date, last_day: date
) -> list[Entry]:
    """Every report on a trip to the city that started between the two days (inclusive), in
    submission order."""
    rows = await conn.fetchall(
        f"SELECT {_ENTRY} FROM reports AS r INDEXED BY reports_city_year "
        "WHERE r.guild_id = ? AND r.city_id = ? AND r.trip_start_on BETWEEN ? AND ? "
        "ORDER BY r.first_submitted_at, r.id",
        (guild_id, city_id, first_day.isoformat(), last_day.isoformat()),
    )
    return [_entry(r) for r in rows]


async def standing_in_line(
    conn: Connection,
    guild_id: int,
    city_id: int,
    first_day: date,
    last_day: date,
    submitted_since: datetime,
    limit: int,
    offset: int,
) -> list[Entry]:
    """Part of the line that can hold the subsidy (approved, or still in line), in submission
    order: the reports submitted since ``submitted_since`` on trips that started between the two
    days. Read in submission order from an index, so a part costs the same however long the line.
    """
    rows = await conn.fetchall(
        f"SELECT {_ENTRY} FROM reports AS r INDEXED BY reports_city_submitted "
        "WHERE r.guild_id = ? AND r.city_id = ? AND r.first_submitted_at >= ? "
        "AND r.trip_start_on BETWEEN ? AND ? "
        "AND r.state IN ('approved', 'awaiting', 'changes_requested') AND NOT r.without_subsidy "
        "ORDER BY r.first_submitted_at, r.id LIMIT ? OFFSET ?",
        (
            guild_id, city_id, to_db(submitted_since), first_day.isoformat(),
            last_day.isoformat(), limit, offset,
        ),
    )  # fmt: skip
    return [_entry(r) for r in rows]


@dataclass(frozen=True)
class Waived:
    """A report on a trip to the city in the year, approved without the subsidy."""

    report_id: int
    user_id: int
    reason: str | None


async def waived(
    conn: Connection, guild_id: int, city_id: int, first_day: date, last_day: date
) -> list[Waived]:
    rows = await conn.fetchall(
        "SELECT r.id, r.user_id, r.reason FROM reports AS r INDEXED BY reports_city_year "
        "WHERE r.guild_id = ? AND r.city_id = ? AND r.trip_start_on BETWEEN ? AND ? "
        "AND r.state = 'approved' AND r.without_subsidy ORDER BY r.first_submitted_at, r.id",
        (guild_id, city_id, first_day.isoformat(), last_day.isoformat()),
    )
    return [Waived(r["id"], r["user_id"], r["reason"]) for r in rows]


async def voided_reports(conn: Connection, guild_id: int, city_id: int, year: int) -> set[int]:
    rows = await conn.fetchall(
        "SELECT report_id FROM grants WHERE guild_id = ? AND city_id = ? AND fiscal_year = ? "
        "AND state = 'void' AND voided_by IS NOT NULL",
        (guild_id, city_id, year),
    )
    return {r["report_id"] for r in rows}


async def live(conn: Connection, guild_id: int, city_id: int, year: int) -> Grant | None:
    r = await conn.fetchone(
        f"SELECT {_COLUMNS} {_FROM} WHERE g.guild_id = ? AND g.city_id = ? "
        "AND g.fiscal_year = ? AND g.state != 'void'",
        (guild_id, city_id, year),
    )
    return None if r is None else _grant(r)


async def get(conn: Connection, guild_id: int, grant_id: int) -> Grant | None:
    r = await conn.fetchone(
        f"SELECT {_COLUMNS} {_FROM} WHERE g.guild_id = ? AND g.id = ?", (guild_id, grant_id)
    )
    return None if r is None else _grant(r)


async def insert(
    conn: Connection,
    guild_id: int,
    city_id: int,
    year: int,
    user_id: int,
    report_id: int,
    amount_yen: int,
    now: datetime,
) -> int:
    return await conn.execute(
        "INSERT INTO grants (guild_id, city_id, fiscal_year, user_id, report_id, amount_yen, "
        "granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, city_id, year, user_id, report_id, amount_yen, to_db(now)),
    )


async def void(
    conn: Connection, grant_id: int, reason: str, actor_id: int | None, now: datetime
) -> bool:
    """Void a live grant. ``actor_id`` None: the bot moved it on (its holder left the line)."""
    changed = await conn.execute_rowcount(
        "UPDATE grants SET state = 'void', void_reason = ?, voided_by = ?, voided_at = ? "
        "WHERE id = ? AND state != 'void'",
        (reason, actor_id, to_db(now), grant_id),
    )
    return changed == 1


async def pay(conn: Connection, grant_id: int, day: date, method: str, actor_id: int) -> bool:
    changed = await conn.execute_rowcount(
        "UPDATE grants SET state = 'paid', paid_on = ?, paid_method = ?, paid_by = ? "
        "WHERE id = ? AND state = 'granted'",
        (day.isoformat(), method, actor_id, grant_id),
    )
    return changed == 1


async def count_of_year(conn: Connection, guild_id: int, year: int) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM grants WHERE guild_id = ? AND fiscal_year = ?", (guild_id, year)
        )
    )


async def of_year(
    conn: Connection,
    guild_id: int,
    year: int,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[Grant]:
    """The grants of a fiscal year in order; given ``limit``, one page of the year's ledger: at
    most that many, after grant ``after_id`` (None: from the first)."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE g.guild_id = ? AND g.fiscal_year = ? AND g.id > ? "
        "ORDER BY g.id LIMIT ?",
        (guild_id, year, 0 if after_id is None else after_id, -1 if limit is None else limit),
    )
    return [_grant(r) for r in rows]


async def live_grants(conn: Connection, guild_id: int, limit: int) -> list[Grant]:
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} {_FROM} WHERE g.guild_id = ? AND g.state != 'void' "
        "ORDER BY g.fiscal_year DESC, g.id DESC LIMIT ?",
        (guild_id, limit),
    )
    return [_grant(r) for r in rows]


async def trip_city(conn: Connection, trip_id: int) -> tuple[int, int, date]:
    """(guild, city row, start day) of a trip."""
    r = await conn.fetchone(
        "SELECT guild_id, city_id, start_on FROM trips WHERE id = ?", (trip_id,)
    )
    assert r is not None
    return r["guild_id"], r["city_id"], date.fromisoformat(r["start_on"])


async def lines_of_member(conn: Connection, guild_id: int, user_id: int) -> set[tuple[int, date]]:
    """(city row, trip's first day) of every report the member wrote: the lines a change of their
    membership can move. Through the member's index: for DISTINCT, SQLite preferred to walk the
    whole server's reports in the covering index that holds these columns (10 ms a call on a
    twenty-year database, once per member registered; 0.03 ms this way)."""
    rows = await conn.fetchall(
        "SELECT DISTINCT city_id, trip_start_on FROM reports INDEXED BY reports_member "
        "WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return {(r["city_id"], date.fromisoformat(r["trip_start_on"])) for r in rows}


async def unpaid_of_member(conn: Connection, guild_id: int, user_id: int) -> list[int]:
    """The member's grants that are granted but not yet paid."""
    rows = await conn.fetchall(
        "SELECT id FROM grants WHERE guild_id = ? AND user_id = ? AND state = 'granted' "
        "ORDER BY id",
        (guild_id, user_id),
    )
    return [r["id"] for r in rows]


async def granted_amount(conn: Connection, report_id: int) -> int | None:
    """The subsidy a report received (granted or paid, not voided); None when it has none."""
    value = await conn.fetchval(
        "SELECT amount_yen FROM grants WHERE report_id = ? AND state != 'void'", (report_id,)
    )
    return None if value is None else int(value)
