"""Finding cities by name: autocomplete from any prefix, part or near-miss spelling in either
language, and spotting the cities and countries a free-text question mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.domain.cities import COUNTRIES, City
from bot.domain.text import fold, name_key, trigrams

AUTOCOMPLETE_LIMIT = 25
MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class _Name:
    key: str
    grams: frozenset[str]
    pattern: re.Pattern[str] | None  # word-bounded, for names written in Latin letters


@lru_cache(maxsize=50_000)
def _compile(name: str) -> _Name:
    """Kept for every name seen lately: hundreds of servers on one preset share its names, and
    each server's index would otherwise hold its own copy of the same trigrams (80 MB for 500)."""
    key = name_key(name)
    words = re.findall(r"[a-z0-9]+", fold(name))
    pattern = None
    if key.isascii() and words:
        pattern = re.compile(r"\b" + r"[^a-z0-9]*".join(map(re.escape, words)) + r"\b")
    return _Name(key, trigrams(key), pattern)


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


@cache
def _countries() -> list[tuple[str, list[_Name]]]:
    return [
        (code, [_compile(n) for n in (english, japanese, *others)])
        for code, (english, japanese, others) in COUNTRIES.items()
    ]


class NameIndex:
    """Built once per guild's city list; searching it allocates little and scans no SQL."""

    def __init__(self, cities: list[City]) -> None:
        self.cities = sorted(cities, key=lambda c: c.order)
        self._names = [(city, [_compile(n) for n in city.all_names()]) for city in self.cities]
        self._countries = _countries()

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

    def mentioned(self, text: str) -> list[City]:
        """Cities named in ``text``; a longer name wins over a shorter one inside it."""
        return self._spot(text, self._names)

    def mentioned_countries(self, text: str) -> list[str]:
        return self._spot(text, self._countries)

    @staticmethod
    def _spot(text, candidates):  # type: ignore[no-untyped-def]
        folded, keyed = fold(text), name_key(text)
        spans = []
        for item, names in candidates:
            for name in names:
                if name.pattern is not None:
                    match = name.pattern.search(folded)
                    if match:
                        spans.append((match.end() - match.start(), "l", match.start(), item))
                elif len(name.key) >= 2 and (start := keyed.find(name.key)) >= 0:
                    spans.append((len(name.key), "k", start, item))
        spans.sort(key=lambda s: -s[0])
        taken: list[tuple[str, int, int]] = []
        found = []
        for length, space, start, item in spans:
            end = start + length
            if any(s == space and start < e and b < end for s, b, e in taken):
                continue
            taken.append((space, start, end))
            if item not in found:
                found.append(item)
        return found
