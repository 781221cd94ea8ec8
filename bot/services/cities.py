"""Partner cities: a guild's list, lookup and autocomplete, questions, presets, export / import.

A guild the bot has never seen starts with its preset's cities the first time anyone asks, with
no seeding step. The parsed list, its name index and its question index are cached per guild and
dropped whenever that guild's cities change (the bot is the only writer). The question index is
built on the first question, from the analyses stored with the cities.
"""

from __future__ import annotations

import asyncio
import json
import re
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from bot.domain.ask import answers
from bot.domain.ask.index import CityIndex
from bot.domain.ask.passages import CityAnalysis, analyse_city
from bot.domain.cities import Association, City, CityDataError, Problem, parse_file
from bot.domain.city_matching import NameIndex
from bot.domain.errors import DomainError, Phrase, Term
from bot.services import presets
from bot.services.chunks import OnProgress, write_in_chunks
from bot.services.guild_cache import GuildCache
from bot.services.settings import SettingsService
from db import associations, audit, cities, guild_settings
from db.database import Connection, Database

MAX_QUESTION = 500
MAX_IMPORT_BYTES = 1_000_000
CITY_CHUNK = 100  # cities written per transaction by an import (each is a sizeable document)
ANALYSIS_CHUNK = 25  # cities analysed between two yields to the event loop during an import


@dataclass
class GuildCities:
    """One guild's cities as the bot keeps them in memory."""

    association: Association
    names: NameIndex
    analyses: dict[str, CityAnalysis]
    _questions: CityIndex | None = field(default=None, repr=False)

    @property
    def cities(self) -> list[City]:
        return self.names.cities

    @property
    def questions(self) -> CityIndex:
        if self._questions is None:
            self._questions = _shared_index(self.association, self.cities, self.analyses)
        return self._questions


_INDEXES: OrderedDict[tuple[Association, tuple[City, ...]], CityIndex] = OrderedDict()
SHARED_INDEXES = 64


def _shared_index(
    association: Association, found: list[City], analyses: dict[str, CityAnalysis]
) -> CityIndex:
    """The question index of an association and its cities, one for all the servers that have
    the same (hundreds on one preset): built once, not once a server (35 ms and 100 KB each for
    500 servers on two presets). An index is a function of these alone; analyses only spare
    analysing again. The most recently used few are kept."""
    key = (association, tuple(found))
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = CityIndex(association, found, analyses)
        if len(_INDEXES) > SHARED_INDEXES:
            _INDEXES.popitem(last=False)
    else:
        _INDEXES.move_to_end(key)
    return index


@cache
def _preset_analyses(name: str) -> dict[str, CityAnalysis]:
    return {c.slug: analyse_city(c) for c in presets.load(name).cities}


class CityService:
    def __init__(self, db: Database, settings: SettingsService) -> None:
        self._db = db
        self._settings = settings
        self._guilds: GuildCache[GuildCities] = GuildCache()
        self._every: GuildCache[dict[str, City]] = GuildCache()

    async def guild(self, guild_id: int) -> GuildCities:
        self._db.check_outside()

        async def load() -> GuildCities:
            async with self._db.read() as conn:
                found = await cities.active(conn, guild_id)
                seeded = found or await cities.has_any(conn, guild_id)
                stored = await associations.get(conn, guild_id)
                analyses = await cities.analyses(conn, guild_id) if found else {}
            if not seeded:
                found, stored, analyses = await self._seed(guild_id)
            if stored is None:  # cities written before the association was stored
                stored = presets.load((await self._settings.get(guild_id)).preset).association
            return GuildCities(stored, NameIndex(found), analyses)

        return await self._guilds.get(guild_id, load)

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
            await self.guild(guild_id)
            async with self._db.read() as conn:
                found = await cities.every(conn, guild_id)
            return {c.slug: c for c in found}

        return await self._every.get(guild_id, load)

    def _forget(self, guild_id: int) -> None:
        self._guilds.forget(guild_id)
        self._every.forget(guild_id)

    async def _seed(self, guild_id: int) -> tuple[list[City], Association, dict[str, CityAnalysis]]:
        settings = await self._settings.get(guild_id)
        preset = presets.load(settings.preset)
        analyses = _preset_analyses(preset.name)
        async with self._db.transaction() as conn:
            if await cities.has_any(conn, guild_id):  # another coroutine was first
                found = await cities.active(conn, guild_id)
                return found, preset.association, await cities.analyses(conn, guild_id)
            await cities.replace_all(conn, guild_id, list(preset.cities), analyses)
            await associations.save(conn, guild_id, preset.association)
        return list(preset.cities), preset.association, analyses

    async def list(self, guild_id: int) -> list[City]:
        return (await self.guild(guild_id)).cities

    async def association(self, guild_id: int) -> Association:
        return (await self.guild(guild_id)).association

    async def autocomplete(self, guild_id: int, typed: str) -> list[City]:
        return (await self.guild(guild_id)).names.search(typed[:100])

    async def get(self, guild_id: int, typed: str) -> City:
        city = (await self.guild(guild_id)).names.best(typed[:100])
        if city is None:
            raise DomainError("city.not_found", query=typed[:100])
        return city

    async def ask(
        self, guild_id: int, question: str, language: str, today: date
    ) -> answers.Answer | answers.Program | answers.NotFound:
        """What the city data says to ``question`` (see bot.domain.ask.answers)."""
        question = question.strip()[:MAX_QUESTION]
        if not question:
            raise DomainError("city.ask.empty")
        index = (await self.guild(guild_id)).questions
        return answers.answer(index, question, language, today)

    async def use_preset(self, guild_id: int, actor_id: int, name: str) -> list[City]:
        if name not in presets.available():
            raise DomainError(
                "city.preset.unknown", name=name[:50], available=tuple(presets.available())
            )
        preset = presets.load(name)
        analyses = _preset_analyses(name)
        async with self._db.transaction() as conn:
            current = await self._settings.ensure(conn, guild_id)
            await guild_settings.save(conn, replace(current, preset=name))
            await cities.replace_all(conn, guild_id, list(preset.cities), analyses)
            await associations.save(conn, guild_id, preset.association)
            await audit.record(conn, guild_id, actor_id, "city.preset", name)
            conn.after_commit(lambda: self._settings.forget(guild_id))
            conn.after_commit(lambda: self._forget(guild_id))
        return list(preset.cities)

    async def export(self, guild_id: int) -> bytes:
        guild = await self.guild(guild_id)
        data = {**guild.association.to_dict(), "cities": [c.to_dict() for c in guild.cities]}
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

    async def import_file(
        self,
        guild_id: int,
        actor_id: int,
        filename: str,
        raw: bytes,
        progress: OnProgress | None = None,
    ) -> list[City]:
        """Replace the guild's association and cities with a JSON or TOML file's. The whole file
        is checked first: one with a problem changes nothing. The cities are analysed a few at a
        time, then written a chunk at a time (bot.services.chunks); the association, and the
        dropping of the cities the file no longer lists, come last. An import interrupted half-way
        has written some of the file's cities beside the old ones; the same file imported again
        ends as one import would."""
        if len(raw) > MAX_IMPORT_BYTES:
            raise DomainError("city.import.too_big", max_kb=MAX_IMPORT_BYTES // 1000)
        try:
            text = raw.decode("utf-8-sig")
            data = tomllib.loads(text) if filename.lower().endswith(".toml") else json.loads(text)
        except UnicodeDecodeError:
            encoding = Term("city.import.detail.encoding")
            raise CityDataError([Problem("file", "format", encoding)]) from None
        except ValueError as error:  # json.JSONDecodeError, tomllib.TOMLDecodeError
            raise CityDataError([Problem("file", "format", _unreadable(error))]) from None
        association, parsed = parse_file(data)
        analyses: dict[str, CityAnalysis] = {}
        for start in range(0, len(parsed), ANALYSIS_CHUNK):
            for city in parsed[start : start + ANALYSIS_CHUNK]:
                analyses[city.slug] = analyse_city(city)
            await asyncio.sleep(0)

        async def write(conn: Connection, place: tuple[int, City]) -> None:
            order, city = place
            await cities.upsert(conn, guild_id, city, analyses[city.slug], order)

        places = list(enumerate(parsed, start=1))
        await write_in_chunks(self._db, places, write, size=CITY_CHUNK, progress=progress)
        async with self._db.transaction() as conn:
            await self._settings.ensure(conn, guild_id)
            await cities.keep_only(conn, guild_id, parsed)
            await associations.save(conn, guild_id, association)
            await audit.record(
                conn, guild_id, actor_id, "city.import", filename[:100], count=len(parsed)
            )
            conn.after_commit(lambda: self._forget(guild_id))
        return parsed


def _unreadable(error: ValueError) -> Term | Phrase:
    """Where a JSON or TOML file stops making sense, in words the reader's language has."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if line is None and (found := re.search(r"line (\d+), column (\d+)", str(error))):
        line, column = int(found[1]), int(found[2])
    if line is None:
        return Term("city.import.detail.syntax")
    return Phrase("city.import.detail.syntax_at", {"line": line, "column": column})
