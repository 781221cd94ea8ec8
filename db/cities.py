"""Repository: a guild's partner cities, each with the analysis /city ask matches questions
against (see bot.domain.ask.passages)."""

from __future__ import annotations

import json
from functools import lru_cache

from bot.domain.ask.passages import CityAnalysis
from bot.domain.cities import City, parse_cities
from bot.domain.clock import to_db, utcnow
from db.database import Connection, Row


def _cities_from_rows(rows: list[Row]) -> list[City]:
    return list(_parsed(tuple(r["data"] for r in rows))) if rows else []


@lru_cache(maxsize=1_024)
def _parsed(texts: tuple[str, ...]) -> tuple[City, ...]:
    """Cities are immutable, so servers with the same cities (hundreds on one preset) share one
    parsed copy instead of keeping one each."""
    return tuple(parse_cities({"cities": [json.loads(text) for text in texts]}))


async def has_any(conn: Connection, guild_id: int) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM cities WHERE guild_id = ? LIMIT 1", (guild_id,)))


async def active(conn: Connection, guild_id: int) -> list[City]:
    rows = await conn.fetchall(
        "SELECT data FROM cities WHERE guild_id = ? AND active = 1 ORDER BY display_order",
        (guild_id,),
    )
    return _cities_from_rows(rows)


async def analyses(conn: Connection, guild_id: int) -> dict[str, CityAnalysis]:
    """The stored analyses of the guild's active cities that are of the current version."""
    rows = await conn.fetchall(
        "SELECT slug, analysis FROM cities WHERE guild_id = ? AND active = 1 "
        "AND analysis IS NOT NULL",
        (guild_id,),
    )
    found = {}
    for row in rows:
        analysis = _analysis(row["analysis"])
        if analysis is not None:
            found[row["slug"]] = analysis
    return found


@lru_cache(maxsize=4_096)
def _analysis(text: str) -> CityAnalysis | None:
    """Analyses are immutable, so servers with the same cities share one parsed copy (500 servers
    on two presets kept 24 MB of the same analyses, read at 23 ms a server)."""
    return CityAnalysis.from_json(json.loads(text))


async def every(conn: Connection, guild_id: int) -> list[City]:
    """Active and dropped cities: trips and reports keep naming a city after it is dropped."""
    rows = await conn.fetchall(
        "SELECT data FROM cities WHERE guild_id = ? ORDER BY active DESC, display_order",
        (guild_id,),
    )
    return _cities_from_rows(rows)


async def by_id(conn: Connection, city_id: int) -> City | None:
    rows = await conn.fetchall("SELECT data FROM cities WHERE id = ?", (city_id,))
    found = _cities_from_rows(rows)
    return found[0] if found else None


async def replace_all(
    conn: Connection, guild_id: int, cities: list[City], analyses: dict[str, CityAnalysis]
) -> None:
    """Make ``cities`` the guild's active cities, keeping the row (and id) of every known slug."""
    for order, city in enumerate(cities, start=1):
        await upsert(conn, guild_id, city, analyses[city.slug], order)
    await keep_only(conn, guild_id, cities)


async def upsert(
    conn: Connection, guild_id: int, city: City, analysis: CityAnalysis, order: int
) -> None:
    """Write ``city`` (and its analysis) as an active city of the guild at place ``order``, in
    the row (and with the id) it had if its slug is known. Written twice, nothing more changes."""
    await conn.execute(
        "INSERT INTO cities (guild_id, slug, data, analysis, display_order, active, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET "
        "data = excluded.data, analysis = excluded.analysis, "
        "display_order = excluded.display_order, active = 1, updated_at = excluded.updated_at",
        (
            guild_id,
            city.slug,
            json.dumps(city.to_dict(), ensure_ascii=False),
            json.dumps(analysis.to_json(), ensure_ascii=False),
            order,
            to_db(utcnow()),
        ),
    )


async def keep_only(conn: Connection, guild_id: int, cities: list[City]) -> None:
    """After :func:`upsert` of each of ``cities``: drop (deactivate) the guild's other cities."""
    await conn.execute(
        "UPDATE cities SET active = 0 WHERE guild_id = ? AND active = 1 "
        "AND slug NOT IN (SELECT value FROM json_each(?))",
        (guild_id, json.dumps([c.slug for c in cities])),
    )
