"""Partner cities: the model, and the validation every preset and imported file goes through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.domain import countries
from bot.domain.errors import DomainError, Phrase, Term

RELATIONSHIPS = ("sister_city", "friendship_city", "sister_state")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SINCE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
URL = re.compile(r"^https?://[^\s]{3,300}$")
MAX_CITIES = 1_000


@dataclass(frozen=True)
class Since:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> Since | None:
        match = SINCE.match(text.strip())
        if match is None:
            return None
        year = int(match[1])
        month, day = (int(g) if g else None for g in match.groups()[1:])
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            return None
        return cls(year, month, day)

    def iso(self) -> str:
        return "-".join(f"{part:02d}" for part in (self.year, self.month, self.day) if part)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class Link:
    label_en: str
    label_ja: str
    url: str


@dataclass(frozen=True)
class City:
    slug: str
    name_en: str
    name_ja: str
    country: str
    region_en: str
    region_ja: str
    relationship: str
    since: Since
    description_en: str
    description_ja: str
    aliases: tuple[str, ...] = ()
    facts_en: tuple[str, ...] = ()
    facts_ja: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    subsidy_eligible: bool = True
    planned: bool = False
    # Whose partner this place is, when not the association's home city: Michigan is the sister
    # state of Shiga Prefecture, not of Kusatsu City. Empty means the home city's own partner.
    partner_of_en: str = ""
    partner_of_ja: str = ""
    order: int = 0

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en

    def other_name(self, language: str) -> str:
        """The name in the reader's other language, shown beside :meth:`name`."""
        return self.name_en if language == "ja" else self.name_ja

    def region(self, language: str) -> str:
        return self.region_ja if language == "ja" else self.region_en

    def description(self, language: str) -> str:
        return self.description_ja if language == "ja" else self.description_en

    def facts(self, language: str) -> tuple[str, ...]:
        return self.facts_ja if language == "ja" else self.facts_en

    def partner_of(self, language: str) -> str:
        return self.partner_of_ja if language == "ja" else self.partner_of_en

    @property
    def is_home_partner(self) -> bool:
        """The association's own partner (not a partner of its prefecture or state)."""
        return not (self.partner_of_en or self.partner_of_ja)

    def all_names(self) -> tuple[str, ...]:
        return (self.name_en, self.name_ja, self.slug, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """The file form (presets, export, import)."""
        return {
            "slug": self.slug,
            "name_en": self.name_en,
            "name_ja": self.name_ja,
            "aliases": list(self.aliases),
            "country": self.country,
            "region_en": self.region_en,
            "region_ja": self.region_ja,
            "relationship": self.relationship,
            "partner_of_en": self.partner_of_en,
            "partner_of_ja": self.partner_of_ja,
            "planned": self.planned,
            "since": self.since.iso(),
            "subsidy_eligible": self.subsidy_eligible,
            "description_en": self.description_en,
            "description_ja": self.description_ja,
            "facts_en": list(self.facts_en),
            "facts_ja": list(self.facts_ja),
            "links": [vars(link) for link in self.links],
        }


@dataclass(frozen=True)
class Association:
    """Who the data belongs to: the association, and the home city whose partners the cities are
    (unless a city says it is another's partner)."""

    name_en: str
    name_ja: str
    home_en: str
    home_ja: str
    home_country: str = "JP"

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en

    def home(self, language: str) -> str:
        return self.home_ja if language == "ja" else self.home_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "name_en": self.name_en,
            "name_ja": self.name_ja,
            "home_en": self.home_en,
            "home_ja": self.home_ja,
            "home_country": self.home_country,
        }


@dataclass(frozen=True)
class Problem:
    """One bad field in city data: where (``cities[2].since``), what kind, and a detail in the
    reader's language (a catalogue Term or Phrase, the allowed values, or the value found)."""

    field: str
    kind: str  # missing | type | format | value | country | length | duplicate
    detail: str | Term | Phrase | tuple[str, ...] = ""


class CityDataError(DomainError):
    key = "city.import.invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(count=len(problems))
        self.problems = problems


_TEXT_LIMITS = {
    "slug": 40,
    "name_en": 100,
    "name_ja": 100,
    "country": 2,
    "region_en": 200,
    "region_ja": 200,
    "relationship": 20,
    "partner_of_en": 100,
    "partner_of_ja": 100,
    "since": 10,
    "description_en": 1_500,
    "description_ja": 1_500,
}
_REQUIRED = (
    "slug", "name_en", "name_ja", "country", "relationship", "since",
    "home_en", "home_ja",
)  # fmt: skip
_ASSOCIATION_LIMITS = {"name_en": 200, "name_ja": 200, "home_en": 100, "home_ja": 100}
_LIST_LIMITS = {"aliases": (30, 100), "facts_en": (30, 400), "facts_ja": (30, 400)}


def _detail(name: str) -> Term:
    """What a reader is told about a bad field, in their language (city.import.detail.*)."""
    return Term(f"city.import.detail.{name}")


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, data: dict, name: str, where: str, limits: dict[str, int] = _TEXT_LIMITS) -> str:
        value = data.get(name, "")
        spot = f"{where}.{name}" if where else name
        if not isinstance(value, str):
            self.problems.append(Problem(spot, "type", _detail("text")))
            return ""
        value = value.strip()
        if name in _REQUIRED and not value:
            self.problems.append(Problem(spot, "missing"))
        elif len(value) > limits[name]:
            limit = Phrase("city.import.detail.characters", {"count": limits[name]})
            self.problems.append(Problem(spot, "length", limit))
        return value

    def texts(self, data: dict, name: str, where: str) -> tuple[str, ...]:
        value = data.get(name, [])
        count, length = _LIST_LIMITS[name]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(Problem(f"{where}.{name}", "type", _detail("texts")))
            return ()
        if len(value) > count or any(len(v) > length for v in value):
            limit = Phrase("city.import.detail.items", {"count": count, "length": length})
            self.problems.append(Problem(f"{where}.{name}", "length", limit))
        return tuple(v.strip() for v in value if v.strip())

    def flag(self, data: dict, name: str, where: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.problems.append(Problem(f"{where}.{name}", "type", _detail("flag")))
            return default
        return value


def parse_city(data: Any, where: str, order: int, checker: _Checker) -> City | None:
    if not isinstance(data, dict):
        checker.problems.append(Problem(where, "type", _detail("table")))
        return None
    before = len(checker.problems)
    values = {name: checker.text(data, name, where) for name in _TEXT_LIMITS}
    lists = {name: checker.texts(data, name, where) for name in _LIST_LIMITS}
    if values["slug"] and not SLUG.match(values["slug"]):
        checker.problems.append(Problem(f"{where}.slug", "format", _detail("slug")))
    country = values["country"].upper()
    if country and not countries.is_country(country):
        checker.problems.append(Problem(f"{where}.country", "country", country[:10]))
    if values["relationship"] and values["relationship"] not in RELATIONSHIPS:
        checker.problems.append(Problem(f"{where}.relationship", "value", RELATIONSHIPS))
    since = Since.parse(values["since"]) if values["since"] else None
    if values["since"] and since is None:
        checker.problems.append(Problem(f"{where}.since", "format", _detail("since")))
    links = []
    raw_links = data.get("links", [])
    if not isinstance(raw_links, list) or len(raw_links) > 5:
        checker.problems.append(Problem(f"{where}.links", "type", _detail("links")))
        raw_links = []
    for index, link in enumerate(raw_links):
        spot = f"{where}.links[{index}]"
        if not isinstance(link, dict) or not all(
            isinstance(link.get(k), str) and 0 < len(link[k]) <= 300
            for k in ("label_en", "label_ja", "url")
        ):
            checker.problems.append(Problem(spot, "type", _detail("link")))
        elif not URL.match(link["url"]):
            checker.problems.append(Problem(f"{spot}.url", "format", _detail("url")))
        else:
            links.append(Link(link["label_en"], link["label_ja"], link["url"]))
    subsidy = checker.flag(data, "subsidy_eligible", where, True)
    planned = checker.flag(data, "planned", where, False)
    if len(checker.problems) > before or since is None:
        return None
    return City(
        slug=values["slug"],
        name_en=values["name_en"],
        name_ja=values["name_ja"],
        country=country,
        region_en=values["region_en"],
        region_ja=values["region_ja"],
        relationship=values["relationship"],
        partner_of_en=values["partner_of_en"],
        partner_of_ja=values["partner_of_ja"],
        since=since,
        description_en=values["description_en"],
        description_ja=values["description_ja"],
        aliases=lists["aliases"],
        facts_en=lists["facts_en"],
        facts_ja=lists["facts_ja"],
        links=tuple(links),
        subsidy_eligible=subsidy,
        planned=planned,
        order=order,
    )


def _parse_association(data: dict, checker: _Checker) -> Association | None:
    before = len(checker.problems)
    values = {
        name: checker.text(data, name, "", _ASSOCIATION_LIMITS) for name in _ASSOCIATION_LIMITS
    }
    home_country = data.get("home_country", "JP")
    if not isinstance(home_country, str) or not countries.is_country(home_country.upper()):
        checker.problems.append(Problem("home_country", "country", str(home_country)[:10]))
        home_country = "JP"
    if len(checker.problems) > before:
        return None
    return Association(
        name_en=values["name_en"],
        name_ja=values["name_ja"],
        home_en=values["home_en"],
        home_ja=values["home_ja"],
        home_country=home_country.upper(),
    )


def parse_file(data: Any) -> tuple[Association, list[City]]:
    """Validate a whole file (a preset, an export, an import): the association it belongs to and
    its cities. Raise :class:`CityDataError` listing every bad field."""
    checker = _Checker()
    if not isinstance(data, dict):
        raise CityDataError([Problem("file", "type", "table")])
    association = _parse_association(data, checker)
    cities = _parse_cities(data, checker)
    if association is None:
        raise CityDataError(checker.problems)
    return association, cities


def parse_cities(data: Any) -> list[City]:
    """Validate a file's ``cities`` alone (as stored, one row a city)."""
    return _parse_cities(data, _Checker())


def _parse_cities(data: Any, checker: _Checker) -> list[City]:
    raw = data.get("cities") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CityDataError([*checker.problems, Problem("cities", "missing")])
    if len(raw) > MAX_CITIES:
        limit = Phrase("city.import.detail.cities", {"count": MAX_CITIES})
        raise CityDataError([*checker.problems, Problem("cities", "length", limit)])
    cities = [parse_city(item, f"cities[{i}]", i + 1, checker) for i, item in enumerate(raw)]
    seen: set[str] = set()
    for index, city in enumerate(cities):
        if city is not None:
            if city.slug in seen:
                checker.problems.append(Problem(f"cities[{index}].slug", "duplicate", city.slug))
            seen.add(city.slug)
    if checker.problems:
        raise CityDataError(checker.problems)
    return [c for c in cities if c is not None]
