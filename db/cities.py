"""Repository: a guild's partner cities and their full-text index."""

from __future__ import annotations

import json
from functools import lru_cache

from bot.domain.cities import City, parse_cities
from bot.domain.clock import to_db, utcnow
from bot.domain.text import search_terms
from db.database import Connection


def _cities_from_rows(rows) -> list[City]:  # type: ignore[no-untyped-def]
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


async def replace_all(conn: Connection, guild_id: int, cities: list[City]) -> None:
    """Make ``cities`` the guild's active cities, keeping the row (and id) of every known slug."""
    for order, city in enumerate(cities, start=1):
        await upsert(conn, guild_id, city, order)
    await keep_only(conn, guild_id, cities)


async def upsert(conn: Connection, guild_id: int, city: City, order: int) -> None:
    """Write ``city`` as an active city of the guild at place ``order``, in the row (and with
    the id) it had if its slug is known. The same city written twice changes nothing more."""
    await conn.execute(
        "INSERT INTO cities (guild_id, slug, data, display_order, active, updated_at) "
        "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET "
        "data = excluded.data, display_order = excluded.display_order, active = 1, "
        "updated_at = excluded.updated_at",
        (
            guild_id,
            city.slug,
            json.dumps(city.to_dict(), ensure_ascii=False),
            order,
            to_db(utcnow()),
        ),
    )


async def keep_only(conn: Connection, guild_id: int, cities: list[City]) -> None:
    """After :func:`upsert` of each of ``cities``: drop (deactivate) the guild's other cities,
    and index the facts of these."""
    await conn.execute(
        "UPDATE cities SET active = 0 WHERE guild_id = ? AND active = 1 "
        "AND slug NOT IN (SELECT value FROM json_each(?))",
        (guild_id, json.dumps([c.slug for c in cities])),
    )
    await conn.execute("DELETE FROM city_facts WHERE guild_id = ?", (guild_id,))
    rows = await conn.fetchall(
        "SELECT id, slug FROM cities WHERE guild_id = ? AND active = 1", (guild_id,)
    )
    ids = {r["slug"]: r["id"] for r in rows}
    entries = []
    for city in cities:
        for language in ("en", "ja"):
            for text in (*city.facts(language), city.description(language)):
                if text:
                    terms = " ".join(search_terms(text))
                    entries.append((terms, guild_id, ids[city.slug], language, text))
    await conn.executemany(
        "INSERT INTO city_facts (terms, guild_id, city_id, language, text) VALUES (?, ?, ?, ?, ?)",
        entries,
    )


async def search_facts(
    conn: Connection,
    guild_id: int,
    language: str,
    terms: list[str],
    slugs: list[str],
    limit: int = 3,
) -> list[tuple[str, str]]:
    """Best facts for ``terms`` as (city slug, text), in ``language``, of ``slugs`` if given."""
    if not terms:
        return []
    query = " OR ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms))
    city_filter = ""
    params: list = [query, guild_id, language]
    if slugs:
        city_filter = f"AND c.slug IN ({', '.join('?' for _ in slugs)})"
        params += slugs
    rows = await conn.fetchall(
        "SELECT c.slug, f.text FROM city_facts AS f JOIN cities AS c ON c.id = f.city_id "
        "WHERE city_facts MATCH ? AND f.guild_id = ? AND f.language = ? "
        f"{city_filter} ORDER BY bm25(city_facts) LIMIT ?",
        [*params, limit],
    )
    return [(r["slug"], r["text"]) for r in rows]
