"""The association presets shipped in bot/presets/*.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.domain.cities import Association, City, parse_file


@dataclass(frozen=True)
class Preset:
    name: str
    association: Association
    cities: tuple[City, ...]


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
    association, cities = parse_file(data)
    return Preset(name, association, tuple(cities))
