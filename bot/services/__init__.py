"""Use cases. Each service takes the Database, calls db/ and bot.domain, and returns plain
results or raises bot.domain errors. No discord import here.

The shape of database access, everywhere: a method without a ``conn`` parameter is a use case
and opens one unit of work (``Database.read`` or ``Database.transaction``); a function or method
with a ``conn`` parameter runs inside the caller's unit of work and never opens another. Calling
a use case from inside a unit of work would wait on itself; it raises ``NestedUnitOfWork`` at
once instead, cached reads included. State changes with consequences go through
bot.services.transitions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.clock import Clock
from bot.services.backups import BackupService
from bot.services.bot_state import BotStateService
from bot.services.cities import CityService
from bot.services.languages import LanguageService
from bot.services.members import MemberService
from bot.services.outbox import OutboxService
from bot.services.questions import QuestionService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.settings import SettingsService
from bot.services.subsidy import SubsidyService
from bot.services.transitions import Transitions
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
    reminders: ReminderService
    backups: BackupService
    languages: LanguageService

    @classmethod
    def build(cls, db: Database, config: Settings, clock: Clock | None = None) -> Services:
        clock = clock or Clock()
        settings = SettingsService(db, config.default_preset)
        cities = CityService(db, settings)
        outbox = OutboxService(db, clock)
        transitions = Transitions(settings, outbox, clock)
        settings.on_deadline_change(transitions.deadline_changed)
        trips = TripService(db, settings, cities, transitions, clock)
        subsidy = SubsidyService(db, settings, cities, transitions, clock)
        return cls(
            clock=clock,
            settings=settings,
            state=BotStateService(db),
            cities=cities,
            questions=QuestionService(cities, settings, subsidy),
            outbox=outbox,
            members=MemberService(db, settings, transitions, clock),
            trips=trips,
            reports=ReportService(db, settings, trips, transitions, outbox, clock, cities),
            subsidy=subsidy,
            reminders=ReminderService(db, settings, trips, outbox, clock),
            backups=BackupService(
                config.database_path, config.backup_folder, config.backup_keep, clock
            ),
            languages=LanguageService(db, settings, clock),
        )
