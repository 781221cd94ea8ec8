"""The association presets shipped in bot/presets/*.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.domain.cities import City, parse_cities
from bot.domain.settings import LANGUAGES


@dataclass(frozen=True)
class Preset:
    name: str
    association_en: str
    association_ja: str
    home_en: str
    home_ja: str
    cities: tuple[City, ...]
    language: str = "en"  # what a server starting on this preset posts in

    def home(self, language: str) -> str:
        return self.home_ja if language == "ja" else self.home_en

    def association(self, language: str) -> str:
        return self.association_ja if language == "ja" else self.association_en


def available() -> list[str]:
    folder = resources.files("bot.presets")
    return sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )


@cache
def load(name: str) -> Preset:
    if name not in available():
        raise KeyError(name)
    data = tomllib.loads((resources.files("bot.presets") / f"{name}.toml").read_text("utf-8"))
    language = data.get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"preset {name}: language must be one of {LANGUAGES}, not {language!r}")
    return Preset(
        name,
        data["name_en"],
        data["name_ja"],
        data["home_en"],
        data["home_ja"],
        tuple(parse_cities(data)),
        language,
    )
