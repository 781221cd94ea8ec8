"""/city ask as a use case: the city data's answer (bot.domain.ask), and questions about the
association's program answered from the server's own settings and subsidy ledger."""

from __future__ import annotations

from datetime import date

from bot.domain.ask.answers import Answer, NotFound, Program
from bot.services.cities import CityService
from bot.services.settings import SettingsService
from bot.services.subsidy import SubsidyService


class QuestionService:
    def __init__(
        self, cities: CityService, settings: SettingsService, subsidy: SubsidyService
    ) -> None:
        self._cities = cities
        self._settings = settings
        self._subsidy = subsidy

    async def ask(
        self, guild_id: int, question: str, language: str, today: date
    ) -> Answer | NotFound:
        found = await self._cities.ask(guild_id, question, language, today)
        if isinstance(found, Program):
            return await self._program(guild_id, found)
        return found

    async def _program(self, guild_id: int, question: Program) -> Answer:
        settings = await self._settings.get(guild_id)
        if question.kind == "standing" and question.city is not None:
            year = await self._subsidy.fiscal_year(guild_id)
            standing = await self._subsidy.standing(guild_id, question.city, year)
            return Answer(
                "ask.standing", "ask.source.ledger", question.city, values={"standing": standing}
            )
        if question.kind == "length":
            values = {"min": settings.report_min_units, "max": settings.report_max_units}
            return Answer("ask.length", "ask.source.rules", values=values)
        if question.kind == "deadline":
            days = settings.report_deadline_days
            key = "ask.deadline" if days else "ask.deadline_none"
            return Answer(key, "ask.source.rules", values={"days": days or 0})
        association = await self._cities.association(guild_id)
        key = "ask.amount" if question.kind == "amount" else "ask.eligibility"
        values = {"amount": f"{settings.subsidy_amount_yen:,}", "association": association}
        return Answer(key, "ask.source.rules", values=values)
