"""The member registry (/member) and the member role kept in step with it.

Every change to a member's history is followed, in the same transaction, by the role change it
implies: the outbox gives the member role to whoever is a member today and takes it from whoever
is not. ``members.role_held`` remembers what was last asked of Discord, so nothing is asked twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from bot.domain.clock import Clock
from bot.domain.dates import parse_date
from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear
from bot.domain.member_csv import MAX_NUMBER, ImportRow, RowProblem, read_members
from bot.domain.membership import Period, default_term, plan_registration
from bot.domain.settings import GuildSettings
from bot.domain.text import clean_text, spreadsheet_safe
from bot.services import membership
from bot.services.chunks import OnProgress, read_in_pages, write_in_chunks
from bot.services.settings import SettingsService
from bot.services.transitions import Transitions
from db import members
from db.database import Connection, Database
from db.members import MemberRecord

MAX_IMPORT_BYTES = 1_000_000


@dataclass(frozen=True)
class Registered:
    kind: str  # registered | renewed | unchanged
    valid_from: date
    expires: date
    number: str | None
    member_today: bool


@dataclass
class ImportResult:
    registered: int = 0
    renewed: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


class MemberService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        transitions: Transitions,
        clock: Clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._transitions = transitions
        self._clock = clock

    # ------------------------------------------------------------------ reading
    async def require_member(self, guild_id: int, user_id: int) -> None:
        """Trips and reports need a membership valid today; say how to get one otherwise."""
        async with self._db.read() as conn:
            await membership.require_member(conn, guild_id, user_id, self._clock.today())

    async def registry(
        self, guild_id: int, progress: OnProgress | None = None
    ) -> list[MemberRecord]:
        """Every member with their latest period, in order of registration; read a few hundred
        members at a time, so that a registry of thousands holds nobody up."""
        async with self._db.read() as conn:
            total = await members.count(conn, guild_id)
        found = await read_in_pages(
            self._db,
            lambda conn, after, size: members.registry_page(conn, guild_id, after, size),
            lambda record: record.user_id,
            total=total,
            progress=progress,
        )
        return sorted(found, key=lambda record: record.period.id)

    def status(self, period: Period) -> str:
        today = self._clock.today()
        if period.ended_on is not None and period.ended_on <= today:
            return "ended"
        if period.valid_on(today):
            return "active"
        return "expired" if period.expires < today else "future"

    def registry_csv(self, records: list[MemberRecord]) -> bytes:
        """UTF-8 with a byte-order mark, so Excel opens Japanese names correctly."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["discord_user_id", "display_name", "membership_number", "since", "expires", "status"]
        )
        for r in records:
            writer.writerow(
                [
                    r.user_id,
                    spreadsheet_safe(r.display_name or ""),
                    spreadsheet_safe(r.period.number or ""),
                    r.period.valid_from.isoformat(),
                    r.period.expires.isoformat(),
                    self.status(r.period),
                ]
            )
        return out.getvalue().encode("utf-8-sig")

    # ------------------------------------------------------------------ changing
    async def add(
        self,
        guild_id: int,
        actor_id: int,
        user_id: int,
        display_name: str | None,
        number: str | None = None,
        since: str | None = None,
        expires: str | None = None,
    ) -> Registered:
        today = self._clock.today()
        settings = await self._settings.get(guild_id)
        default_from, default_to = default_term(today, settings.fiscal_year_start_month)
        valid_from = parse_date(since, today) if since else default_from
        valid_to = parse_date(expires, today) if expires else default_to
        if not expires and valid_from > default_to:
            valid_to = FiscalYear.containing(valid_from, settings.fiscal_year_start_month).end
        number = clean_text(number, MAX_NUMBER) if number else None
        async with self._db.transaction() as conn:
            return await self._register(
                conn, guild_id, actor_id, user_id, display_name, number, valid_from, valid_to
            )

    async def _register(
        self,
        conn: Connection,
        guild_id: int,
        actor_id: int,
        user_id: int,
        display_name: str | None,
        number: str | None,
        valid_from: date,
        expires: date,
    ) -> Registered:
        await members.ensure_member(conn, guild_id, user_id, display_name)
        periods = await members.periods(conn, guild_id, user_id)
        plan = plan_registration(periods, valid_from, expires, number)
        if plan.kind == "registered":
            period_id = await members.insert_period(
                conn, guild_id, user_id, number, plan.valid_from, plan.expires
            )
        else:
            assert plan.renews is not None
            period_id = plan.renews.id
            if plan.kind == "renewed":
                await members.update_period(conn, period_id, number, plan.valid_from, plan.expires)
        period = Period(period_id, plan.valid_from, plan.expires, number=number)
        if plan.kind != "unchanged":
            await self._transitions.membership_changed(
                conn, guild_id, user_id, actor_id, period, plan.kind
            )
        member_today = await self._transitions.keep_role_in_step(conn, guild_id, user_id)
        return Registered(plan.kind, plan.valid_from, plan.expires, number, member_today)

    async def remove(self, guild_id: int, actor_id: int, user_id: int) -> Period:
        today = self._clock.today()
        async with self._db.transaction() as conn:
            periods = await members.periods(conn, guild_id, user_id)
            live = [p for p in periods if p.live and p.expires >= today]
            if not live:
                raise DomainError("member.not_registered")
            for period in live:
                await members.end_period(conn, period.id, today)
                await self._transitions.membership_changed(
                    conn, guild_id, user_id, actor_id, period, "ended"
                )
        return live[-1]

    async def import_csv(
        self, guild_id: int, actor_id: int, data: bytes, progress: OnProgress | None = None
    ) -> ImportResult:
        """Register every good row, a few hundred rows per transaction (bot.services.chunks).
        A row already registered as the file says is left unchanged, so a file imported again
        (after an interruption, say) ends in the same state as one import would."""
        if len(data) > MAX_IMPORT_BYTES:
            raise DomainError("member.import.too_big", max_kb=MAX_IMPORT_BYTES // 1000)
        today = self._clock.today()
        settings = await self._settings.get(guild_id)
        rows, problems = read_members(data, today)
        result = ImportResult(problems=list(problems))

        async def step(conn: Connection, row: ImportRow) -> str | RowProblem:
            return await self._import_row(conn, guild_id, actor_id, row, settings, today)

        for outcome in await write_in_chunks(self._db, rows, step, progress=progress):
            if isinstance(outcome, RowProblem):
                result.problems.append(outcome)
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
        result.problems.sort(key=lambda p: p.line)
        return result

    async def _import_row(
        self,
        conn: Connection,
        guild_id: int,
        actor_id: int,
        row: ImportRow,
        settings: GuildSettings,
        today: date,
    ) -> str | RowProblem:
        """A row without a start runs from the current fiscal year's start, or from the start of
        the fiscal year it expires in where that is earlier (back-filled history)."""
        month = settings.fiscal_year_start_month
        start, end = default_term(today, month)
        expires = row.expires or end
        valid_from = min(start, FiscalYear.containing(expires, month).start)
        try:
            registered = await self._register(
                conn, guild_id, actor_id, row.user_id, None, row.number, valid_from, expires
            )
        except DomainError as error:
            return RowProblem(row.line, error.key, error.params)
        return registered.kind

    # ------------------------------------------------------------------ the role
    async def keep_roles_in_step(self, guild_id: int) -> None:
        """Record expiries and queue the role changes the calendar implies (the daily task and
        start-up run this)."""
        today = self._clock.today()

        async def write(conn: Connection) -> None:  # one trip per server, at start-up for each
            for user_id, period in await members.newly_expired(conn, guild_id, today):
                await self._transitions.membership_changed(
                    conn, guild_id, user_id, None, period, "expired"
                )
            role_id = (await self._settings.get(guild_id, conn)).member_role_id
            if role_id is not None:
                for user_id, hold in await members.roles_out_of_step(conn, guild_id, today):
                    await self._transitions.queue_role(conn, guild_id, user_id, role_id, hold)

        await self._db.run(write)

    async def guilds(self) -> list[int]:
        async with self._db.read() as conn:
            return await members.guilds(conn)
