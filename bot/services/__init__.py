"""Use cases. Each service takes the Database, calls db/ and bot.domain, and returns plain
results or raises bot.domain errors. No discord import here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.clock import Clock
from bot.services.backups import BackupService
from bot.services.bot_state import BotStateService
from bot.services.cities import CityService
from bot.services.members import MemberService
from bot.services.outbox import OutboxService
from bot.services.questions import QuestionService
from bot.services.reports import ReportService
from bot.services.settings import SettingsService
from bot.services.subsidy import SubsidyService
from bot.services.trips import TripService
from db.database import Database


@dataclass(frozen=True)
class Services:
    """Everything the cogs may call, built once per bot."""

    clock: Clock
    settings: SettingsService
    state: BotStateService
    cities: CityService
    questions: QuestionService
    outbox: OutboxService
    members: MemberService
    trips: TripService
    reports: ReportService
    subsidy: SubsidyService
    backups: BackupService

    @classmethod
    def build(cls, db: Database, config: Settings, clock: Clock | None = None) -> Services:
        clock = clock or Clock()
        settings = SettingsService(db, config.default_preset)
        cities = CityService(db, settings)
        outbox = OutboxService(db, clock)
        subsidy = SubsidyService(db, settings, cities, outbox, clock)
        members = MemberService(db, settings, outbox, subsidy, clock)
        trips = TripService(db, settings, cities, members, clock)
        return cls(
            clock=clock,
            settings=settings,
            state=BotStateService(db),
            cities=cities,
            questions=QuestionService(cities, settings, subsidy),
            outbox=outbox,
            members=members,
            trips=trips,
            reports=ReportService(db, settings, trips, members, outbox, subsidy, clock),
            subsidy=subsidy,
            backups=BackupService(
                config.database_path, config.backup_folder, config.backup_keep, clock
            ),
        )
