"""The member registry (/member) and the member role kept in step with it.

Every change to a member's history is followed, in the same transaction, by the role change it
implies: the outbox gives the member role to whoever is a member today and takes it from whoever
is not. ``members.role_held`` remembers what was last asked of Discord, so nothing is asked twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.domain import names
from bot.domain.clock import Clock
from bot.domain.dates import parse_date
from bot.domain.errors import DomainError
from bot.domain.fiscal import FiscalYear
from bot.domain.ids import require_id
from bot.domain.member_csv import (
    MAX_NUMBER,
    ImportRow,
    RowProblem,
    ServerMember,
    match_username,
    read_members,
)
from bot.domain.membership import Period, default_term, plan_registration
from bot.domain.settings import GuildSettings
from bot.domain.subsidy import IN_LINE
from bot.domain.text import clean_text
from bot.services import membership
from bot.services.chunks import OnProgress, read_in_pages, write_in_chunks
from bot.services.settings import SettingsService
from bot.services.transitions import Transitions
from db import audit, erasure, ledger, members, trips
from db import reports as db_reports
from db.database import Connection, Database
from db.members import MemberRecord

MAX_IMPORT_BYTES = 1_000_000


@dataclass(frozen=True)
class Registered:
    kind: str  # registered | renewed | renamed (only the name changed) | unchanged
    valid_from: date
    expires: date
    number: str | None
    member_today: bool
    name: str | None = None
    name_from_discord: bool = False


@dataclass(frozen=True)
class Forgettable:
    """A former member whose personal data can be erased, and how much there is."""

    name: str | None
    reports: list[int]
    trips: int


@dataclass(frozen=True)
class Naming:
    """The name a registration gives: written by the office, or the Discord display name (kept
    only where the member has no name yet), and the kana reading."""

    name: str | None
    reading: str | None
    from_discord: bool


@dataclass(frozen=True)
class ImportSheet:
    """A member list read from a file: its good rows and the problems of the others."""

    rows: list[ImportRow]
    problems: list[RowProblem]

    @property
    def usernames(self) -> list[str]:
        """The usernames Discord must be asked about (rows that have no user id)."""
        return sorted({r.username for r in self.rows if r.user_id is None and r.username})


@dataclass
class ImportResult:
    registered: int = 0
    renewed: int = 0
    unchanged: int = 0
    renamed: int = 0  # only the name changed
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
        """active | ended | expired | future, today."""
        today = self._clock.today()
        if period.ended_on is not None and period.ended_on <= today:
            return "ended"
        if period.valid_on(today):
            return "active"
        return "expired" if period.expires < today else "future"

    # ------------------------------------------------------------------ changing
    async def add(
        self,
        guild_id: int,
        actor_id: int,
        user_id: int,
        discord_name: str | None,
        number: str | None = None,
        since: str | None = None,
        expires: str | None = None,
        name: str | None = None,
        reading: str | None = None,
    ) -> Registered:
        """Register or renew a member. ``name`` is the name as the office writes it; without
        it, ``discord_name`` (the Discord display name now) is kept, marked as such, where the
        member has no name yet."""
        user_id = require_id(user_id, "error.unknown.user")
        office_name = names.office_name(name) if name is not None else None
        kana = names.reading(reading) if reading is not None else None
        kept = office_name or (names.discord_name(discord_name) if discord_name else None)
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
                conn, guild_id, actor_id, user_id, number, valid_from, valid_to,
                Naming(kept, kana, from_discord=office_name is None),
            )  # fmt: skip

    async def _register(
        self,
        conn: Connection,
        guild_id: int,
        actor_id: int,
        user_id: int,
        number: str | None,
        valid_from: date,
        expires: date,
        naming: Naming,
    ) -> Registered:
        periods = await members.periods(conn, guild_id, user_id)
        plan = plan_registration(periods, valid_from, expires, number)  # may refuse: before writing
        before = await members.naming_of(conn, guild_id, user_id)
        await members.ensure_member(
            conn, guild_id, user_id, naming.name, naming.reading, from_discord=naming.from_discord
        )
        after = await members.naming_of(conn, guild_id, user_id)
        if before is not None and after != before:  # who renamed whom; never the name itself
            await audit.record(conn, guild_id, actor_id, "member.renamed", str(user_id))
        number = plan.number
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
        assert after is not None
        kind = "renamed" if plan.kind == "unchanged" and after != before else plan.kind
        return Registered(
            kind, plan.valid_from, plan.expires, number, member_today, after[0], after[2]
        )

    async def remove(self, guild_id: int, actor_id: int, user_id: int) -> Period:
        user_id = require_id(user_id, "error.unknown.user")
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

    def read_import(self, data: bytes) -> ImportSheet:
        """Read a member list; the usernames in it are for the caller to look up in Discord
        before :meth:`import_sheet`."""
        if len(data) > MAX_IMPORT_BYTES:
            raise DomainError("member.import.too_big", max_kb=MAX_IMPORT_BYTES // 1000)
        rows, problems = read_members(data, self._clock.today())
        return ImportSheet(rows, list(problems))

    async def import_sheet(
        self,
        guild_id: int,
        actor_id: int,
        sheet: ImportSheet,
        server_members: Mapping[str, list[ServerMember] | None],
        progress: OnProgress | None = None,
    ) -> ImportResult:
        """Register the sheet's members. ``server_members``: for each username of the sheet,
        the server's members Discord found for it (None: Discord could not be asked). A few
        hundred rows per transaction (bot.services.chunks); a row already registered as the file
        says is left unchanged, so a file imported again (after an interruption, say) ends in the
        same state as one import would."""
        today = self._clock.today()
        settings = await self._settings.get(guild_id)
        result = ImportResult(problems=list(sheet.problems))
        resolved = [self._resolve(row, server_members) for row in sheet.rows]
        to_register: list[tuple[ImportRow, int, str | None]] = []
        seen: dict[int, int] = {}
        for row, found in zip(sheet.rows, resolved, strict=True):
            if isinstance(found, RowProblem):
                result.problems.append(found)
                continue
            user_id, discord_name = found
            if user_id in seen:
                result.problems.append(
                    RowProblem(row.line, "member.import.duplicate", {"first": seen[user_id]})
                )
                continue
            seen[user_id] = row.line
            to_register.append((row, user_id, discord_name))

        async def step(
            conn: Connection, item: tuple[ImportRow, int, str | None]
        ) -> str | RowProblem:
            row, user_id, discord_name = item
            return await self._import_row(
                conn, guild_id, actor_id, row, user_id, discord_name, settings, today
            )

        for outcome in await write_in_chunks(self._db, to_register, step, progress=progress):
            if isinstance(outcome, RowProblem):
                result.problems.append(outcome)
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
        result.problems.sort(key=lambda p: p.line)
        return result

    @staticmethod
    def _resolve(
        row: ImportRow, server_members: Mapping[str, list[ServerMember] | None]
    ) -> tuple[int, str | None] | RowProblem:
        """(user id, Discord display name if known) of the member a row names."""
        if row.user_id is not None:
            return row.user_id, None
        assert row.username is not None
        found = server_members.get(row.username)
        if found is None:
            return RowProblem(row.line, "member.import.username_unchecked", {"value": row.username})
        try:
            member = match_username(row.username, found)
        except DomainError as error:
            return RowProblem(row.line, error.key, error.params)
        return member.user_id, next(iter(member.display_names), member.username)

    async def _import_row(
        self,
        conn: Connection,
        guild_id: int,
        actor_id: int,
        row: ImportRow,
        user_id: int,
        discord_name: str | None,
        settings: GuildSettings,
        today: date,
    ) -> str | RowProblem:
        """A row without a start runs from the current fiscal year's start, or from the start of
        the fiscal year it expires in where that is earlier (back-filled history)."""
        month = settings.fiscal_year_start_month
        start, end = default_term(today, month)
        expires = row.expires or end
        valid_from = min(start, FiscalYear.containing(expires, month).start)
        kept = row.name or (names.discord_name(discord_name) if discord_name else None)
        try:
            registered = await self._register(
                conn, guild_id, actor_id, user_id, row.number, valid_from, expires,
                Naming(kept, row.reading, from_discord=row.name is None),
            )  # fmt: skip
        except DomainError as error:
            return RowProblem(row.line, error.key, error.params)
        return registered.kind

    # ------------------------------------------------------------------ forgetting
    async def forgettable(self, guild_id: int, user_id: int) -> Forgettable:
        """What erasing the member would erase; :class:`DomainError` with the reason when they
        cannot be forgotten (yet)."""
        user_id = require_id(user_id, "member.forget.unknown")
        async with self._db.read() as conn:
            return await self._forgettable(conn, guild_id, user_id)

    async def forget(self, guild_id: int, actor_id: int, user_id: int) -> Forgettable:
        """Erase a former member's personal data on request; the ledger keeps its amounts and
        states, shown as a former member's."""
        user_id = require_id(user_id, "member.forget.unknown")
        async with self._db.transaction() as conn:
            found = await self._forgettable(conn, guild_id, user_id)
            await erasure.erase_member(conn, guild_id, user_id, found.reports, self._clock.now())
            await self._transitions.member_forgotten(
                conn, guild_id, actor_id, user_id, found.reports
            )
        await self._db.erase_freed_pages()
        return found

    async def _forgettable(self, conn: Connection, guild_id: int, user_id: int) -> Forgettable:
        today = self._clock.today()
        naming = await members.naming_of(conn, guild_id, user_id)
        periods = await members.periods(conn, guild_id, user_id)
        if naming is None or not periods:
            raise DomainError("member.forget.unknown")
        if await members.forgotten(conn, guild_id, user_id):
            raise DomainError("member.forget.already")
        ongoing = [p for p in periods if p.live and p.expires >= today]
        if ongoing:
            raise DomainError("member.forget.active", expires=ongoing[-1].expires)
        unpaid = await ledger.unpaid_of_member(conn, guild_id, user_id)
        if unpaid:
            raise DomainError("member.forget.unpaid", id=unpaid[0])
        reports = await db_reports.of_member(conn, guild_id, user_id)
        for report in reports:
            if report.state in IN_LINE:
                raise DomainError("member.forget.open_report", id=report.id)
        logged = await trips.of_member(conn, guild_id, user_id, include_cancelled=True)
        return Forgettable(naming[0], sorted(r.id for r in reports), len(logged))

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
