"""An association's history, written straight into a bot database, for the benchmark.

By default twenty fiscal years of a busy association: members with their periods and events,
trips spread over the years, a report on one trip in ten (with its revision and its review post in
the outbox), and each city's subsidy for each year granted to the first approved report, as the
ledger rule says. A smaller :class:`Scale` gives one of many small associations (the benchmark's
500 servers). The database must already be set up by the bot (migrated, with the guild's settings
and cities); this adds history around the users it is given. Deterministic: the same arguments
give the same database.

It writes with one plain sqlite3 connection in one transaction: a million rows through the bot's
own repositories would take an hour, and the point is the shape of the data, not how it got there.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

BODY = "草津市から姉妹都市を訪ねました。" * 25
SYNTHETIC_USERS = 900_000_000_000_000_000
FLUSH_EVERY = 50_000


@dataclass(frozen=True)
class Scale:
    members: int = 10_000
    trips: int = 1_000_000
    reports: int = 100_000
    years: int = 20


@dataclass(frozen=True)
class Written:
    members: int
    trips: int
    reports: int
    grants: int
    size_bytes: int


def _stamp(day: date) -> str:
    return datetime.combine(day, time(3, 0), UTC).isoformat()


def _fiscal(day: date, start_month: int) -> int:
    return day.year if day.month >= start_month else day.year - 1


def generate(
    path: Path,
    guild_id: int,
    today: date,
    users: Sequence[int] = (),
    scale: Scale = Scale(),
    quiet_since: date | None = None,
    *,
    register: bool = False,
    first_user: int = SYNTHETIC_USERS,
) -> Written:
    """Add ``scale`` of history to the guild. ``users`` are real members (the benchmark's own),
    registered by the bot beforehand or, with ``register``, here; their trips end before
    ``quiet_since`` so that new trips they log do not overlap. The other members' ids count up
    from ``first_user``."""
    rng = random.Random(7 + guild_id % 1_000)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        month = conn.execute(
            "SELECT fiscal_year_start_month FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ).fetchone()[0]
        cities = {
            r[0]: bool(r[1])
            for r in conn.execute(
                "SELECT id, json_extract(data, '$.subsidy_eligible') FROM cities "
                "WHERE guild_id = ?",
                (guild_id,),
            )
        }
        moderation = conn.execute(
            "SELECT moderation_channel_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ).fetchone()[0]
        first = date(_fiscal(today, month) - scale.years + 1, month, 1)
        last_day = date(_fiscal(today, month) + 1, month, 1) - timedelta(days=1)
        known = set(users)
        everyone = list(users) + [first_user + i for i in range(scale.members - len(known))]
        conn.execute("BEGIN")
        _members(conn, guild_id, everyone, set() if register else known, first, last_day)
        trips_each = scale.trips // len(everyone)
        report_every = max(scale.trips // scale.reports, 1)
        city_ids = sorted(cities)
        approved: dict[tuple[int, int], tuple[str, int, int]] = {}
        trip_rows: list[tuple] = []
        report_rows: list[tuple] = []
        written = [0, 0]
        trip_id = conn.execute("SELECT coalesce(max(id), 0) FROM trips").fetchone()[0]
        report_id = conn.execute("SELECT coalesce(max(id), 0) FROM reports").fetchone()[0]
        for user in everyone:
            end = quiet_since if user in known and quiet_since else today
            span = (end - first).days
            for n in range(trips_each):
                trip_id += 1
                start = first + timedelta(days=span * n // trips_each + rng.randrange(0, 20))
                finish = start + timedelta(days=rng.randrange(0, 8))
                city = rng.choice(city_ids)
                trip_rows.append(
                    (trip_id, guild_id, user, city, start.isoformat(), finish.isoformat(),
                     _stamp(start))
                )  # fmt: skip
                if (n + user) % report_every or finish + timedelta(days=7) > today:
                    continue
                report_id += 1
                roll = rng.random()
                state = "approved" if roll < 0.88 else "rejected" if roll < 0.95 else "withdrawn"
                submitted = _stamp(finish + timedelta(days=7))
                report_rows.append((report_id, guild_id, user, trip_id, state, submitted))
                key = (city, _fiscal(start, month))
                earliest = key not in approved or submitted < approved[key][0]
                if state == "approved" and cities[city] and earliest:
                    approved[key] = (submitted, report_id, user)
            if len(trip_rows) >= FLUSH_EVERY:
                _flush(conn, trip_rows, report_rows, moderation, written)
        _flush(conn, trip_rows, report_rows, moderation, written)
        this_year = _fiscal(today, month)
        grants = [  # paid in past years; this year's holder is still to be paid
            (guild_id, city, year, user, rid, submitted, *paid)
            for (city, year), (submitted, rid, user) in approved.items()
            for paid in [
                ("paid", submitted[:10], "bank") if year < this_year else ("granted", None, None)
            ]
        ]
        conn.executemany(
            "INSERT INTO grants (guild_id, city_id, fiscal_year, user_id, report_id, amount_yen, "
            "granted_at, state, paid_on, paid_method) VALUES (?, ?, ?, ?, ?, 3000, ?, ?, ?, ?)",
            grants,
        )
        conn.execute("COMMIT")
    return Written(len(everyone), written[0], written[1], len(grants), path.stat().st_size)


def _flush(
    conn: sqlite3.Connection,
    trip_rows: list[tuple],
    report_rows: list[tuple],
    moderation: int | None,
    written: list[int],
) -> None:
    conn.executemany(
        "INSERT INTO trips (id, guild_id, user_id, city_id, start_on, end_on, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        trip_rows,
    )
    _reports(conn, report_rows, moderation)
    written[0] += len(trip_rows)
    written[1] += len(report_rows)
    trip_rows.clear()
    report_rows.clear()


def _members(
    conn: sqlite3.Connection,
    guild_id: int,
    everyone: list[int],
    known: set[int],
    first: date,
    last_day: date,
) -> None:
    new = [u for u in everyone if u not in known]
    before = conn.execute("SELECT coalesce(max(id), 0) FROM membership_periods").fetchone()[0]
    conn.executemany(
        "INSERT INTO members (guild_id, user_id, name, role_held) VALUES (?, ?, ?, 1)",
        ((guild_id, u, f"member {u % 100_000}") for u in new),
    )
    conn.executemany(
        "INSERT INTO membership_periods (guild_id, user_id, number, valid_from, expires) "
        "VALUES (?, ?, ?, ?, ?)",
        ((guild_id, u, f"S{u % 100_000:05d}", first.isoformat(), last_day.isoformat())
         for u in new),
    )  # fmt: skip
    conn.execute(
        "INSERT INTO membership_events (guild_id, user_id, period_id, kind, actor_id, number, "
        "valid_from, expires, created_at) "
        "SELECT guild_id, user_id, id, 'registered', NULL, number, valid_from, expires, ? "
        "FROM membership_periods WHERE id > ?",
        (_stamp(first), before),
    )


def _reports(conn: sqlite3.Connection, rows: list[tuple], moderation: int | None) -> None:
    def outbox() -> Iterator[tuple]:
        for rid, guild_id, _, _, _, submitted in rows:
            payload = {"channel_id": moderation, "message": {"render": "review", "report": rid}}
            yield (rid, guild_id, "message.post", "review", json.dumps(payload), submitted,
                   SYNTHETIC_USERS + rid, submitted, submitted)  # fmt: skip

    first_outbox = conn.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]
    conn.executemany(
        "INSERT INTO outbox (id, guild_id, kind, target, payload, state, attempts, "
        "next_attempt_at, message_id, created_at, settled_at) "
        "VALUES (? + ?, ?, ?, ?, ?, 'delivered', 1, ?, ?, ?, ?)",
        ((first_outbox, *row) for row in outbox()),
    )
    conn.executemany(
        "INSERT INTO reports (id, guild_id, user_id, trip_id, state, title, body, units, "
        "language, first_submitted_at, submitted_at, decided_at, review_row) "
        "VALUES (?, ?, ?, ?, ?, NULL, ?, 400, 'ja', ?, ?, ?, ? + ?)",
        (
            (rid, g, u, t, s, BODY, at, at, at if s != "withdrawn" else None, first_outbox, rid)
            for rid, g, u, t, s, at in rows
        ),
    )
    conn.executemany(
        "INSERT INTO report_revisions (report_id, revision, body, units, submitted_at) "
        "VALUES (?, 1, ?, 400, ?)",
        ((rid, BODY, at) for rid, _, _, _, _, at in rows),
    )
