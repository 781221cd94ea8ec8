"""Partner cities: the model, and the validation every preset and imported file goes through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.domain.errors import DomainError, Phrase, Term

RELATIONSHIPS = ("sister_city", "friendship_city", "sister_state")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SINCE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
URL = re.compile(r"^https?://[^\s]{3,300}$")
MAX_CITIES = 1_000

# Countries by ISO code: English name, Japanese name, other ways people write them.
COUNTRIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "JP": ("Japan", "日本", ("japanese", "にほん", "にっぽん", "国内", "domestic")),
    "US": (
        "the United States",
        "アメリカ合衆国",
        ("united states", "usa", "u.s.", "u.s.a.", "america", "american", "アメリカ", "米国"),
    ),
    "CN": ("China", "中国", ("chinese", "prc", "ちゅうごく", "中華人民共和国")),
    "KR": ("South Korea", "韓国", ("korea", "korean", "かんこく", "大韓民国")),
    "TW": ("Taiwan", "台湾", ("taiwanese", "たいわん")),
    "CA": ("Canada", "カナダ", ("canadian",)),
    "AU": ("Australia", "オーストラリア", ("australian", "豪州")),
    "NZ": ("New Zealand", "ニュージーランド", ()),
    "GB": ("the United Kingdom", "イギリス", ("uk", "britain", "england", "英国")),
    "FR": ("France", "フランス", ("french",)),
    "DE": ("Germany", "ドイツ", ("german",)),
    "IT": ("Italy", "イタリア", ("italian",)),
    "BR": ("Brazil", "ブラジル", ("brazilian",)),
    "MX": ("Mexico", "メキシコ", ("mexican",)),
}


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
    order: int = 0

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en

    def region(self, language: str) -> str:
        return self.region_ja if language == "ja" else self.region_en

    def description(self, language: str) -> str:
        return self.description_ja if language == "ja" else self.description_en

    def facts(self, language: str) -> tuple[str, ...]:
        return self.facts_ja if language == "ja" else self.facts_en

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
class Problem:
    """One bad field in city data: where (``cities[2].since``), what kind, and a detail in the
    reader's language (a catalogue Term or Phrase, the allowed values, or the value found)."""

    field: str
    kind: str  # missing | type | format | value | length | duplicate
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
    "since": 10,
    "description_en": 1_500,
    "description_ja": 1_500,
}
_REQUIRED = ("slug", "name_en", "name_ja", "country", "relationship", "since")
_LIST_LIMITS = {"aliases": (30, 100), "facts_en": (30, 400), "facts_ja": (30, 400)}


def _detail(name: str) -> Term:
    """What a reader is told about a bad field, in their language (city.import.detail.*)."""
    return Term(f"city.import.detail.{name}")


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, data: dict, name: str, where: str) -> str:
        value = data.get(name, "")
        if not isinstance(value, str):
            self.problems.append(Problem(f"{where}.{name}", "type", _detail("text")))
            return ""
        value = value.strip()
        if name in _REQUIRED and not value:
            self.problems.append(Problem(f"{where}.{name}", "missing"))
        elif len(value) > _TEXT_LIMITS[name]:
            limit = Phrase("city.import.detail.characters", {"count": _TEXT_LIMITS[name]})
            self.problems.append(Problem(f"{where}.{name}", "length", limit))
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
    if country and country not in COUNTRIES:
        checker.problems.append(Problem(f"{where}.country", "value", tuple(COUNTRIES)))
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


def parse_cities(data: Any) -> list[City]:
    """Validate a whole file's ``cities``; raise :class:`CityDataError` listing every bad field."""
    checker = _Checker()
    raw = data.get("cities") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CityDataError([Problem("cities", "missing")])
    if len(raw) > MAX_CITIES:
        limit = Phrase("city.import.detail.cities", {"count": MAX_CITIES})
        raise CityDataError([Problem("cities", "length", limit)])
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
