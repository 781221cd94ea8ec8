"""/city ask: a question in, an answer from the server's data out, or "not found".

Three kinds of answer, tried in this order:
1. the association's program (amount, who may receive it, report length, deadline, whether a
   city's subsidy is still open): answered by the service from the server's settings and ledger;
2. computed answers, where computing is honest: two cities' dates compared, the oldest or newest
   partnership, how many partners, and which partners are in a country, abroad, of a kind or
   from a year, from the structured fields;
3. retrieval: the passage (a fact or description sentence, or a field rendered as a sentence)
   that covers most of what the question asks, weighed by how rare each term is; below
   :data:`CONFIDENCE` nothing is answered.

A question that names a city is answered from that city's passages only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.ask.index import CityIndex, Passage, Reading
from bot.domain.ask.passages import passage_text
from bot.domain.ask.vocabulary import PRIMARY, ROUTING
from bot.domain.cities import City

CONFIDENCE = 0.5  # share of what the question asks that the best passage must cover
PRIMARY_WEIGHT = 3.0
CONCEPT_WEIGHT = 1.0
FOCUS = 2.0  # with no question word, the first thing a question names is what it asks about
RELATIONSHIPS = {"sister": "sister_city", "friendship": "friendship_city"}


@dataclass(frozen=True)
class Answer:
    """A sentence to say (catalogue key and values) and where it came from."""

    key: str
    source: str
    city: City | None = None
    cities: tuple[City, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """Which partners a computed list or count is about."""

    relationship: str | None = None
    country: str | None = None
    outside: bool = False  # partners outside ``country``
    year: int | None = None


@dataclass(frozen=True)
class Program:
    """A question about the association's program, answered from the server's settings and
    ledger: amount | eligibility | length | deadline | standing (of ``city``)."""

    kind: str
    city: City | None = None


@dataclass(frozen=True)
class NotFound:
    suggestions: tuple[City, ...]


def answer(
    index: CityIndex, question: str, language: str, today: date
) -> Answer | Program | NotFound:
    reading = index.read(question)
    concepts = reading.concepts
    if "duration" in concepts and concepts & {"agreement", "sister", "friendship", "sister_state"}:
        concepts.add("years")
    if "years" in concepts:
        concepts.discard("when")
    if "why" in concepts:  # "how did the relationship start": the noun asks no kind
        concepts.discard("kind")
    if "link" in concepts:  # "where can I find the website"
        concepts.discard("where")
    program = _program(reading)
    if program is not None:
        return program
    if len(reading.cities) >= 2 and concepts & {"earlier", "oldest", "newest", "later"}:
        newest = bool(concepts & {"newest", "later"}) and not concepts & {"oldest", "earlier"}
        return _compare(reading.cities, newest=newest)
    if not reading.cities:
        computed = _computed(index, reading)
        if computed is not None:
            return computed
    elif "years" in concepts:
        return _years(reading.cities[0], today)
    return _retrieve(index, reading, language)


# ---------------------------------------------------------------------- the program
def _program(reading: Reading) -> Program | None:
    concepts = reading.concepts
    subsidy = "subsidy" in concepts
    report = "report" in concepts
    if subsidy and reading.cities:
        return Program("standing", reading.cities[0])
    if report and concepts & {"length", "quantity", "years", "duration"}:
        return Program("length")
    if "deadline" in concepts and (report or subsidy or not reading.cities):
        return Program("deadline")
    if subsidy and "amount" in concepts and "eligible" not in concepts:
        return Program("amount")
    if subsidy:
        return Program("eligibility")
    return None


# ---------------------------------------------------------------------- computed answers
def _compare(cities: list[City], newest: bool) -> Answer:
    first, second = cities[0], cities[1]
    if first.since.sort_key() == second.since.sort_key():
        return Answer("ask.same_date", "ask.source.since", first, (first, second))
    ordered = sorted((first, second), key=lambda c: c.since.sort_key(), reverse=newest)
    key = "ask.later" if newest else "ask.earlier"
    return Answer(key, "ask.source.since", ordered[0], (ordered[0], ordered[1]))


def _years(city: City, today: date) -> Answer:
    if city.planned:
        return Answer("ask.planned", "ask.source.since", city)
    since = city.since
    years = (
        today.year - since.year - ((today.month, today.day) < (since.month or 1, since.day or 1))
    )
    return Answer("ask.years", "ask.source.since", city, values={"years": years})


def _scope(index: CityIndex, reading: Reading) -> Scope | None:
    concepts = reading.concepts
    named = [RELATIONSHIPS[c] for c in RELATIONSHIPS if c in concepts]
    relationship = named[0] if len(named) == 1 else None  # both kinds: every partner
    if "sister_state" in concepts:
        relationship = "sister_state"
    home = index.association.home_country
    country = reading.countries[0] if reading.countries else None
    outside = False
    if "overseas" in concepts:  # abroad, or "outside <country>"
        country, outside = country or home, True
    elif "domestic" in concepts and country is None:
        country = home
    year = reading.years[0] if reading.years and "agreement" in concepts else None
    if relationship is None and country is None and year is None:
        return None
    return Scope(relationship, country, outside, year)


def _in_scope(city: City, scope: Scope) -> bool:
    if scope.relationship == "sister_state":
        if city.relationship != "sister_state":
            return False
    elif not city.is_home_partner or (
        scope.relationship is not None and city.relationship != scope.relationship
    ):
        return False
    if scope.country is not None and (city.country == scope.country) == scope.outside:
        return False
    return scope.year is None or city.since.year == scope.year


def _computed(index: CityIndex, reading: Reading) -> Answer | None:
    concepts = reading.concepts
    scope = _scope(index, reading)
    wanted = concepts & {"oldest", "newest", "count"}
    # With no city named, "where" asks which ones: 姉妹都市はどこですか.
    if not wanted and (scope is None or not concepts & {"list", "agreement", "where"}):
        return None
    if set(reading.terms) - {str(scope.year) if scope else ""}:
        return None  # it names something the fields do not hold: not a question about them
    chosen = [c for c in index.cities if _in_scope(c, scope or Scope())]
    current = [c for c in chosen if not c.planned]
    if "years" in concepts:
        return None
    if wanted & {"oldest", "newest"} and "count" not in wanted:
        if not current:
            return Answer("ask.list_none", "ask.source.list", values={"scope": scope or Scope()})
        if "oldest" in concepts:
            return Answer("ask.oldest", "ask.source.since", min(current, key=_since))
        return Answer("ask.newest", "ask.source.since", max(current, key=_since))
    values = {"scope": scope or Scope(), "count": len(current)}
    if not chosen:
        return Answer("ask.list_none", "ask.source.list", values=values)
    if scope is not None and scope.relationship == "sister_state":
        # Named, not counted: a state is no 都市, and the count would be of one or two.
        return Answer("ask.list_state", "ask.source.list", cities=tuple(chosen), values=values)
    key = "ask.count" if "count" in wanted else "ask.list"
    return Answer(key, "ask.source.list", cities=tuple(chosen), values=values)


def _since(city: City) -> tuple[int, int, int]:
    return city.since.sort_key()


# ---------------------------------------------------------------------- retrieval
def _retrieve(index: CityIndex, reading: Reading, language: str) -> Answer | NotFound:
    concepts = reading.concepts - ROUTING
    wanted = {c: PRIMARY_WEIGHT if c in PRIMARY else CONCEPT_WEIGHT for c in concepts}
    if reading.countries and len(reading.cities) == 1:  # "is <city> in <country>?"
        wanted.setdefault("country", CONCEPT_WEIGHT)
    terms = {t: index.weight(t) for t in reading.terms}
    if reading.terms and not concepts & PRIMARY:
        terms[reading.terms[0]] *= FOCUS
    total = sum(wanted.values()) + sum(terms.values())
    text_language = "ja" if reading.japanese else "en"
    if total == 0:
        if len(reading.cities) == 1 and _bare(reading):  # "Pontiac?": what the data says of it
            return _describe(reading.cities[0], language)
        return NotFound(tuple(reading.cities[:3]))
    primary = concepts & PRIMARY
    best: tuple[float, int, float] | None = None
    best_passage: Passage | None = None
    for i in index.candidates(reading.cities, list(terms)):
        passage = index.passages[i]
        if passage.language and passage.language != text_language:
            continue
        if primary and not primary & passage.concepts:
            continue
        if "future" in concepts and "future" not in passage.concepts:
            continue
        matched = sum(w for c, w in wanted.items() if c in passage.concepts)
        matched += sum(w for t, w in terms.items() if t in passage.terms)
        if matched == 0:
            continue
        own = len(passage.terms) + len(passage.concepts)
        rank = (matched / total, 1 if not passage.language else 0, -own)
        if best is None or rank > best:
            best, best_passage = rank, passage
    if best is None or best_passage is None or best[0] < CONFIDENCE:
        return NotFound(tuple(reading.cities[:3]) or _closest(index, reading))
    return _from_passage(best_passage, language)


# Words that make a name a question about the place itself: "What is Dalian?", "伊達市とは？".
_DEFINING = frozenset(
    {"what", "whats", "what's", "is", "are", "tell", "me", "about", "the", "a", "it", "and",
     "とは", "って", "は", "何", "なに", "ですか", "です", "か"}
)  # fmt: skip


def _bare(reading: Reading) -> bool:
    """Whether the question is a city's name and nothing more than asks what it is."""
    rest = reading.text.casefold()
    for city in reading.cities:
        for name in sorted(city.all_names(), key=len, reverse=True):
            rest = rest.replace(name.casefold(), " ")
    words = re.findall(r"[a-z']+|[^\sa-z'?？!！.。、,]+", rest)
    return all(word in _DEFINING for word in words)


def _closest(index: CityIndex, reading: Reading) -> tuple[City, ...]:
    """The cities whose passages share most with the question (for "not found")."""
    counts: dict[str, int] = {}
    for term in reading.terms:
        for i in index.postings.get(term, ()):
            slug = index.passages[i].city.slug
            counts[slug] = counts.get(slug, 0) + 1
    by_slug = {c.slug: c for c in index.cities}
    return tuple(by_slug[s] for s, _ in sorted(counts.items(), key=lambda i: -i[1])[:3])


def _describe(city: City, language: str) -> Answer:
    text = city.description(language) or city.description("en" if language == "ja" else "ja")
    return Answer("ask.fact", "ask.source.description", city, values={"fact": text})


def _from_passage(passage: Passage, language: str) -> Answer:
    city = passage.city
    kind = passage.kind
    if kind in ("since", "relationship"):
        if city.planned:
            return Answer("ask.planned", f"ask.source.{kind}", city)
        if kind == "since" and city.since.day is not None:
            return Answer("ask.since_day", "ask.source.since", city)
        return Answer(f"ask.{kind}", f"ask.source.{kind}", city)
    if kind == "region":
        return Answer("ask.location", "ask.source.region", city)
    if kind == "country":
        return Answer("ask.country", "ask.source.country", city)
    if kind == "links":
        return Answer("ask.link" if city.links else "ask.no_link", "ask.source.links", city)
    text = passage_text(city, passage.analysis, language)
    return Answer("ask.fact", f"ask.source.{kind}", city, values={"fact": text})
