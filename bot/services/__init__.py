"""Use cases. Each service takes the Database, calls db/ and bot.domain, and returns plain
results or raises bot.domain errors. No discord import here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.bot_state import BotStateService
from bot.services.cities import CityService
from bot.services.settings import SettingsService
from db.database import Database


@dataclass(frozen=True)
class Services:
    """Everything the cogs may call, built once per bot."""

    settings: SettingsService
    state: BotStateService
    cities: CityService

    @classmethod
    def build(cls, db: Database, default_preset: str) -> Services:
        settings = SettingsService(db, default_preset)
        return cls(settings=settings, state=BotStateService(db), cities=CityService(db, settings))
