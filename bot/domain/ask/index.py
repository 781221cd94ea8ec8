"""A server's question index: its cities' passages with their terms, the names of its cities,
home and countries as people write them, and the reading of a question against them.

Built from the stored analyses of the cities (see passages.py) in a few milliseconds for a
handful of cities and well under 300 ms for a thousand; rebuilt whenever the server's cities
change.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from bot.domain import countries
from bot.domain.ask.analyser import analyser, is_japanese, latin_key
from bot.domain.ask.passages import CityAnalysis, PassageAnalysis, analyse_city
from bot.domain.ask.vocabulary import vocabulary
from bot.domain.cities import Association, City
from bot.domain.text import fold

HOME = "home"  # names of the association, its home city, or the body a place is partner of
FUZZY_MIN = 85  # rapidfuzz ratio (0-100) for a misspelt name
FUZZY_MIN_LENGTH = 5  # letters: shorter names must be written exactly
_WORD = re.compile(r"[a-zA-Z0-9]+(?:['’][a-zA-Z]+)?|[^\sa-zA-Z0-9]")
_KANA_RUN = re.compile(r"[\u3040-\u30ffー]{3,}")
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Passage:
    city: City
    analysis: PassageAnalysis
    terms: frozenset[str]
    concepts: frozenset[str]

    @property
    def kind(self) -> str:
        return self.analysis.kind

    @property
    def language(self) -> str:
        return self.analysis.language


@dataclass
class Reading:
    """What a question names and asks."""

    text: str
    japanese: bool
    cities: list[City] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    concepts: set[str] = field(default_factory=set)
    terms: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    names_home: bool = False


@dataclass(frozen=True)
class _Target:
    city: City | None  # None: home
    priority: int  # 2: home, 1: a full name, 0: a name shortened by its place kind


class CityIndex:
    def __init__(
        self,
        association: Association,
        cities: list[City],
        analyses: dict[str, CityAnalysis] | None = None,
    ) -> None:
        analyses = analyses or {}
        self.association = association
        self.cities = sorted(cities, key=lambda c: c.order)
        self.passages: list[Passage] = []
        self.of_city: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, list[int]] = defaultdict(list)
        latin: dict[str, set[tuple[City | None, int]]] = defaultdict(set)
        japanese: dict[str, set[tuple[City | None, int]]] = defaultdict(set)
        for city in self.cities:
            analysis = analyses.get(city.slug) or analyse_city(city)
            for item in analysis.passages:
                index = len(self.passages)
                passage = Passage(city, item, frozenset(item.terms), frozenset(item.concepts))
                self.passages.append(passage)
                self.of_city[city.slug].append(index)
                for term in passage.terms:
                    postings[term].append(index)
            for words in analysis.latin_names:
                self._add_latin(latin, words, city)
            for name in analysis.japanese_names:
                self._add_japanese(japanese, name, city)
        self.postings = dict(postings)
        self._home_names(latin, japanese)
        self._latin = {key: self._choose(targets) for key, targets in latin.items()}
        self._latin = {k: v for k, v in self._latin.items() if v is not None}
        self._latin_keys = list(self._latin)
        self._japanese = sorted(
            ((name, t) for name, targets in japanese.items() if (t := self._choose(targets))),
            key=lambda item: -len(item[0]),
        )
        self._countries = self._country_names()

    # ------------------------------------------------------------------ names
    @staticmethod
    def _choose(targets: set[tuple[City | None, int]]) -> _Target | None:
        """One owner for a name: home before a full name before a shortened one; a shortened
        name two cities share is nobody's."""
        best = max(priority for _, priority in targets)
        owners = {city for city, priority in targets if priority == best}
        if len(owners) != 1:
            return None
        return _Target(next(iter(owners)), best)

    def _add_latin(self, table, words: tuple[str, ...], target: City | None, top: int = 1):  # type: ignore[no-untyped-def]
        kinds = vocabulary().kinds_en
        table[latin_key("".join(words))].add((target, top))
        stripped = list(words)
        while len(stripped) > 1 and latin_key(stripped[-1]) in kinds:
            stripped.pop()
        while len(stripped) > 1 and latin_key(stripped[0]) in kinds | {"of"}:
            stripped.pop(0)
        if stripped != list(words):
            table[latin_key("".join(stripped))].add((target, top - 1))

    def _add_japanese(self, table, name: str, target: City | None, top: int = 1):  # type: ignore[no-untyped-def]
        folded = fold(name)
        table[folded].add((target, top))
        for kind in vocabulary().kinds_ja:
            if folded.endswith(kind) and len(folded) - len(kind) >= 2:
                table[folded[: -len(kind)]].add((target, top - 1))

    def _home_names(self, latin, japanese) -> None:  # type: ignore[no-untyped-def]
        a = self.association
        names = [a.name_en, a.name_ja, a.home_en, a.home_ja]
        names += [n for c in self.cities for n in (c.partner_of_en, c.partner_of_ja) if n]
        for name in dict.fromkeys(names):
            if is_japanese(name):
                self._add_japanese(japanese, name, None, 3)
                name = analyser().romaji(name)
            self._add_latin(latin, tuple(w.casefold() for w in _WORD.findall(name)), None, 3)

    def _country_names(self) -> list[tuple[str, str, bool]]:
        """(name as matched, country code, case-sensitive), longest first."""
        found: list[tuple[str, str, bool]] = []
        for code, (english, japanese) in countries.every().items():
            found += [(fold(english), code, False), (fold(japanese), code, False)]
            if english.startswith("United "):  # "the United States" is also said without "the"
                found.append((fold(english), code, False))
        for code, aliases in vocabulary().country_aliases.items():
            for alias in aliases:
                short = len(alias.replace(".", "")) <= 3 and alias.isascii()
                found.append((alias if short else fold(alias), code, short))
        return sorted(set(found), key=lambda item: -len(item[0]))

    # ------------------------------------------------------------------ reading a question
    def read(self, question: str) -> Reading:
        text = unicodedata.normalize("NFKC", question)
        reading = Reading(text=text, japanese=is_japanese(text))
        blank = list(text)
        self._find_latin_names(text, reading, blank)
        self._find_japanese_names(text, reading, blank)
        self._find_countries(text, reading, blank)
        rest = "".join(blank)
        reading.years = [int(y) for y in _YEAR.findall(rest)]
        words = re.findall(r"[a-zA-Z0-9]+(?:'[a-zA-Z]+)?", rest)
        stems = analyser().stems([w.casefold() for w in words])
        concepts, used = vocabulary().concepts(stems, rest)
        reading.concepts = concepts
        vocab = vocabulary()
        terms = [s for i, s in enumerate(stems) if i not in used and s not in vocab.stop_en]
        if reading.japanese:
            said = _phrase_lemmas(fold(rest))
            named = {i for i, (b, c) in enumerate(zip(blank, text, strict=True)) if b != c}
            terms += [
                t
                for t, start, end in analyser().spans(text)
                if not t.isascii()
                and t not in vocab.stop_ja
                and t not in said
                and not named.intersection(range(start, end))
            ]
        reading.terms = list(dict.fromkeys(vocab.canonical(t) for t in terms))
        return reading

    def _claim(self, reading: Reading, target: _Target) -> None:
        if target.city is None:
            reading.names_home = True
        elif target.city not in reading.cities:
            reading.cities.append(target.city)

    def _find_latin_names(self, text: str, reading: Reading, blank: list[str]) -> None:
        spans = [
            (m.start(), m.end(), m.group())
            for m in re.finditer(r"[a-zA-Z0-9]+(?:['’][a-zA-Z]+)?", text)
        ]
        vocab = vocabulary()
        kinds = {analyser().stems([k])[0] for k in vocab.kinds_en}
        known = ({w for phrase in vocab.english for w in phrase} | vocab.stop_en) - kinds
        taken = [False] * len(spans)
        for length in (4, 3, 2, 1):
            for i in range(len(spans) - length + 1):
                if any(taken[i : i + length]):
                    continue
                words = [w for _, _, w in spans[i : i + length]]
                key = latin_key("".join(words))
                target = self._latin.get(key)
                stems = analyser().stems([w.casefold() for w in words])
                if target is not None and length == 1 and stems[0] in known:
                    # A name that is also a question word ("date"): only as a name is written,
                    # capitalised inside the sentence, or followed by a place kind.
                    following = spans[i + 1][2] if i + 1 < len(spans) else ""
                    capitalised = words[0][:1].isupper() and i > 0
                    if not (capitalised or latin_key(following) in vocab.kinds_en):
                        target = None
                if target is None and len(key) >= FUZZY_MIN_LENGTH and not set(stems) & known:
                    best = process.extractOne(
                        key, self._latin_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN
                    )
                    if best is not None and self._latin[best[0]].priority > 0:
                        target = self._latin[best[0]]
                if target is None:
                    continue
                self._claim(reading, target)
                for j in range(i, i + length):
                    taken[j] = True
                    start, end, _ = spans[j]
                    blank[start:end] = " " * (end - start)

    def _find_japanese_names(self, text: str, reading: Reading, blank: list[str]) -> None:
        folded = fold(text)
        if len(folded) != len(text):
            return
        for name, target in self._japanese:
            start = folded.find(name)
            while start >= 0:
                end = start + len(name)
                if all(c != " " or text[k] == " " for k, c in enumerate(blank[start:end], start)):
                    self._claim(reading, target)
                    blank[start:end] = " " * (end - start)
                    folded = folded[:start] + " " * (end - start) + folded[end:]
                start = folded.find(name, start + 1)
        for match in _KANA_RUN.finditer("".join(blank)):
            key = latin_key(analyser().romaji(match.group()))
            for name in self._latin_keys:
                target = self._latin[name]
                if len(name) >= 4 and target.priority > 0 and name in key:
                    self._claim(reading, target)
                    blank[match.start() : match.end()] = " " * (match.end() - match.start())
                    break

    def _find_countries(self, text: str, reading: Reading, blank: list[str]) -> None:
        folded = fold("".join(blank))
        current = "".join(blank)
        for name, code, exact in self._countries:
            haystack = current if exact else folded
            for match in re.finditer(re.escape(name), haystack):
                start, end = match.span()
                ascii_name = name.isascii()
                before = haystack[start - 1] if start else " "
                after = haystack[end] if end < len(haystack) else " "
                if ascii_name and (before.isalnum() or after.isalnum()):
                    continue
                if code not in reading.countries:
                    reading.countries.append(code)
                blank[start:end] = " " * (end - start)
                folded = folded[:start] + " " * (end - start) + folded[end:]
                current = current[:start] + " " * (end - start) + current[end:]

    # ------------------------------------------------------------------ passages
    def weight(self, term: str) -> float:
        """How much a term tells (inverse document frequency); a term no passage holds weighs
        most: the data says nothing about it."""
        count = len(self.postings.get(term, ()))
        return math.log(1 + len(self.passages) / (1 + count))

    def candidates(self, cities: list[City], terms: list[str]) -> list[int]:
        if cities:
            return [i for c in cities for i in self.of_city.get(c.slug, ())]
        found: set[int] = set()
        for term in terms:
            found.update(self.postings.get(term, ()))
        return sorted(found)


@cache
def _lemmas(phrase: str) -> frozenset[str]:
    return frozenset(analyser().tokens(phrase))


def _phrase_lemmas(folded: str) -> set[str]:
    """The lemmas of the question-word phrases found in ``folded``: they ask, they are not
    what is asked about."""
    found: set[str] = set()
    for phrase, _ in vocabulary().japanese:
        if phrase in folded:
            found |= _lemmas(phrase)
    return found
