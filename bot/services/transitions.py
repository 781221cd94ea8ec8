"""The one way a report, a grant, a trip or a membership changes state, with all that follows.

Each public method makes one state change inside the caller's unit of work and hands it to
:meth:`Transitions._apply`, the single function that applies every consequence: the audit entry;
the report's Discord messages (review post or its edit, the author's message, the announcement);
the subsidy ledger of every city and fiscal year the change can move, with a message to whoever
receives the subsidy now; the member role; and the deadline reminders the change made pointless
(the report was sent, the trip cancelled, the member left). A new caller cannot forget one,
because no other code writes these states (the repositories' state-changing functions are called
from here only).

Why one function: a withdrawal once freed the subsidy without handing it on, because the
withdrawal path had its own short list of consequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.domain import deadlines as deadline_rules
from bot.domain import reports as report_rules
from bot.domain import subsidy as subsidy_rules
from bot.domain.clock import Clock
from bot.domain.deadlines import DeadlineShift, reminder_keys
from bot.domain.fiscal import FiscalYear
from bot.domain.membership import Period, member_on
from bot.domain.outbox import DirectMessage, Edit, MessageRef, Post, RoleChange
from bot.domain.photos import Stored
from bot.domain.reports import Publication, Report
from bot.domain.settings import GuildSettings
from bot.domain.trips import Trip
from bot.services import subsidy_line
from bot.services.outbox import OutboxService
from bot.services.settings import SettingsService
from db import audit, cities, erasure, ledger, members, outbox, photos, reports, trips
from db.database import Connection
from db.ledger import Grant

# The messages these changes queue; the features that show them register a renderer for each.
REVIEW_POST = "review_post"
ANNOUNCEMENT = "announcement"
DECISION_DM = "decision_dm"
SUBSIDY_DM = "subsidy_dm"


@dataclass(frozen=True)
class Change:
    """One state change: who made it (None: the bot, e.g. the daily expiry check), what the
    audit log calls it, and which cities' subsidy lines it can move."""

    guild_id: int
    actor_id: int | None
    action: str
    subject: str
    detail: dict[str, Any] = field(default_factory=dict)
    lines: frozenset[tuple[int, date]] = frozenset()  # (city row, a trip's first day)
    stale_reminders: tuple[str, ...] = ()  # keys of deadline reminders no longer wanted


@dataclass(frozen=True)
class ReportMoved(Change):
    report: Report | None = None
    how: str = ""  # a key of bot.domain.reports.EFFECTS


@dataclass(frozen=True)
class MembershipChanged(Change):
    user_id: int = 0


class Transitions:
    def __init__(self, settings: SettingsService, outbox: OutboxService, clock: Clock) -> None:
        self._settings = settings
        self._outbox = outbox
        self._clock = clock

    # ------------------------------------------------------------------ reports
    async def submit(
        self,
        conn: Connection,
        guild_id: int,
        trip: Trip,
        title: str | None,
        body: str,
        units: int,
        language: str,
        publication: Publication,
        new_photos: Sequence[Stored] = (),
        *,
        keep_photos: bool = True,
    ) -> Report:
        """A report on ``trip``: a new one, or the new text of one sent back for changes (which
        keeps its place in line). A report written again keeps the photos of the one it follows
        (sent back or rejected) unless ``new_photos`` replace them or ``keep_photos`` is False."""
        now = self._clock.now()
        latest = await reports.latest_for_trip(conn, trip.id)
        if latest is not None and latest.state == report_rules.CHANGES_REQUESTED:
            report_id = latest.id
            await reports.resubmit(conn, report_id, title, body, units, language, now, publication)
            how = report_rules.RESUBMITTED
        else:
            report_id = await reports.insert(
                conn, guild_id, trip.user_id, trip.id, title, body, units, language, now,
                publication, due_on=trip.report_due,
            )  # fmt: skip
            how = report_rules.SUBMITTED
            rejected = latest if latest and latest.state == report_rules.REJECTED else None
            if keep_photos and not new_photos and rejected is not None:
                await photos.copy(conn, rejected.id, report_id)
        if new_photos or not keep_photos:
            await photos.replace(conn, report_id, new_photos)
        await reports.drop_draft(conn, guild_id, trip.user_id, trip.id)
        report = await reports.get(conn, guild_id, report_id)
        assert report is not None  # written just above
        await self._apply(
            conn,
            replace(
                _report_moved(report, trip.user_id, how, units=units),
                stale_reminders=tuple(reminder_keys(trip.id, trip.report_due)),
            ),
        )
        return report

    async def settle(
        self, conn: Connection, report: Report, state: str, actor_id: int, reason: str | None
    ) -> Report | None:
        """Move an awaiting report to ``state`` (a staff decision, or its author withdrawing it);
        None when it was no longer awaiting (someone was first)."""
        settled = await reports.settle(conn, report.id, state, actor_id, reason, self._clock.now())
        if settled is None:
            return None
        await self._apply(conn, _report_moved(settled, actor_id, state, reason=reason))
        return settled

    async def recover_review_post(self, conn: Connection, report: Report) -> None:
        """The report's review post was found deleted: queue its edit, which posts it anew (an
        edit of a deleted message does) with the same buttons, acting on the same report."""
        await self._edit_review_post(conn, report)

    async def note_dm_failed(self, conn: Connection, report: Report) -> None:
        """The author could not be told of a decision: /report status and the review post say so.
        Not a change of state: only the review post follows."""
        await reports.mark_dm_failed(conn, report.id)
        await self._edit_review_post(conn, report)

    # ------------------------------------------------------------------ grants
    async def void_grant(self, conn: Connection, grant: Grant, actor_id: int, reason: str) -> bool:
        """Staff void a grant; its report leaves the line and the next one in line receives it."""
        if not await ledger.void(conn, grant.id, reason, actor_id, self._clock.now()):
            return False
        month = (await self._settings.get(grant.guild_id, conn)).fiscal_year_start_month
        first_day = FiscalYear(grant.fiscal_year, month).start
        await self._apply(
            conn,
            Change(
                grant.guild_id, actor_id, "subsidy.voided", f"grant:{grant.id}",
                {"reason": reason}, frozenset({(grant.city_id, first_day)}),
            ),
        )  # fmt: skip
        return True

    # ------------------------------------------------------------------ trips
    async def cancel_trip(self, conn: Connection, guild_id: int, trip: Trip) -> None:
        await trips.cancel(conn, trip.id, self._clock.now())
        city_id = await trips.city_id(conn, guild_id, trip.city_slug)
        lines = frozenset({(city_id, trip.start)}) if city_id is not None else frozenset()
        await self._apply(
            conn,
            Change(
                guild_id, trip.user_id, "trip.cancelled", f"trip:{trip.id}", lines=lines,
                stale_reminders=tuple(reminder_keys(trip.id, trip.report_due)),
            ),
        )  # fmt: skip

    async def deadline_changed(
        self, conn: Connection, guild_id: int, actor_id: int, new_days: int | None
    ) -> DeadlineShift:
        """The guild's report deadline is now ``new_days`` (None: none): reschedule the trips still
        waiting for a report (bot.domain.deadlines.rescheduled says how). Reports already sent
        keep the due day they were sent under."""
        today = self._clock.today()
        waiting = await trips.waiting_for_report(
            conn, guild_id, deadline_rules.history_before(today)
        )
        due = [deadline_rules.rescheduled(t.end, t.report_due, new_days, today) for t in waiting]
        shift = DeadlineShift.tally(
            new_days, today, ((t.end, t.report_due, d) for t, d in zip(waiting, due, strict=True))
        )
        moved: dict[int, date | None] = {}
        stale: list[str] = []
        for trip, new_due in zip(waiting, due, strict=True):
            if new_due != trip.report_due:
                moved[trip.id] = new_due
                stale += reminder_keys(trip.id, trip.report_due)
        await trips.set_report_due(conn, moved)
        await self._apply(
            conn,
            Change(
                guild_id, actor_id, "report.deadline_changed", f"guild:{guild_id}",
                {"days": new_days, "rescheduled": shift.rescheduled,
                 "given_grace": shift.given_grace, "cleared": shift.cleared,
                 "kept_passed": shift.kept_passed},
                stale_reminders=tuple(stale),
            ),
        )  # fmt: skip
        return shift

    # ------------------------------------------------------------------ memberships
    async def membership_changed(
        self,
        conn: Connection,
        guild_id: int,
        user_id: int,
        actor_id: int | None,
        period: Period,
        kind: str,
    ) -> None:
        """Record a change in a member's history (registered, renewed, ended, expired), after the
        registry's periods were written: the member's reports may gain or lose their place, and
        the member role follows."""
        await members.record_event(
            conn, guild_id, user_id, period, kind, actor_id, self._clock.now()
        )
        lines = frozenset(await ledger.lines_of_member(conn, guild_id, user_id))
        await self._apply(
            conn,
            MembershipChanged(
                guild_id, actor_id, f"member.{kind}", str(user_id),
                {"number": period.number, "valid_from": period.valid_from,
                 "expires": period.expires},
                lines, user_id=user_id,
            ),
        )  # fmt: skip

    async def member_forgotten(
        self, conn: Connection, guild_id: int, actor_id: int, user_id: int, report_ids: list[int]
    ) -> None:
        """A former member's personal data was erased (db.erasure): the audit log records who
        erased whom, nothing of what; the review posts and announcements of their reports are
        edited so that Discord no longer shows the erased text either."""
        await self._apply(conn, Change(guild_id, actor_id, "member.forgotten", str(user_id)))
        for report_id in report_ids:
            report = await reports.get(conn, guild_id, report_id)
            if report is not None:
                await self._edit_review_post(conn, report)
        posted = await erasure.posts_about(conn, guild_id, report_ids, ANNOUNCEMENT)
        for row_id, channel_id, report_id in posted:
            message = MessageRef(ANNOUNCEMENT, guild_id, {"report_id": report_id})
            await self._outbox.enqueue(conn, guild_id, Edit(channel_id, row_id, message))

    async def keep_role_in_step(self, conn: Connection, guild_id: int, user_id: int) -> bool:
        """Queue the member role change today's membership implies; return membership today."""
        settings = await self._settings.get(guild_id, conn)
        member_today = member_on(
            await members.periods(conn, guild_id, user_id), self._clock.today()
        )
        if settings.member_role_id is not None and member_today != await members.role_held(
            conn, guild_id, user_id
        ):
            await self.queue_role(conn, guild_id, user_id, settings.member_role_id, member_today)
        return member_today

    async def queue_role(
        self, conn: Connection, guild_id: int, user_id: int, role_id: int, hold: bool
    ) -> None:
        await self._outbox.enqueue(conn, guild_id, RoleChange(user_id, role_id), hold=hold)
        await members.set_role_held(conn, guild_id, user_id, hold)

    # ------------------------------------------------------------------ the consequences
    async def _apply(self, conn: Connection, change: Change) -> None:
        """Every consequence of ``change``, in the caller's unit of work."""
        await audit.record(
            conn, change.guild_id, change.actor_id, change.action, change.subject, **change.detail
        )
        settings = await self._settings.get(change.guild_id, conn)
        if isinstance(change, ReportMoved) and change.report is not None:
            await self._report_messages(conn, settings, change.report, change.how)
        years = {
            (city_id, FiscalYear.containing(day, settings.fiscal_year_start_month))
            for city_id, day in change.lines
        }
        for city_id, year in sorted(years, key=lambda line: (line[0], line[1].year)):
            await self._keep_ledger(conn, settings, city_id, year)
        stale = list(change.stale_reminders)
        if isinstance(change, MembershipChanged) and not await self.keep_role_in_step(
            conn, change.guild_id, change.user_id
        ):  # not a member today: no reminder about any of their trips
            for trip in await trips.of_member(conn, change.guild_id, change.user_id):
                stale += reminder_keys(trip.id, trip.report_due)
        await self._outbox.cancel(conn, stale, change.action)

    async def _report_messages(
        self, conn: Connection, settings: GuildSettings, report: Report, how: str
    ) -> None:
        effects = report_rules.EFFECTS[how]
        guild_id = report.guild_id
        if effects.new_review_post and settings.moderation_channel_id is not None:
            row = await self._outbox.enqueue(
                conn,
                guild_id,
                Post(settings.moderation_channel_id, _about(REVIEW_POST, report)),
            )
            await reports.set_review_row(conn, report.id, row)
        elif not effects.new_review_post:
            await self._edit_review_post(conn, report)
        if effects.tell_author:
            await self._outbox.enqueue(
                conn, guild_id, DirectMessage(report.user_id, _about(DECISION_DM, report))
            )
        if effects.announce and settings.announcement_channel_id is not None:
            await self._outbox.enqueue(
                conn,
                guild_id,
                Post(settings.announcement_channel_id, _about(ANNOUNCEMENT, report)),
            )

    async def _edit_review_post(self, conn: Connection, report: Report) -> None:
        """Queue an edit of the report's review post, which renders the report as it now is."""
        if report.review_row is None:
            return
        posted = await outbox.get(conn, report.review_row)
        if posted is None or not isinstance(posted.payload, Post):
            return
        await self._outbox.enqueue(
            conn,
            report.guild_id,
            Edit(posted.payload.channel_id, posted.id, _about(REVIEW_POST, report)),
        )

    async def _keep_ledger(
        self, conn: Connection, settings: GuildSettings, city_id: int, year: FiscalYear
    ) -> None:
        """Make the ledger of one city and fiscal year agree with the rule: grant the holder; when
        the holder changed (the report that held it left the line), void the old grant. A paid
        grant is never moved: money has left the office. A new holder is told by message."""
        guild_id = settings.guild_id
        city = await cities.by_id(conn, city_id)
        if city is None or not city.subsidy_eligible:
            return
        outcome = await subsidy_line.holder(conn, guild_id, city_id, year)
        current = await ledger.live(conn, guild_id, city_id, year.year)
        wanted = outcome.candidate if outcome.state == subsidy_rules.GRANTED else None
        if current is not None and (wanted is None or current.report_id != wanted.report_id):
            if current.state == "paid":
                return
            await ledger.void(conn, current.id, "superseded", None, self._clock.now())
            await audit.record(conn, guild_id, None, "subsidy.moved", f"grant:{current.id}")
            current = None
        if wanted is None or current is not None:
            return
        amount = settings.subsidy_amount_yen
        grant_id = await ledger.insert(
            conn, guild_id, city_id, year.year, wanted.user_id, wanted.report_id, amount,
            self._clock.now(),
        )  # fmt: skip
        await audit.record(
            conn, guild_id, None, "subsidy.granted", f"grant:{grant_id}",
            report=wanted.report_id, user=wanted.user_id, amount=amount,
        )  # fmt: skip
        await self._outbox.enqueue(
            conn,
            guild_id,
            DirectMessage(wanted.user_id, MessageRef(SUBSIDY_DM, guild_id, {"grant_id": grant_id})),
        )


def _about(render: str, report: Report) -> MessageRef:
    return MessageRef(render, report.guild_id, {"report_id": report.id})


def _report_moved(report: Report, actor_id: int, how: str, **detail: Any) -> ReportMoved:
    return ReportMoved(
        report.guild_id,
        actor_id,
        f"report.{how}",
        f"report:{report.id}",
        {k: v for k, v in detail.items() if v is not None},
        frozenset({(report.city_id, report.trip_start)}),
        report=report,
        how=how,
    )
