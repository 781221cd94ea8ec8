"""/city ask: understand a free-text question about the partner cities, and answer it from the
city data only. The answer names the field or fact it used; nothing is ever made up.

:func:`understand` answers what the structured fields can (dates, places, kinds, links, counts,
oldest / newest, cities in a country) and otherwise asks for a full-text search over the facts,
optionally limited to the cities the question names; :func:`from_fact` turns the best fact found
into the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.cities import City
from bot.domain.city_matching import NameIndex
from bot.domain.text import fold

PARTNERSHIPS = ("sister_city", "friendship_city")

_INTENTS: list[tuple[str, str]] = [
    (
        "link",
        r"web ?site|home ?page|official site|\burl\b|\blinks?\b|ホームページ|公式サイト|サイト|\bhp\b",  # noqa: E501
    ),
    ("subsidy", r"subsid|grant|補助|助成"),
    ("years", r"how many years|how long|何年にな|何周年|何年間|何年経|何年目"),
    ("count", r"how many|number of|いくつ|何都市|何か所|何箇所|何市町|数は"),
    ("oldest", r"oldest|first|earliest|longest|最も古|一番古|いちばん古|最古|最初"),
    ("newest", r"newest|latest|most recent|youngest|最も新し|一番新し|いちばん新し|最新|最近"),
    ("country", r"which country|what country|\bcountry\b|どこの国|どの国|何国|国は"),
    ("since", r"\bwhen\b|what year|which year|\bsince\b|いつ|何年|何月"),
    (
        "location",
        r"\bwhere\b|located|location|which (?:prefecture|state|region|county)|どこ|場所|位置|何県|どの県|何州",  # noqa: E501
    ),
    (
        "relationship",
        r"what kind|what type|relationship|relation\b|kind of|type of|sister or friendship|関係|種類|どんな提携|姉妹都市ですか|友好都市ですか",  # noqa: E501
    ),
    ("sister_list", r"sister cit|姉妹都市"),
    ("friendship_list", r"friendship|友好"),
    ("state", r"sister state|姉妹州"),
    (
        "describe",
        r"famous|known for|tell me about|what is .* like|describe|symbol|有名|特徴|シンボル|どんな(?:町|街|市|所|ところ|都市)|について教え|紹介",  # noqa: E501
    ),
    (
        "origin",
        r"\bwhy\b|how did .*(?:begin|start)|reason|began|きっかけ|なぜ|どうして|理由|始まり",
    ),
]
# Patterns are folded like the questions (katakana as hiragana), so サイト matches さいと.
_COMPILED = [(name, re.compile(fold(pattern))) for name, pattern in _INTENTS]


@dataclass(frozen=True)
class Answer:
    """What to say (a catalogue key and its values) and where it came from."""

    key: str
    source: str  # catalogue key naming the field or kind of fact used
    city: City | None = None
    cities: tuple[City, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NeedsSearch:
    """Nothing structured fits: search the facts (of these cities, or of all when empty)."""

    cities: tuple[City, ...]
    describe: bool = False  # a "tell me about" question: the description answers it
    origin: bool = False  # "why" / "how did it begin": the bare agreement date is no answer


def intents(question: str) -> set[str]:
    folded = fold(question)
    return {name for name, pattern in _COMPILED if pattern.search(folded)}


def _partners(cities: list[City]) -> list[City]:
    return [c for c in cities if c.relationship in PARTNERSHIPS and not c.planned]


def understand(question: str, index: NameIndex, today: date) -> Answer | NeedsSearch:
    wanted = intents(question)
    named = index.mentioned(question)
    countries = index.mentioned_countries(question)
    city = named[0] if len(named) == 1 else None
    partners = _partners(index.cities)

    if city is not None:
        if "link" in wanted:
            return Answer("ask.link" if city.links else "ask.no_link", "ask.source.links", city)
        if "subsidy" in wanted:
            key = "ask.subsidy_yes" if city.subsidy_eligible else "ask.subsidy_no"
            return Answer(key, "ask.source.subsidy", city)
        if "years" in wanted:
            years = (
                today.year
                - city.since.year
                - ((today.month, today.day) < (city.since.month or 1, city.since.day or 1))
            )
            return Answer("ask.years", "ask.source.since", city, values={"years": years})
        if "since" in wanted and not wanted & {"location", "country"}:
            return Answer("ask.planned" if city.planned else "ask.since", "ask.source.since", city)
        if "country" in wanted:
            return Answer("ask.country", "ask.source.country", city)
        if "location" in wanted:
            return Answer("ask.location", "ask.source.region", city)
        if "relationship" in wanted or (
            wanted & {"sister_list", "friendship_list", "state"}
            and (not wanted - {"sister_list", "friendship_list", "state"})
        ):
            return Answer("ask.relationship", "ask.source.relationship", city)
        return NeedsSearch((city,), describe="describe" in wanted, origin="origin" in wanted)

    pool = named if len(named) > 1 and wanted & {"since", "oldest", "newest"} else partners
    if "oldest" in wanted and pool:
        first = min(pool, key=lambda c: c.since.sort_key())
        return Answer("ask.oldest", "ask.source.since", first)
    if "newest" in wanted and pool:
        last = max(pool, key=lambda c: c.since.sort_key())
        return Answer("ask.newest", "ask.source.since", last)
    if countries:
        inside = tuple(c for c in index.cities if c.country == countries[0] and not c.planned)
        return Answer(
            "ask.in_country" if inside else "ask.none_in_country",
            "ask.source.country",
            cities=inside,
            values={"country": countries[0]},
        )
    if "state" in wanted:
        states = tuple(c for c in index.cities if c.relationship == "sister_state")
        if states:
            return Answer(
                "ask.by_relationship",
                "ask.source.relationship",
                cities=states,
                values={"relationship": "sister_state"},
            )
    if "count" in wanted:
        return Answer(
            "ask.count", "ask.source.list", cities=tuple(partners), values={"count": len(partners)}
        )
    for kind in ("sister_city", "friendship_city"):
        if f"{kind.split('_')[0]}_list" in wanted and "relationship" not in wanted:
            chosen = tuple(c for c in partners if c.relationship == kind)
            return Answer(
                "ask.by_relationship",
                "ask.source.relationship",
                cities=chosen,
                values={"relationship": kind},
            )
    if len(named) > 1:
        return NeedsSearch(tuple(named))
    return NeedsSearch(())


def from_fact(city: City, fact: str) -> Answer:
    return Answer("ask.fact", "ask.source.fact", city, values={"fact": fact})
