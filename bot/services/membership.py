"""Reading the member registry inside a caller's unit of work."""

from __future__ import annotations

from datetime import date

from bot.domain.errors import DomainError
from bot.domain.membership import member_on
from db import members
from db.database import Connection


async def require_member(conn: Connection, guild_id: int, user_id: int, today: date) -> None:
    """Trips and reports need a membership valid today; say how to get one otherwise."""
    periods = await members.periods(conn, guild_id, user_id)
    if not member_on(periods, today):
        raise DomainError("member.required" if not periods else "member.lapsed")
