"""Repository: the member registry (members, their membership periods, and the history)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.clock import to_db
from bot.domain.membership import Period
from db.database import Connection


@dataclass(frozen=True)
class MemberRecord:
    """One line of the registry: a member, their name, and their latest period."""

    user_id: int
    name: str | None
    reading: str | None
    name_from_discord: bool  # the Discord display name at registration, not written by the office
    forgotten: bool  # personal data erased on request (/member forget)
    period: Period


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _period(r: Any) -> Period:
    return Period(
        id=r["id"],
        valid_from=date.fromisoformat(r["valid_from"]),
        expires=date.fromisoformat(r["expires"]),
        ended_on=_day(r["ended_on"]),
        number=r["number"],
    )


_PERIOD_COLUMNS = "p.id, p.valid_from, p.expires, p.ended_on, p.number"


async def periods(conn: Connection, guild_id: int, user_id: int) -> list[Period]:
    rows = await conn.fetchall(
        f"SELECT {_PERIOD_COLUMNS} FROM membership_periods AS p "
        "WHERE p.guild_id = ? AND p.user_id = ? ORDER BY p.valid_from, p.id",
        (guild_id, user_id),
    )
    return [_period(r) for r in rows]


async def periods_of(
    conn: Connection, guild_id: int, user_ids: Iterable[int]
) -> dict[int, list[Period]]:
    """The periods of several members at once (one query, not one per member)."""
    rows = await conn.fetchall(
        f"SELECT p.user_id, {_PERIOD_COLUMNS} FROM membership_periods AS p "
        "WHERE p.guild_id = ? AND p.user_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY p.user_id, p.valid_from, p.id",
        (guild_id, json.dumps(sorted(set(user_ids)))),
    )
    found: dict[int, list[Period]] = {}
    for r in rows:
        found.setdefault(r["user_id"], []).append(_period(r))
    return found


async def ensure_member(
    conn: Connection,
    guild_id: int,
    user_id: int,
    name: str | None,
    reading: str | None = None,
    *,
    from_discord: bool = False,
) -> None:
    """Register the member or update their name. A name the office wrote replaces any other; a
    name from Discord is kept only where the member has none yet; a reading replaces the one
    before. The same name written again changes nothing, so that a re-imported export of the
    registry (a Discord name in its name column) is not taken as the office's writing. A member
    registered again after an erasure is no longer marked as erased."""
    await conn.execute(
        "INSERT INTO members (guild_id, user_id, name, name_reading, name_from_discord) "
        "VALUES (:guild, :user, :name, :reading, :discord) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "name = CASE WHEN :name IS NOT NULL AND NOT :discord THEN :name "
        "  ELSE coalesce(members.name, :name) END, "
        "name_from_discord = CASE WHEN :name IS NOT NULL AND NOT :discord "
        "  AND :name IS NOT members.name THEN 0 "
        "  WHEN members.name IS NULL THEN :discord ELSE members.name_from_discord END, "
        "name_reading = coalesce(:reading, members.name_reading), "
        "forgotten_at = NULL",
        {
            "guild": guild_id,
            "user": user_id,
            "name": name,
            "reading": reading,
            "discord": int(from_discord and name is not None),
        },
    )


async def insert_period(
    conn: Connection,
    guild_id: int,
    user_id: int,
    number: str | None,
    valid_from: date,
    expires: date,
) -> int:
    return await conn.execute(
        "INSERT INTO membership_periods (guild_id, user_id, number, valid_from, expires) "
        "VALUES (?, ?, ?, ?, ?)",
        (guild_id, user_id, number, valid_from.isoformat(), expires.isoformat()),
    )


async def update_period(
    conn: Connection, period_id: int, number: str | None, valid_from: date, expires: date
) -> None:
    await conn.execute(
        "UPDATE membership_periods SET number = ?, valid_from = ?, expires = ? WHERE id = ?",
        (number, valid_from.isoformat(), expires.isoformat(), period_id),
    )


async def end_period(conn: Connection, period_id: int, day: date) -> None:
    await conn.execute(
        "UPDATE membership_periods SET ended_on = ? WHERE id = ?", (day.isoformat(), period_id)
    )


async def record_event(
    conn: Connection,
    guild_id: int,
    user_id: int,
    period: Period,
    kind: str,
    actor_id: int | None,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO membership_events (guild_id, user_id, period_id, kind, actor_id, number, "
        "valid_from, expires, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            user_id,
            period.id,
            kind,
            actor_id,
            period.number,
            period.valid_from.isoformat(),
            period.expires.isoformat(),
            to_db(now),
        ),
    )


async def role_held(conn: Connection, guild_id: int, user_id: int) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT role_held FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
    )


async def set_role_held(conn: Connection, guild_id: int, user_id: int, held: bool) -> None:
    await conn.execute(
        "UPDATE members SET role_held = ? WHERE guild_id = ? AND user_id = ?",
        (int(held), guild_id, user_id),
    )


_VALID_ON = (
    "EXISTS (SELECT 1 FROM membership_periods AS p WHERE p.guild_id = m.guild_id "
    "AND p.user_id = m.user_id AND p.valid_from <= :day AND p.expires >= :day "
    "AND (p.ended_on IS NULL OR p.ended_on > :day))"
)


async def roles_out_of_step(conn: Connection, guild_id: int, day: date) -> list[tuple[int, bool]]:
    """(user, should hold the member role) for every member whose role does not match ``day``."""
    rows = await conn.fetchall(
        f"SELECT m.user_id, {_VALID_ON} AS valid FROM members AS m "
        f"WHERE m.guild_id = :guild AND m.role_held != {_VALID_ON}",
        {"guild": guild_id, "day": day.isoformat()},
    )
    return [(r["user_id"], bool(r["valid"])) for r in rows]


async def newly_expired(conn: Connection, guild_id: int, day: date) -> list[tuple[int, Period]]:
    """Periods that ran out before ``day`` and whose expiry is not yet in the history."""
    rows = await conn.fetchall(
        f"SELECT p.user_id, {_PERIOD_COLUMNS} FROM membership_periods AS p "
        "WHERE p.guild_id = ? AND p.ended_on IS NULL AND p.expires < ? AND NOT EXISTS ("
        "  SELECT 1 FROM membership_events AS e WHERE e.period_id = p.id "
        "  AND e.kind = 'expired' AND e.expires = p.expires)",
        (guild_id, day.isoformat()),
    )
    return [(r["user_id"], _period(r)) for r in rows]


async def guilds(conn: Connection) -> list[int]:
    rows = await conn.fetchall("SELECT DISTINCT guild_id FROM members")
    return [r["guild_id"] for r in rows]


async def count(conn: Connection, guild_id: int) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM members WHERE guild_id = ?", (guild_id,)))


async def registry_page(
    conn: Connection, guild_id: int, after_user: int | None, limit: int
) -> list[MemberRecord]:
    """Up to ``limit`` members with their latest period, in order of user id, after
    ``after_user`` (None: from the first): one page of the registry, read from its key."""
    rows = await conn.fetchall(
        f"SELECT m.user_id, m.name, m.name_reading, m.name_from_discord, m.forgotten_at, "
        f"{_PERIOD_COLUMNS} FROM members AS m "
        "JOIN membership_periods AS p ON p.id = ("
        "  SELECT max(q.id) FROM membership_periods AS q "
        "  WHERE q.guild_id = m.guild_id AND q.user_id = m.user_id) "
        "WHERE m.guild_id = ? AND m.user_id > ? ORDER BY m.user_id LIMIT ?",
        (guild_id, -1 if after_user is None else after_user, limit),
    )
    return [
        MemberRecord(
            r["user_id"],
            r["name"],
            r["name_reading"],
            bool(r["name_from_discord"]),
            r["forgotten_at"] is not None,
            _period(r),
        )
        for r in rows
    ]


async def naming_of(
    conn: Connection, guild_id: int, user_id: int
) -> tuple[str | None, str | None, bool] | None:
    """(name, reading, name taken from Discord) of a member; None when not in the registry."""
    r = await conn.fetchone(
        "SELECT name, name_reading, name_from_discord FROM members "
        "WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return None if r is None else (r["name"], r["name_reading"], bool(r["name_from_discord"]))


async def latest_number(conn: Connection, guild_id: int, user_id: int) -> str | None:
    """The membership number of the member's latest period that has one."""
    return await conn.fetchval(
        "SELECT number FROM membership_periods WHERE guild_id = ? AND user_id = ? "
        "AND number IS NOT NULL ORDER BY valid_from DESC, id DESC LIMIT 1",
        (guild_id, user_id),
    )


async def forgotten(conn: Connection, guild_id: int, user_id: int) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT forgotten_at IS NOT NULL FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
    )
