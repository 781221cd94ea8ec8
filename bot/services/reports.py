"""Reports and their review: submit, resubmit, withdraw, decide.

Each decision and the Discord messages it causes (the review post and its edits, the member's
direct message, the announcement) are written in one transaction: the messages are outbox rows,
delivered afterwards by the worker. Two staff deciding at once decide once, because the decision
is a conditional UPDATE (only an awaiting report moves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain import reports as rules
from bot.domain.clock import Clock
from bot.domain.errors import DomainError, Term
from bot.domain.ids import require_id
from bot.domain.reports import AlreadyDecided, Report
from bot.domain.text import clean_text
from bot.services.members import MemberService
from bot.services.outbox import OutboxService
from bot.services.settings import SettingsService
from bot.services.subsidy import SubsidyService
from bot.services.trips import TripService, TripView
from db import audit, outbox, reports
from db.database import Connection, Database
from db.outbox import OutboxRow

REVIEW_POST = "review_post"
ANNOUNCEMENT = "announcement"
DECISION_DM = "decision_dm"
MAX_CHOICES = 25


@dataclass(frozen=True)
class Form:
    """What the report form opens with."""

    trip: TripView
    title: str | None
    body: str | None
    reason: str | None  # the staff's reason, when the last report was sent back or rejected
    previous_state: str | None


@dataclass(frozen=True)
class ReportView:
    report: Report
    trip: TripView


class LengthRefused(DomainError):
    """Out of the length range; the text is kept as a draft of ``trip_id``."""

    def __init__(self, key: str, trip_id: int, **params: Any) -> None:
        super().__init__(key, **params)
        self.trip_id = trip_id


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        trips: TripService,
        members: MemberService,
        outbox: OutboxService,
        subsidy: SubsidyService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._trips = trips
        self._members = members
        self._outbox = outbox
        self._subsidy = subsidy
        self._clock = clock
        outbox.on_failure("dm", self._dm_failed)

    # ------------------------------------------------------------------ the member's side
    async def form(self, guild_id: int, user_id: int, trip_ref: str | int) -> Form:
        trip = await self._reportable_trip(guild_id, user_id, trip_ref)
        async with self._db.read() as conn:
            latest = await reports.latest_for_trip(conn, trip.trip.id)
            draft = await reports.draft(conn, guild_id, user_id, trip.trip.id)
        self._check_latest(latest)
        title, body = draft or (None, None)
        sent_back = latest is not None and latest.state in (rules.CHANGES_REQUESTED, rules.REJECTED)
        if draft is None and sent_back:
            assert latest is not None
            title, body = latest.title, latest.body
        return Form(
            trip=trip,
            title=title,
            body=body,
            reason=latest.reason if sent_back and latest else None,
            previous_state=latest.state if latest else None,
        )

    async def submit(
        self,
        guild_id: int,
        user_id: int,
        trip_ref: str | int,
        title: str | None,
        body: str,
        language: str,
    ) -> ReportView:
        trip = await self._reportable_trip(guild_id, user_id, trip_ref)
        settings = await self._settings.get(guild_id)
        title = clean_text(title, rules.MAX_TITLE) if title else None
        text = clean_text(body, rules.MAX_BODY, multiline=True) or ""
        units = rules.count_units(text)
        now = self._clock.now()
        try:
            rules.check_length(units, settings.report_min_units, settings.report_max_units)
        except DomainError as error:
            async with self._db.transaction() as conn:
                await reports.save_draft(conn, guild_id, user_id, trip.trip.id, title, text, now)
            raise LengthRefused(error.key, trip.trip.id, **error.params) from None
        async with self._db.transaction() as conn:
            latest = await reports.latest_for_trip(conn, trip.trip.id)
            self._check_latest(latest)
            if latest is not None and latest.state == rules.CHANGES_REQUESTED:
                report_id = latest.id
                await reports.resubmit(conn, report_id, title, text, units, language, now)
                action = "report.resubmitted"
            else:
                report_id = await reports.insert(
                    conn, guild_id, user_id, trip.trip.id, title, text, units, language, now
                )
                action = "report.submitted"
            row = await self._message(
                conn,
                guild_id,
                "message.post",
                settings.moderation_channel_id,
                REVIEW_POST,
                report_id,
            )
            await reports.set_review_row(conn, report_id, row)
            await reports.drop_draft(conn, guild_id, user_id, trip.trip.id)
            await self._subsidy.reconcile_trip(conn, trip.trip.id, report_id)
            await audit.record(conn, guild_id, user_id, action, f"report:{report_id}", units=units)
            report = await reports.get(conn, guild_id, report_id)
        self._outbox.wake()
        assert report is not None
        return ReportView(report, trip)

    async def withdraw(self, guild_id: int, user_id: int, report_ref: str) -> ReportView:
        view = await self._own(guild_id, user_id, report_ref)
        if not view.report.open:
            raise DomainError("report.not_withdrawable", state=_state(view.report))
        async with self._db.transaction() as conn:
            if not await reports.settle(
                conn, view.report.id, rules.WITHDRAWN, user_id, None, self._clock.now()
            ):
                current = await reports.get(conn, guild_id, view.report.id)
                assert current is not None
                raise DomainError("report.not_withdrawable", state=_state(current))
            await self._edit_review_post(conn, view.report)
            await audit.record(
                conn, guild_id, user_id, "report.withdrawn", f"report:{view.report.id}"
            )
        self._outbox.wake()
        return view

    async def mine(self, guild_id: int, user_id: int) -> list[ReportView]:
        async with self._db.read() as conn:
            found = await reports.of_member(conn, guild_id, user_id)
        return await self._views(guild_id, found)

    async def withdrawable(self, guild_id: int, user_id: int, typed: str) -> list[ReportView]:
        views = [v for v in await self.mine(guild_id, user_id) if v.report.open]
        typed = typed.strip().casefold()
        if typed:
            views = [
                v
                for v in views
                if typed in v.trip.city.name("en").casefold() or typed in v.trip.city.name("ja")
            ]
        return views[:MAX_CHOICES]

    async def reportable(self, guild_id: int, user_id: int, typed: str) -> list[TripView]:
        """The member's trips that can take a report now: over, and without a live report
        (one sent back for changes can take its new text)."""
        today = self._clock.today()
        trips = await self._trips.autocomplete(guild_id, user_id, typed)
        async with self._db.read() as conn:
            live = await reports.live_trip_ids(conn, guild_id, user_id)
        return [
            t
            for t in trips
            if t.trip.end <= today
            and live.get(t.trip.id, rules.CHANGES_REQUESTED) == rules.CHANGES_REQUESTED
        ]

    async def states_by_trip(self, guild_id: int, user_id: int) -> dict[int, str]:
        """The state of each trip's latest report."""
        async with self._db.read() as conn:
            found = await reports.of_member(conn, guild_id, user_id)
        states: dict[int, str] = {}
        for report in found:  # newest first
            states.setdefault(report.trip_id, report.state)
        return states

    # ------------------------------------------------------------------ the staff's side
    async def decidable(self, guild_id: int, report_id: int) -> ReportView:
        """The report behind a review button, if it still awaits a decision."""
        view = await self.view(guild_id, require_id(report_id, "report.unknown"))
        if not view.report.open:
            raise AlreadyDecided(view.report)
        return view

    async def decide(
        self, guild_id: int, staff_id: int, report_id: int, action: str, reason: str | None
    ) -> ReportView:
        report_id = require_id(report_id, "report.unknown")
        reason = clean_text(reason, rules.MAX_REASON, multiline=True) if reason else None
        if action in rules.NEEDS_REASON and not reason:
            raise DomainError("report.reason_needed")
        settings = await self._settings.get(guild_id)
        async with self._db.transaction() as conn:
            report = await reports.get(conn, guild_id, report_id)
            if report is None:
                raise DomainError("report.unknown")
            state = rules.decision_state(report, action)
            if not await reports.settle(
                conn, report_id, state, staff_id, reason, self._clock.now()
            ):
                current = await reports.get(conn, guild_id, report_id)
                assert current is not None
                raise AlreadyDecided(current)
            await self._edit_review_post(conn, report)
            await self._subsidy.reconcile_trip(conn, report.trip_id, report_id)
            await self._outbox.enqueue(
                conn,
                guild_id,
                "dm",
                f"member:{guild_id}:{report.user_id}",
                user_id=report.user_id,
                message=_render(DECISION_DM, guild_id, report_id),
            )
            if state == rules.APPROVED and settings.announcement_channel_id:
                await self._message(
                    conn,
                    guild_id,
                    "message.post",
                    settings.announcement_channel_id,
                    ANNOUNCEMENT,
                    report_id,
                )
            await audit.record(
                conn, guild_id, staff_id, f"report.{state}", f"report:{report_id}", reason=reason
            )
            decided = await reports.get(conn, guild_id, report_id)
        self._outbox.wake()
        assert decided is not None
        return await self._view(guild_id, decided)

    # ------------------------------------------------------------------ for the renderers
    async def view(self, guild_id: int, report_id: int) -> ReportView:
        async with self._db.read() as conn:
            report = await reports.get(conn, guild_id, report_id)
        if report is None:
            raise DomainError("report.unknown")
        return await self._view(guild_id, report)

    async def _view(self, guild_id: int, report: Report) -> ReportView:
        return (await self._views(guild_id, [report]))[0]

    async def _views(self, guild_id: int, found: list[Report]) -> list[ReportView]:
        trips = {
            t.trip.id: t for t in await self._trips.by_ids(guild_id, [r.trip_id for r in found])
        }
        return [ReportView(r, trips[r.trip_id]) for r in found if r.trip_id in trips]

    # ------------------------------------------------------------------ inside
    async def _reportable_trip(self, guild_id: int, user_id: int, trip_ref: str | int) -> TripView:
        await self._members.require_member(guild_id, user_id)
        settings = await self._settings.get(guild_id)
        if settings.moderation_channel_id is None:
            raise DomainError("report.no_moderation_channel")
        trip = await self._trips.own_trip(guild_id, user_id, trip_ref)
        if trip.trip.end > self._clock.today():
            raise DomainError("report.trip_not_over", end=trip.trip.end)
        return trip

    @staticmethod
    def _check_latest(latest: Report | None) -> None:
        if latest is not None and latest.state == rules.AWAITING:
            raise DomainError("report.awaiting_already")
        if latest is not None and latest.state == rules.APPROVED:
            raise DomainError("report.approved_already")

    async def _own(self, guild_id: int, user_id: int, reference: str) -> ReportView:
        report_id = require_id(reference, "report.unknown")
        async with self._db.read() as conn:
            report = await reports.get(conn, guild_id, report_id)
        if report is None or report.user_id != user_id:
            raise DomainError("report.unknown")
        return await self._view(guild_id, report)

    async def _message(
        self,
        conn: Connection,
        guild_id: int,
        kind: str,
        channel_id: int | None,
        render: str,
        report_id: int,
    ) -> int:
        return await self._outbox.enqueue(
            conn,
            guild_id,
            kind,
            f"channel:{channel_id}",
            channel_id=channel_id,
            message=_render(render, guild_id, report_id),
        )

    async def _edit_review_post(self, conn: Connection, report: Report) -> None:
        """Queue an edit of the report's review post, which renders the report as it now is."""
        if report.review_row is None:
            return
        posted = await _outbox_row(conn, report.review_row)
        await self._outbox.enqueue(
            conn,
            report.guild_id,
            "message.edit",
            posted.target,
            channel_id=posted.payload["channel_id"],
            source=posted.id,
            message=_render(REVIEW_POST, report.guild_id, report.id),
        )

    async def _dm_failed(self, conn: Connection, row: OutboxRow, code: int | None) -> None:
        """A decision's direct message could not be delivered (e.g. 50007: DMs closed): record
        it for /report status, and note it on the review post."""
        message = row.payload.get("message", {})
        if message.get("render") != DECISION_DM:
            return
        report = await reports.get(conn, row.guild_id, message["report_id"])
        if report is None:
            return
        await reports.mark_dm_failed(conn, report.id)
        await self._edit_review_post(conn, report)


def _render(name: str, guild_id: int, report_id: int) -> dict[str, Any]:
    return {"render": name, "guild_id": guild_id, "report_id": report_id}


def _state(report: Report) -> Term:
    return Term(f"report.state.{report.state}")


async def _outbox_row(conn: Connection, row_id: int) -> OutboxRow:
    row = await outbox.get(conn, row_id)
    assert row is not None
    return row
