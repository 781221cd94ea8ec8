"""Partner cities: a guild's list, lookup and autocomplete, questions, presets, export / import.

A guild the bot has never seen starts with its preset's cities the first time anyone asks, with
no seeding step. The parsed list and its name index are cached per guild and dropped whenever
that guild's cities change (the bot is the only writer).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import date

from bot.domain import city_answers
from bot.domain.cities import City, CityDataError, Problem, parse_cities
from bot.domain.city_matching import NameIndex
from bot.domain.errors import DomainError
from bot.domain.text import search_terms
from bot.services import presets
from bot.services.chunks import OnProgress, write_in_chunks
from bot.services.guild_cache import GuildCache
from bot.services.settings import SettingsService
from db import audit, cities, guild_settings
from db.database import Connection, Database

MAX_QUESTION = 500
MAX_IMPORT_BYTES = 1_000_000
CITY_CHUNK = 100  # cities written per transaction by an import (each is a sizeable document)


class CityService:
    def __init__(self, db: Database, settings: SettingsService) -> None:
        self._db = db
        self._settings = settings
        self._indexes: GuildCache[NameIndex] = GuildCache()
        self._every: GuildCache[dict[str, City]] = GuildCache()

    async def index(self, guild_id: int) -> NameIndex:
        self._db.check_outside()

        async def load() -> NameIndex:
            async with self._db.read() as conn:
                found = await cities.active(conn, guild_id)
                seeded = found or await cities.has_any(conn, guild_id)
            if not seeded:
                found = await self._seed(guild_id)
            return NameIndex(found)

        return await self._indexes.get(guild_id, load)

    async def by_slug(self, guild_id: int, conn: Connection | None = None) -> dict[str, City]:
        """Every city the guild ever had, dropped ones included, by slug. Inside a unit of work,
        pass its connection: what is not in memory is then read through it, and not kept."""
        if conn is not None:
            kept = self._every.peek(guild_id)
            return (
                kept
                if kept is not None
                else {c.slug: c for c in await cities.every(conn, guild_id)}
            )
        self._db.check_outside()

        async def load() -> dict[str, City]:
            await self.index(guild_id)
            async with self._db.read() as conn:
                found = await cities.every(conn, guild_id)
            return {c.slug: c for c in found}

        return await self._every.get(guild_id, load)

    def _forget(self, guild_id: int) -> None:
        self._indexes.forget(guild_id)
        self._every.forget(guild_id)

    async def _seed(self, guild_id: int) -> list[City]:
        settings = await self._settings.get(guild_id)
        preset = presets.load(settings.preset)
        async with self._db.transaction() as conn:
            if await cities.has_any(conn, guild_id):  # another coroutine was first
                return await cities.active(conn, guild_id)
            await cities.replace_all(conn, guild_id, list(preset.cities))
            return list(preset.cities)

    async def list(self, guild_id: int) -> list[City]:
        return (await self.index(guild_id)).cities

    async def autocomplete(self, guild_id: int, typed: str) -> list[City]:
        return (await self.index(guild_id)).search(typed[:100])

    async def get(self, guild_id: int, typed: str) -> City:
        city = (await self.index(guild_id)).best(typed[:100])
        if city is None:
            raise DomainError("city.not_found", query=typed[:100])
        return city

    async def home(self, guild_id: int, language: str) -> str:
        return presets.load((await self._settings.get(guild_id)).preset).home(language)

    async def ask(
        self, guild_id: int, question: str, language: str, today: date
    ) -> city_answers.Answer | None:
        """The answer, or None when the city data holds none (the caller then suggests cities)."""
        question = question.strip()[:MAX_QUESTION]
        if not question:
            raise DomainError("city.ask.empty")
        index = await self.index(guild_id)
        plan = city_answers.understand(question, index, today)
        if isinstance(plan, city_answers.Answer):
            return plan
        named = {term for c in plan.cities for n in c.all_names() for term in search_terms(n)}
        terms = [t for t in search_terms(question, for_query=True) if t not in named]
        slugs = [c.slug for c in plan.cities]
        async with self._db.read() as conn:
            hits = await cities.search_facts(conn, guild_id, language, terms, slugs)
        if not hits:
            if len(plan.cities) == 1 and (plan.describe or not terms):
                city = plan.cities[0]
                return city_answers.Answer("ask.description", "ask.source.description", city)
            return None
        by_slug = {c.slug: c for c in index.cities}
        if plan.origin:  # prefer a fact that says more than the date of the agreement
            hits = sorted(hits, key=lambda h: str(by_slug[h[0]].since.year) in h[1])
        return city_answers.from_fact(by_slug[hits[0][0]], hits[0][1])

    async def suggestions(self, guild_id: int, question: str) -> list[City]:
        index = await self.index(guild_id)
        return (index.mentioned(question) or index.search(question))[:3]

    async def use_preset(self, guild_id: int, actor_id: int, name: str) -> list[City]:
        if name not in presets.available():
            raise DomainError(
                "city.preset.unknown", name=name[:50], available=", ".join(presets.available())
            )
        preset = presets.load(name)
        async with self._db.transaction() as conn:
            current = await self._settings.ensure(conn, guild_id)
            await guild_settings.save(conn, replace(current, preset=name))
            await cities.replace_all(conn, guild_id, list(preset.cities))
            await audit.record(conn, guild_id, actor_id, "city.preset", name)
            conn.after_commit(lambda: self._settings.forget(guild_id))
            conn.after_commit(lambda: self._forget(guild_id))
        return list(preset.cities)

    async def export(self, guild_id: int) -> bytes:
        data = {"cities": [c.to_dict() for c in await self.list(guild_id)]}
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

    async def import_file(
        self,
        guild_id: int,
        actor_id: int,
        filename: str,
        raw: bytes,
        progress: OnProgress | None = None,
    ) -> list[City]:
        """Replace the guild's cities with a JSON or TOML file's. The whole file is checked
        first: one with a problem changes nothing. The cities are then written a chunk at a
        time (bot.services.chunks), and the cities the file no longer lists are dropped last.
        An import interrupted half-way has written some of the file's cities beside the old
        ones; the same file imported again ends as one import would."""
        if len(raw) > MAX_IMPORT_BYTES:
            raise DomainError("city.import.too_big", max_kb=MAX_IMPORT_BYTES // 1000)
        try:
            text = raw.decode("utf-8-sig")
            data = tomllib.loads(text) if filename.lower().endswith(".toml") else json.loads(text)
        except (UnicodeDecodeError, ValueError) as error:
            raise CityDataError([Problem("file", "format", str(error)[:200])]) from None
        parsed = parse_cities(data)

        async def write(conn: Connection, place: tuple[int, City]) -> None:
            await cities.upsert(conn, guild_id, place[1], place[0])

        places = list(enumerate(parsed, start=1))
        await write_in_chunks(self._db, places, write, size=CITY_CHUNK, progress=progress)
        async with self._db.transaction() as conn:
            await self._settings.ensure(conn, guild_id)
            await cities.keep_only(conn, guild_id, parsed)
            await audit.record(
                conn, guild_id, actor_id, "city.import", filename[:100], count=len(parsed)
            )
            conn.after_commit(lambda: self._forget(guild_id))
        return parsed
