"""The line for a city's subsidy in a fiscal year, read inside a caller's unit of work.

The rule itself is the pure bot.domain.subsidy.holder; these functions read the reports it
judges (with their authors' membership on the days that count) and hand them to it.
"""

from __future__ import annotations

from datetime import datetime, time

from bot.domain import subsidy as rules
from bot.domain.clock import TOKYO
from bot.domain.fiscal import FiscalYear
from bot.domain.membership import member_on
from bot.domain.subsidy import Candidate, Outcome
from db import ledger, members
from db.database import Connection
from db.ledger import Entry

HOLDER_BATCH = 4


async def holder(conn: Connection, guild_id: int, city_id: int, year: FiscalYear) -> Outcome:
    """The rule applied to the line read a part at a time, in submission order: the holder is
    nearly always among the first few, and a busy city's year can have hundreds."""
    voided = await ledger.voided_reports(conn, guild_id, city_id, year.year)
    # A report is written once its trip is over, so one on a trip that started in the year was
    # first submitted on or after the year's first day: the index starts there.
    since = datetime.combine(year.start, time(), TOKYO)
    offset = 0
    while True:
        found = await ledger.standing_in_line(
            conn, guild_id, city_id, year.start, year.end, since, HOLDER_BATCH, offset
        )
        outcome = rules.holder(await _as_candidates(conn, guild_id, found, voided))
        if outcome.state != rules.OPEN or len(found) < HOLDER_BATCH:
            return outcome
        offset += HOLDER_BATCH


async def candidates(
    conn: Connection, guild_id: int, city_id: int, year: FiscalYear
) -> list[Candidate]:
    """The whole line, for /subsidy mine (which says how many are ahead)."""
    found = await ledger.entries(conn, guild_id, city_id, year.start, year.end)
    voided = await ledger.voided_reports(conn, guild_id, city_id, year.year)
    return await _as_candidates(conn, guild_id, found, voided)


async def _as_candidates(
    conn: Connection, guild_id: int, found: list[Entry], voided: set[int]
) -> list[Candidate]:
    periods = await members.periods_of(conn, guild_id, (e.user_id for e in found))
    result = []
    for e in found:
        submitted_on = e.first_submitted_at.astimezone(TOKYO).date()
        result.append(
            Candidate(
                report_id=e.report_id,
                trip_id=e.trip_id,
                user_id=e.user_id,
                state=e.state,
                first_submitted_at=e.first_submitted_at,
                trip_start=e.trip_start,
                submitted_on=submitted_on,
                member_on_trip_start=member_on(periods.get(e.user_id, []), e.trip_start),
                member_on_submission=member_on(periods.get(e.user_id, []), submitted_on),
                voided=e.report_id in voided,
                due_on=e.due_on,
            )
        )
    return result
