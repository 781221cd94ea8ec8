"""The association presets shipped in bot/presets/*.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.domain.cities import Association, City, parse_file
from bot.domain.settings import LANGUAGES


@dataclass(frozen=True)
class Preset:
    name: str
    association: Association
    cities: tuple[City, ...]
    language: str = "en"  # what a server starting on this preset posts in


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
    association, cities = parse_file(data)
    return Preset(name, association, tuple(cities), language)
