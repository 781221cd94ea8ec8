"""Finding a city by the name typed in a city option: autocomplete from any prefix, part or
near-miss spelling in either language. (Names inside a free-text question are found by
bot.domain.ask.index.)"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.domain.cities import City
from bot.domain.text import name_key, trigrams

AUTOCOMPLETE_LIMIT = 25
MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class _Name:
    key: str
    grams: frozenset[str]


@lru_cache(maxsize=50_000)
def _compile(name: str) -> _Name:
    """Kept for every name seen lately: hundreds of servers on one preset share its names, and
    each server's index would otherwise hold its own copy of the same trigrams."""
    key = name_key(name)
    return _Name(key, trigrams(key))


def _score(query: str, query_grams: frozenset[str], name: _Name) -> float:
    if not name.key:
        return 0.0
    if query == name.key:
        return 100.0
    if name.key.startswith(query):
        return 90.0 + 5.0 * len(query) / len(name.key)
    if query in name.key:
        return 75.0 + 5.0 * len(query) / len(name.key)
    if len(query) < 3:
        return 0.0
    similarity = len(query_grams & name.grams) / len(query_grams | name.grams)
    return 70.0 * similarity if similarity >= MIN_SIMILARITY else 0.0


class NameIndex:
    """Built once per guild's city list; searching it allocates little and scans no SQL."""

    def __init__(self, cities: list[City]) -> None:
        self.cities = sorted(cities, key=lambda c: c.order)
        self._names = [(city, [_compile(n) for n in city.all_names()]) for city in self.cities]

    def search(self, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[City]:
        key = name_key(query)
        if not key:
            return self.cities[:limit]
        grams = trigrams(key)
        scored = []
        for city, names in self._names:
            best = max(_score(key, grams, name) for name in names)
            if best > 0:
                scored.append((-best, city.order, city))
        scored.sort(key=lambda item: item[:2])
        return [city for _, _, city in scored[:limit]]

    def best(self, query: str) -> City | None:
        """The city a typed value means: its slug, or the best match of a name."""
        for city in self.cities:
            if city.slug == query:
                return city
        found = self.search(query, 1)
        return found[0] if found else None
