"""Repository: erasing a former member's personal data (/member forget), and finding what the bot
posted about their reports. Ledger rows keep their amounts and states; the audit log and the
membership history lose only the personal values their triggers allow (migration 0013)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.clock import to_db
from db.database import Connection


async def erase_member(
    conn: Connection, guild_id: int, user_id: int, reports: list[int], now: datetime
) -> None:
    """Name, reading, membership numbers, report titles, texts, reasons, revisions and photos,
    drafts and trip notes of one member; the audit log's numbers and reasons about them."""
    member = {"guild": guild_id, "user": user_id}
    ids = json.dumps(reports)
    await conn.execute(
        "UPDATE members SET name = NULL, name_reading = NULL, name_from_discord = 0, "
        "forgotten_at = :now WHERE guild_id = :guild AND user_id = :user",
        {**member, "now": to_db(now)},
    )
    await conn.execute(
        "UPDATE membership_periods SET number = NULL WHERE guild_id = :guild AND user_id = :user",
        member,
    )
    await conn.execute(
        "UPDATE membership_events SET number = NULL "
        "WHERE guild_id = :guild AND user_id = :user AND number IS NOT NULL",
        member,
    )
    await conn.execute(
        "UPDATE reports SET title = NULL, body = '', reason = NULL "
        "WHERE guild_id = :guild AND user_id = :user",
        member,
    )
    await conn.execute(
        "DELETE FROM report_revisions WHERE report_id IN (SELECT value FROM json_each(?))", (ids,)
    )
    await conn.execute(
        "DELETE FROM report_photos WHERE report_id IN (SELECT value FROM json_each(?))", (ids,)
    )
    await conn.execute(
        "DELETE FROM report_drafts WHERE guild_id = :guild AND user_id = :user", member
    )
    await conn.execute(
        "UPDATE trips SET note = NULL WHERE guild_id = :guild AND user_id = :user", member
    )
    subjects = json.dumps([str(user_id), *(f"report:{r}" for r in reports)])
    await conn.execute(
        "UPDATE audit_log SET detail = "
        "json_set(json_remove(detail, '$.number', '$.reason'), '$.erased', 1) "
        "WHERE guild_id = ? AND subject IN (SELECT value FROM json_each(?)) "
        "AND json_extract(detail, '$.erased') IS NULL "
        "AND (json_type(detail, '$.number') IS NOT NULL "
        "  OR json_type(detail, '$.reason') IS NOT NULL)",
        (guild_id, subjects),
    )


async def posts_about(
    conn: Connection, guild_id: int, reports: list[int], render: str
) -> list[tuple[int, int, int]]:
    """(outbox row, channel, report) of every ``render`` message posted about the reports."""
    rows = await conn.fetchall(
        "SELECT id, json_extract(payload, '$.channel_id') AS channel, "
        "json_extract(payload, '$.message.report_id') AS report FROM outbox "
        "WHERE guild_id = ? AND kind = 'message.post' "
        "AND json_extract(payload, '$.message.render') = ? "
        "AND json_extract(payload, '$.message.report_id') IN (SELECT value FROM json_each(?))",
        (guild_id, render, json.dumps(reports)),
    )
    return [(r["id"], r["channel"], r["report"]) for r in rows]
