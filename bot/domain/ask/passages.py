"""Every fact a city's data holds, as passages to match questions against, and the analysis of
a city (its passages' terms and concepts, its names in romaji) that is stored beside it.

Passages of two sorts:
- text: each description and fact sentence, in English and in Japanese, quoted as written;
- fields: the agreement date, the location, the country, the relationship and the links, each
  answered by a sentence built from the field (so the answer is always in the asker's language).

Analysing Japanese costs tens of microseconds a sentence, so a city is analysed once, when its
data is written (preset, import), and the analysis is stored with it; building a server's index
then only reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from bot.domain import countries
from bot.domain.ask.analyser import VERSION as ANALYSER_VERSION
from bot.domain.ask.analyser import analyser, is_japanese, latin_key
from bot.domain.ask.vocabulary import vocabulary
from bot.domain.cities import City
from bot.domain.text import fold

FIELDS = ("since", "region", "country", "relationship", "links")
TEXT = ("description", "fact")
_WORDS = re.compile(r"[a-zA-Z0-9]+(?:'[a-zA-Z]+)?")
_QUANTITY = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Days and months of dates, which are not quantities: "18 December", "12月18日".
_DATE = re.compile(rf"\d{{1,2}}\s*(?:月|日)|\d{{1,2}}\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d{{1,2}}")
_RELATIONSHIP_CONCEPT = {
    "sister_city": "sister",
    "friendship_city": "friendship",
    "sister_state": "sister_state",
}


@dataclass(frozen=True)
class PassageAnalysis:
    kind: str
    language: str  # "en" | "ja" for text; "" for a field
    position: int
    terms: tuple[str, ...]
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class CityAnalysis:
    version: str
    # The city's names as matched (see name_keys): (key, 1) for a name, (key, 0) for a name
    # shortened by its place kind.
    latin_keys: tuple[tuple[str, int], ...]  # romaji readings of Japanese names included
    japanese_keys: tuple[tuple[str, int], ...]
    passages: tuple[PassageAnalysis, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.version,
            "latin": [list(k) for k in self.latin_keys],
            "ja": list(list(k) for k in self.japanese_keys),
            "passages": [
                [p.kind, p.language, p.position, list(p.terms), list(p.concepts)]
                for p in self.passages
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> CityAnalysis | None:
        """The stored analysis, or None when it is missing or from another version."""
        if not isinstance(data, dict) or data.get("v") != version():
            return None
        return cls(
            version=data["v"],
            latin_keys=tuple((k, p) for k, p in data["latin"]),
            japanese_keys=tuple((k, p) for k, p in data["ja"]),
            passages=tuple(
                PassageAnalysis(k, lang, pos, tuple(t), tuple(c))
                for k, lang, pos, t, c in data["passages"]
            ),
        )


@cache
def version() -> str:
    """What an analysis depends on: this code, the question words, and the dictionary."""
    return f"{ANALYSER_VERSION}.{vocabulary().version}.{metadata.version('unidic-lite')}"


def content_terms(text: str) -> tuple[str, ...]:
    """The terms of ``text`` that carry meaning: no stopwords."""
    vocab = vocabulary()
    return tuple(
        vocab.canonical(t)
        for t in analyser().tokens(text)
        if t not in vocab.stop_en and t not in vocab.stop_ja
    )


def text_concepts(text: str) -> set[str]:
    # In a statement "whose" relates ("a city whose symbol is..."); only a question asks with it.
    words = [w.casefold() for w in _WORDS.findall(text) if w.casefold() != "whose"]
    stems = analyser().stems(words)
    found, _, _ = vocabulary().concepts(stems, text)
    found.discard("when")  # "when" in a sentence is a conjunction; a date says when
    if _YEAR.search(text):
        found.add("when")
    if _QUANTITY.search(_DATE.sub("", _YEAR.sub("", text))):
        found.add("quantity")
    return found & (set(vocabulary_concepts()) - {"list"})


def vocabulary_concepts() -> frozenset[str]:
    vocab = vocabulary()
    return frozenset(c for cs in vocab.english.values() for c in cs) | frozenset(
        c for _, cs in vocab.japanese for c in cs
    )


def name_keys(names: list[str]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """How ``names`` are matched in questions: Latin-script keys (Japanese names read in romaji)
    and folded Japanese names, each also shortened by a place kind ("Kanonji" for "Kanonji
    City", 観音寺 for 観音寺市) with priority 0 against 1 for the name as written."""
    vocab = vocabulary()
    latin: list[tuple[str, int]] = []
    japanese: list[tuple[str, int]] = []
    for name in names:
        if is_japanese(name):
            folded = fold(name)
            japanese.append((folded, 1))
            for kind in vocab.kinds_ja:
                if folded.endswith(kind) and len(folded) - len(kind) >= 2:
                    japanese.append((folded[: -len(kind)], 0))
            name = analyser().romaji(name)
        words = [w.casefold() for w in _WORDS.findall(name)]
        if not words:
            continue
        latin.append((latin_key("".join(words)), 1))
        short = list(words)
        while len(short) > 1 and latin_key(short[-1]) in vocab.kinds_en:
            short.pop()
        while len(short) > 1 and latin_key(short[0]) in vocab.kinds_en | {"of"}:
            short.pop(0)
        if short != words:
            latin.append((latin_key("".join(short)), 0))
    return list(dict.fromkeys(latin)), list(dict.fromkeys(japanese))


def _field_passages(city: City) -> list[PassageAnalysis]:
    relationship = _RELATIONSHIP_CONCEPT.get(city.relationship, "")
    planned = ("planned", "future") if city.planned else ()
    country_names = " ".join(countries.name(city.country, lang) for lang in ("en", "ja"))
    partner_of = f"{city.partner_of_en} {city.partner_of_ja}"
    return [
        PassageAnalysis(
            "since", "", 0, (str(city.since.year),), ("when", "agreement", relationship, *planned)
        ),
        PassageAnalysis(
            "region",
            "",
            0,
            content_terms(f"{city.region_en} {city.region_ja} {country_names}"),
            ("where",),
        ),
        PassageAnalysis("country", "", 0, content_terms(country_names), ("country",)),
        PassageAnalysis(
            "relationship",
            "",
            0,
            content_terms(partner_of),
            # It answers "is it a sister city?" whatever the kind: yes, or what it is instead.
            ("kind", "agreement", "sister", "friendship", "sister_state", *planned),
        ),
        PassageAnalysis(
            "links",
            "",
            0,
            content_terms(" ".join(f"{k.label_en} {k.label_ja}" for k in city.links)),
            ("link",),
        ),
    ]


def analyse_city(city: City) -> CityAnalysis:
    passages = _field_passages(city)
    for language in ("en", "ja"):
        texts = [("description", 0, city.description(language))]
        texts += [("fact", i, fact) for i, fact in enumerate(city.facts(language))]
        for kind, position, text in texts:
            if not text:
                continue
            concepts = text_concepts(text) | ({"describe"} if kind == "description" else set())
            passages.append(
                PassageAnalysis(
                    kind, language, position, content_terms(text), tuple(sorted(concepts))
                )
            )
    latin, japanese = name_keys(
        [city.name_en, city.slug.replace("-", " "), city.name_ja, *city.aliases]
    )
    return CityAnalysis(version(), tuple(latin), tuple(japanese), tuple(passages))


def passage_text(city: City, passage: PassageAnalysis, language: str) -> str:
    """A text passage as the asker should read it: in their language where the city's data
    has the same sentence in both (facts at the same place in two lists of the same length)."""
    if passage.kind == "description":
        return city.description(language) or city.description(passage.language)
    own = city.facts(passage.language)
    other = city.facts(language)
    if language != passage.language and len(own) == len(other):
        return other[passage.position]
    return own[passage.position]
