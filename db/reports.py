"""Repository: reports, their revisions, and drafts that were not accepted yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.clock import from_db, to_db
from bot.domain.reports import APPROVED, APPROVED_NO_SUBSIDY, AWAITING, Publication, Report
from db.database import Connection

# A report approved without the subsidy is stored as approved (published, like any other) with
# the flag that takes it out of the subsidy's line; the rest of the bot sees its own state.
STATE = f"CASE WHEN r.without_subsidy THEN '{APPROVED_NO_SUBSIDY}' ELSE r.state END"
_COLUMNS = (
    f"r.id, r.guild_id, r.user_id, r.trip_id, {STATE} AS state, r.title, r.body, r.units, "
    "r.language, "
    "r.first_submitted_at, r.submitted_at, r.revision, r.decided_by, r.decided_at, r.reason, "
    "r.dm_failed, r.review_row, r.city_id, r.trip_start_on, r.due_on, r.credit, r.mention_subsidy"
)


def _report(r: Any) -> Report:
    return Report(
        id=r["id"],
        guild_id=r["guild_id"],
        user_id=r["user_id"],
        trip_id=r["trip_id"],
        state=r["state"],
        title=r["title"],
        body=r["body"],
        units=r["units"],
        language=r["language"],
        first_submitted_at=from_db(r["first_submitted_at"]),
        submitted_at=from_db(r["submitted_at"]),
        revision=r["revision"],
        decided_by=r["decided_by"],
        decided_at=from_db(r["decided_at"]) if r["decided_at"] else None,
        reason=r["reason"],
        dm_failed=bool(r["dm_failed"]),
        review_row=r["review_row"],
        city_id=r["city_id"],
        trip_start=date.fromisoformat(r["trip_start_on"]),
        due_on=date.fromisoformat(r["due_on"]) if r["due_on"] else None,
        credit=r["credit"],
        mention_subsidy=bool(r["mention_subsidy"]),
    )


async def get(conn: Connection, guild_id: int, report_id: int) -> Report | None:
    r = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM reports AS r WHERE r.guild_id = ? AND r.id = ?",
        (guild_id, report_id),
    )
    return None if r is None else _report(r)


async def latest_for_trip(conn: Connection, trip_id: int) -> Report | None:
    r = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM reports AS r WHERE r.trip_id = ? ORDER BY r.id DESC LIMIT 1",
        (trip_id,),
    )
    return None if r is None else _report(r)


async def of_member(conn: Connection, guild_id: int, user_id: int) -> list[Report]:
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM reports AS r WHERE r.guild_id = ? AND r.user_id = ? "
        "ORDER BY r.id DESC",
        (guild_id, user_id),
    )
    return [_report(r) for r in rows]


async def insert(
    conn: Connection,
    guild_id: int,
    user_id: int,
    trip_id: int,
    title: str | None,
    body: str,
    units: int,
    language: str,
    now: datetime,
    publication: Publication,
    due_on: date | None = None,
) -> int:
    stamp = to_db(now)
    report_id = await conn.execute(
        "INSERT INTO reports (guild_id, user_id, trip_id, state, title, body, units, language, "
        "first_submitted_at, submitted_at, due_on, credit, mention_subsidy) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id, user_id, trip_id, AWAITING, title, body, units, language, stamp, stamp,
            due_on.isoformat() if due_on else None, *publication,
        ),
    )  # fmt: skip
    await _revision(conn, report_id, 1, title, body, units, stamp)
    return report_id


async def resubmit(
    conn: Connection,
    report_id: int,
    title: str | None,
    body: str,
    units: int,
    language: str,
    now: datetime,
    publication: Publication,
) -> int:
    """A report sent back for changes, with its new text: awaiting review again, same place."""
    stamp = to_db(now)
    revision = await conn.fetchval(
        "UPDATE reports SET state = 'awaiting', title = ?, body = ?, units = ?, language = ?, "
        "submitted_at = ?, revision = revision + 1, decided_by = NULL, decided_at = NULL, "
        "dm_failed = 0, credit = ?, mention_subsidy = ? WHERE id = ? RETURNING revision",
        (title, body, units, language, stamp, *publication, report_id),
    )
    await _revision(conn, report_id, revision, title, body, units, stamp)
    return int(revision)


async def _revision(
    conn: Connection,
    report_id: int,
    revision: int,
    title: str | None,
    body: str,
    units: int,
    stamp: str,
) -> None:
    await conn.execute(
        "INSERT INTO report_revisions (report_id, revision, title, body, units, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (report_id, revision, title, body, units, stamp),
    )


async def settle(
    conn: Connection,
    report_id: int,
    state: str,
    actor_id: int,
    reason: str | None,
    now: datetime,
) -> Report | None:
    """Move an awaiting report to ``state`` and return it; None when it was no longer awaiting
    (someone was first). The condition in the UPDATE is what makes two clicks decide once."""
    stored, without_subsidy = (APPROVED, 1) if state == APPROVED_NO_SUBSIDY else (state, 0)
    r = await conn.fetchone(
        "UPDATE reports AS r SET state = ?, without_subsidy = ?, decided_by = ?, decided_at = ?, "
        f"reason = ? WHERE id = ? AND state = 'awaiting' RETURNING {_COLUMNS.replace('r.', '')}",
        (stored, without_subsidy, actor_id, to_db(now), reason, report_id),
    )
    return None if r is None else _report(r)


async def set_review_row(conn: Connection, report_id: int, row_id: int) -> None:
    await conn.execute("UPDATE reports SET review_row = ? WHERE id = ?", (row_id, report_id))


async def mark_dm_failed(conn: Connection, report_id: int) -> None:
    await conn.execute("UPDATE reports SET dm_failed = 1 WHERE id = ?", (report_id,))


async def save_draft(
    conn: Connection,
    guild_id: int,
    user_id: int,
    trip_id: int,
    title: str | None,
    body: str,
    now: datetime,
    publication: Publication,
) -> int:
    return int(
        await conn.fetchval(
            "INSERT INTO report_drafts (guild_id, user_id, trip_id, title, body, updated_at, "
            "credit, mention_subsidy) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, trip_id) DO UPDATE SET "
            "title = excluded.title, body = excluded.body, updated_at = excluded.updated_at, "
            "credit = excluded.credit, mention_subsidy = excluded.mention_subsidy "
            "RETURNING id",
            (guild_id, user_id, trip_id, title, body, to_db(now), *publication),
        )
    )


@dataclass(frozen=True)
class Draft:
    title: str | None
    body: str
    publication: Publication


async def draft(conn: Connection, guild_id: int, user_id: int, trip_id: int) -> Draft | None:
    r = await conn.fetchone(
        "SELECT title, body, credit, mention_subsidy FROM report_drafts "
        "WHERE guild_id = ? AND user_id = ? AND trip_id = ?",
        (guild_id, user_id, trip_id),
    )
    if r is None:
        return None
    return Draft(r["title"], r["body"], Publication(r["credit"], bool(r["mention_subsidy"])))


async def drop_draft(conn: Connection, guild_id: int, user_id: int, trip_id: int) -> None:
    await conn.execute(
        "DELETE FROM report_drafts WHERE guild_id = ? AND user_id = ? AND trip_id = ?",
        (guild_id, user_id, trip_id),
    )


async def live_trip_ids(conn: Connection, guild_id: int, user_id: int) -> dict[int, str]:
    """Trip id -> state of its live report (awaiting, sent back, or approved with or without
    the subsidy)."""
    rows = await conn.fetchall(
        f"SELECT r.trip_id, {STATE} AS state FROM reports AS r "
        "WHERE r.guild_id = ? AND r.user_id = ? "
        "AND r.state IN ('awaiting', 'changes_requested', 'approved')",
        (guild_id, user_id),
    )
    return {r["trip_id"]: r["state"] for r in rows}


# ---------------------------------------------------------------------- the review queue
@dataclass(frozen=True)
class Waiting:
    """A report awaiting review, with where its review post is (if it was posted)."""

    report: Report
    channel_id: int | None
    message_id: int | None
    post_state: str | None  # the review post's outbox row: pending | delivered | failed


async def awaiting(
    conn: Connection,
    guild_id: int,
    limit: int,
    offset: int = 0,
    sent_before: datetime | None = None,
) -> list[Waiting]:
    """Reports awaiting review, longest waiting first (by their latest sending); only those sent
    before ``sent_before`` when given."""
    since, params = _sent_before(sent_before)
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS}, json_extract(o.payload, '$.channel_id') AS channel_id, "
        "o.message_id AS message_id, o.state AS post_state "
        "FROM reports AS r INDEXED BY reports_awaiting "
        "LEFT JOIN outbox AS o ON o.id = r.review_row "
        f"WHERE r.guild_id = ? AND r.state = 'awaiting' {since} "
        "ORDER BY r.submitted_at, r.id LIMIT ? OFFSET ?",
        (guild_id, *params, limit, offset),
    )
    return [Waiting(_report(r), r["channel_id"], r["message_id"], r["post_state"]) for r in rows]


async def count_awaiting(
    conn: Connection, guild_id: int, sent_before: datetime | None = None
) -> int:
    since, params = _sent_before(sent_before)
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM reports AS r INDEXED BY reports_awaiting "
            f"WHERE r.guild_id = ? AND r.state = 'awaiting' {since}",
            (guild_id, *params),
        )
    )


def _sent_before(moment: datetime | None) -> tuple[str, tuple[str, ...]]:
    return ("AND r.submitted_at < ?", (to_db(moment),)) if moment else ("", ())


# ---------------------------------------------------------------------- the newsletter
async def published_between(
    conn: Connection,
    guild_id: int,
    first_day: date | None,
    last_day: date | None,
    city_id: int | None,
    decided_since: datetime | None,
) -> tuple[list[int], int, int]:
    """The approved reports (with or without the subsidy), erased ones left out, on trips that
    started between the days, to the city, decided since the moment (each filter only when
    given), in the order they were approved; and the bytes of their photos and of the photos'
    smaller copies (how large an export of them will be)."""
    # An erased report (its author forgotten, /member forget) has no text: nothing to print.
    where = ["r.guild_id = ?", "r.state = 'approved'", "r.body <> ''"]
    params: list[Any] = [guild_id]
    if first_day is not None and last_day is not None:
        where.append("r.trip_start_on BETWEEN ? AND ?")
        params += [first_day.isoformat(), last_day.isoformat()]
    if city_id is not None:
        where.append("r.city_id = ?")
        params.append(city_id)
    if decided_since is not None:
        where.append("r.decided_at >= ?")
        params.append(to_db(decided_since))
    rows = await conn.fetchall(
        "SELECT r.id, coalesce(sum(length(p.data)), 0) AS photo_bytes, "
        "coalesce(sum(length(p.preview)), 0) AS preview_bytes FROM reports AS r "
        "LEFT JOIN report_photos AS p ON p.report_id = r.id "
        f"WHERE {' AND '.join(where)} GROUP BY r.id ORDER BY r.decided_at, r.id",
        params,
    )
    return (
        [r["id"] for r in rows],
        sum(r["photo_bytes"] for r in rows),
        sum(r["preview_bytes"] for r in rows),
    )
