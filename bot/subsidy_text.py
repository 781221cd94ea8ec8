"""How a city's subsidy standing reads, shared by /subsidy check and /city info."""

from __future__ import annotations

from bot.domain import subsidy as rules
from bot.domain.dates import Span
from bot.i18n import t
from bot.interactions import Speaker
from bot.services.subsidy import Standing
from db.ledger import Grant


def payee(language: str, grant: Grant) -> str:
    """Whom the office pays: the member's name and membership number, as the registry has them
    ("former member" once their data was erased)."""
    if grant.member_forgotten:
        return t(language, "member.name.former")
    name = grant.member_name or t(language, "member.name.none")
    if not grant.member_number:
        return name
    return t(language, "member.name.with_number", name=name, number=grant.member_number)


def standing_text(say: Speaker, standing: Standing, viewer: int | None) -> str:
    """The standing, and to ``viewer`` (who asked) the reason their own report was approved
    without the subsidy: a reason is told to its report's author only."""
    text = _outcome_text(say, standing)
    if standing.waived:
        text += "\n" + say("subsidy.check.waived", count=len(standing.waived))
    for waived in standing.waived:
        if waived.user_id == viewer:
            text += "\n" + say(
                "subsidy.check.waived_mine", id=waived.report_id, reason=waived.reason
            )
    return text


def _outcome_text(say: Speaker, standing: Standing) -> str:
    year = say(
        "subsidy.year", year=standing.year.year, span=Span(standing.year.start, standing.year.end)
    )
    if not standing.city.subsidy_eligible:
        return say("subsidy.check.not_eligible", city=standing.city, year=year)
    outcome = standing.outcome
    if outcome.state == rules.GRANTED and outcome.candidate is not None:
        return say(
            "subsidy.check.granted",
            city=standing.city,
            year=year,
            user=f"<@{outcome.candidate.user_id}>",
            id=outcome.candidate.report_id,
        )
    return say(f"subsidy.check.{outcome.state}", city=standing.city, year=year)
