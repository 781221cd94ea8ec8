"""Repository: a fiscal year in numbers per city, for /subsidy summary (read only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.database import Connection


@dataclass(frozen=True)
class CityCounts:
    city_id: int
    slug: str
    trips: int = 0  # logged, not cancelled, starting in the year
    reports: int = 0  # submitted on those trips (every submission that made a report row)
    approved: int = 0  # published, with or without the subsidy
    without_subsidy: int = 0  # of which approved without the subsidy


async def counts(conn: Connection, guild_id: int, first: date, last: date) -> list[CityCounts]:
    """Every city of the guild that is active or has trips in the year, in display order."""
    rows = await conn.fetchall(
        "WITH t AS (SELECT city_id, count(*) AS trips FROM trips "
        "  WHERE guild_id = :guild AND start_on BETWEEN :first AND :last "
        "  AND cancelled_at IS NULL GROUP BY city_id), "
        "r AS (SELECT city_id, count(*) AS reports, sum(state = 'approved') AS approved, "
        "  sum(without_subsidy) AS without_subsidy FROM reports "
        "  WHERE guild_id = :guild AND trip_start_on BETWEEN :first AND :last GROUP BY city_id) "
        "SELECT c.id, c.slug, coalesce(t.trips, 0) AS trips, "
        "coalesce(r.reports, 0) AS reports, coalesce(r.approved, 0) AS approved, "
        "coalesce(r.without_subsidy, 0) AS without_subsidy "
        "FROM cities AS c LEFT JOIN t ON t.city_id = c.id LEFT JOIN r ON r.city_id = c.id "
        "WHERE c.guild_id = :guild AND (c.active OR t.trips OR r.reports) "
        "ORDER BY c.active DESC, c.display_order",
        {"guild": guild_id, "first": first.isoformat(), "last": last.isoformat()},
    )
    columns = ("id", "slug", "trips", "reports", "approved", "without_subsidy")
    return [CityCounts(*(r[c] for c in columns)) for r in rows]
