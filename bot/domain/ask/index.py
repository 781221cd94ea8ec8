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
from bot.domain.ask.analyser import analyser, is_japanese, latin_key, latin_letters
from bot.domain.ask.passages import CityAnalysis, PassageAnalysis, analyse_city, name_keys
from bot.domain.ask.vocabulary import vocabulary
from bot.domain.cities import Association, City
from bot.domain.text import fold

HOME = "home"  # names of the association, its home city, or the body a place is partner of
FUZZY_MIN = 85  # rapidfuzz ratio (0-100) for a misspelt name
FUZZY_MIN_LENGTH = 5  # letters: shorter names must be written exactly
FUZZY_TRIES = 30  # windows of a question looked up fuzzily, at most (a long text costs no more)
_WORD = re.compile(r"[a-zA-Z0-9]+(?:['’][a-zA-Z]+)?|[^\sa-zA-Z0-9]")
_KANA_RUN = re.compile(r"[\u3040-\u30ffー]{3,}")
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Passage:
    city: City
    analysis: PassageAnalysis
    terms: frozenset[str]
    concepts: frozenset[str]
    kind: str
    language: str  # "en" | "ja" for text, "" for a field


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
        latin: dict[str, set[tuple[str, int]]] = defaultdict(set)
        japanese: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for city in self.cities:
            analysis = analyses.get(city.slug) or analyse_city(city)
            indexes = self.of_city[city.slug]
            for item in analysis.passages:
                index = len(self.passages)
                self.passages.append(
                    Passage(
                        city,
                        item,
                        frozenset(item.terms),
                        frozenset(item.concepts),
                        item.kind,
                        item.language,
                    )
                )
                indexes.append(index)
                for term in item.terms:
                    postings[term].append(index)
            for key, priority in analysis.latin_keys:
                latin[key].add((city.slug, priority))
            for key, priority in analysis.japanese_keys:
                japanese[key].add((city.slug, priority))
        self.postings = dict(postings)
        # Names of the association, its home and the bodies cities are partners of: "home".
        a = self.association
        names = [a.name_en, a.name_ja, a.home_en, a.home_ja]
        names += [n for c in self.cities for n in (c.partner_of_en, c.partner_of_ja) if n]
        home_latin, home_japanese = name_keys(list(dict.fromkeys(names)))
        for key, priority in home_latin:
            latin[key].add(("", priority + 2))
        for key, priority in home_japanese:
            japanese[key].add(("", priority + 2))
        by_slug = {c.slug: c for c in self.cities}
        self._latin = {
            key: target for key, owners in latin.items() if (target := _choose(owners, by_slug))
        }
        self._latin_by_length: dict[int, list[str]] = defaultdict(list)
        for key in self._latin:
            self._latin_by_length[len(key)].append(key)
        self._japanese = sorted(
            ((key, t) for key, owners in japanese.items() if (t := _choose(owners, by_slug))),
            key=lambda item: -len(item[0]),
        )

    # ------------------------------------------------------------------ names
    # ------------------------------------------------------------------ reading a question
    def read(self, question: str) -> Reading:
        text = unicodedata.normalize("NFKC", question)
        reading = Reading(text=text, japanese=is_japanese(text))
        blank = list(text)
        self._find_latin_names(text, reading, blank)
        self._find_japanese_names(text, reading, blank)
        self._find_countries(reading, blank)
        rest = "".join(blank)
        reading.years = [int(y) for y in _YEAR.findall(rest)]
        words = re.findall(r"[a-zA-Z0-9]+(?:'[a-zA-Z]+)?", rest)
        stems = analyser().stems([w.casefold() for w in words])
        concepts, used, phrases = vocabulary().concepts(stems, rest)
        reading.concepts = concepts
        vocab = vocabulary()
        terms = [s for i, s in enumerate(stems) if i not in used and s not in vocab.stop_en]
        if reading.japanese:
            # Words that named a place or asked the question are not what is asked about.
            taken = {i for i, (b, c) in enumerate(zip(blank, text, strict=True)) if b != c}
            for start, end in phrases:
                taken.update(range(start, end))
            terms += [
                t
                for t, start, end in analyser().spans(text)
                if not t.isascii()
                and t not in vocab.stop_ja
                and not taken.intersection(range(start, end))
            ]
        reading.terms = list(dict.fromkeys(vocab.canonical(t) for t in terms))
        return reading

    def _claim(self, reading: Reading, target: _Target) -> None:
        if target.city is not None and target.city not in reading.cities:
            reading.cities.append(target.city)

    def _find_latin_names(self, text: str, reading: Reading, blank: list[str]) -> None:
        spans = [
            (m.start(), m.end(), m.group())
            for m in re.finditer(r"[a-zA-Z0-9]+(?:['’][a-zA-Z]+)?", text)
        ]
        vocab = vocabulary()
        known = _known_words()
        all_stems = analyser().stems([w.casefold() for _, _, w in spans])
        plain = [latin_letters(w) for _, _, w in spans]
        taken = [False] * len(spans)
        tries = FUZZY_TRIES
        for length in (4, 3, 2, 1):
            for i in range(len(spans) - length + 1):
                if any(taken[i : i + length]):
                    continue
                words = [w for _, _, w in spans[i : i + length]]
                key = latin_key("".join(plain[i : i + length]), letters=True)
                target = self._latin.get(key)
                stems = all_stems[i : i + length]
                if target is not None and length == 1 and stems[0] in known:
                    # A name that is also a question word ("date"): only as a name is written,
                    # capitalised inside the sentence, or followed by a place kind.
                    following = spans[i + 1][2] if i + 1 < len(spans) else ""
                    capitalised = words[0][:1].isupper() and i > 0
                    if not (capitalised or latin_key(following) in vocab.kinds_en):
                        target = None
                if (
                    target is None
                    and tries > 0
                    and len(key) >= FUZZY_MIN_LENGTH
                    and not set(stems) & known
                ):
                    tries -= 1
                    target = self._fuzzy(key)
                if target is None:
                    continue
                self._claim(reading, target)
                for j in range(i, i + length):
                    taken[j] = True
                    start, end, _ = spans[j]
                    blank[start:end] = " " * (end - start)

    def _fuzzy(self, key: str) -> _Target | None:
        """The name ``key`` is a misspelling of: names of about its length only (a ratio of 85
        cannot be reached by a name more than a sixth longer or shorter)."""
        spread = len(key) // 6 + 1
        near = [
            k for n in range(len(key) - spread, len(key) + spread + 1)
            for k in self._latin_by_length.get(n, ())
        ]  # fmt: skip
        best = process.extractOne(key, near, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if best is None or self._latin[best[0]].priority == 0:
            return None
        return self._latin[best[0]]

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
            key = latin_key(analyser().kana_romaji(match.group()))
            for name, target in self._latin.items():
                if len(name) >= 4 and target.priority > 0 and name in key:
                    self._claim(reading, target)
                    blank[match.start() : match.end()] = " " * (match.end() - match.start())
                    break

    def _find_countries(self, reading: Reading, blank: list[str]) -> None:
        latin, written, japanese = _country_names()
        spans = [(m.start(), m.end(), m.group()) for m in _COUNTRY_WORD.finditer("".join(blank))]
        i = 0
        while i < len(spans):
            for length in (4, 3, 2, 1):
                words = tuple(w for _, _, w in spans[i : i + length])
                code = written.get(words) or latin.get(tuple(w.casefold() for w in words))
                if code and len(words) == length:
                    self._country(reading, code, blank, spans[i][0], spans[i + length - 1][1])
                    i += length - 1
                    break
            i += 1
        if not reading.japanese:
            return
        folded = fold("".join(blank))
        if len(folded) != len(blank):
            return
        for match in japanese.finditer(folded):
            self._country(reading, _JAPANESE_COUNTRY[match.group()], blank, *match.span())

    @staticmethod
    def _country(reading: Reading, code: str, blank: list[str], start: int, end: int) -> None:
        if code not in reading.countries:
            reading.countries.append(code)
        blank[start:end] = " " * (end - start)

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


_COUNTRY_WORD = re.compile(r"[A-Za-z]+")


_JAPANESE_COUNTRY: dict[str, str] = {}


@cache
def _known_words() -> frozenset[str]:
    """Stems of the question words and stopwords, place kinds excepted: a window of a question
    made of them is not looked up as a misspelt name, and one of them alone is a name only as
    a name is written."""
    vocab = vocabulary()
    kinds = set(analyser().stems(sorted(vocab.kinds_en)))
    return frozenset(({w for phrase in vocab.english for w in phrase} | vocab.stop_en) - kinds)


@cache
def _country_names() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], re.Pattern]:
    """Countries as questions write them: by their words (any case), by their words exactly as
    written (short forms such as "US", which is also a word), and Japanese names (one pattern,
    longest first; _JAPANESE_COUNTRY gives their codes)."""
    latin: dict[tuple[str, ...], str] = {}
    written: dict[tuple[str, ...], str] = {}
    japanese: list[tuple[str, str]] = []
    for code, (english, japanese_name) in countries.every().items():
        words = tuple(w.casefold() for w in _COUNTRY_WORD.findall(english))
        latin[words] = code
        if words[0] == "the":  # "the United States" is also said without "the"
            latin[words[1:]] = code
        japanese.append((fold(japanese_name), code))
    for code, aliases in vocabulary().country_aliases.items():
        for alias in aliases:
            if not alias.isascii():
                japanese.append((fold(alias), code))
            elif len(alias.replace(".", "")) <= 3:
                written[tuple(_COUNTRY_WORD.findall(alias))] = code
            else:
                latin[tuple(w.casefold() for w in _COUNTRY_WORD.findall(alias))] = code
    _JAPANESE_COUNTRY.update(japanese)
    names = sorted(_JAPANESE_COUNTRY, key=len, reverse=True)
    return latin, written, re.compile("|".join(map(re.escape, names)))


def _choose(owners: set[tuple[str, int]], by_slug: dict[str, City]) -> _Target | None:
    """One owner for a name: home before a full name before a shortened one; a shortened
    name two cities share is nobody's."""
    best = max(priority for _, priority in owners)
    slugs = {slug for slug, priority in owners if priority == best}
    if len(slugs) != 1:
        return None
    slug = next(iter(slugs))
    return _Target(by_slug[slug] if slug else None, best)
