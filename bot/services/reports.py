"""Reports and their review: submit, resubmit, withdraw, decide.

Every change of a report's state goes through bot.services.transitions, which writes the state and
everything that follows from it (the review post and its edits, the member's direct message, the
announcement, the subsidy ledger, the audit log) in the caller's one transaction; the messages are
outbox rows, delivered afterwards by the worker. Two staff deciding at once decide once, because
the decision is a conditional UPDATE (only an awaiting report moves).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain import credit
from bot.domain import photos as photo_rules
from bot.domain import reports as rules
from bot.domain.cities import City
from bot.domain.clock import TOKYO, Clock
from bot.domain.dates import parse_date
from bot.domain.deadlines import overdue
from bot.domain.errors import DomainError, Term
from bot.domain.fiscal import FiscalYear
from bot.domain.ids import require_id
from bot.domain.photos import Photo, Stored
from bot.domain.reports import UNCHOSEN, AlreadyDecided, Publication, Report
from bot.domain.settings import GuildSettings
from bot.domain.text import clean_text
from bot.services import membership
from bot.services.cities import CityService
from bot.services.outbox import OutboxService
from bot.services.settings import SettingsService
from bot.services.transitions import DECISION_DM, Transitions
from bot.services.trips import TripService, TripView
from db import ledger, members, photos, reports, trips
from db.database import Connection, Database
from db.outbox import OutboxRow

MAX_CHOICES = 25
QUEUE_PAGE = 25  # as many as one embed shows as fields
EXPORT_CHUNK = 20  # reports read per unit of work by an export, so nobody else waits long


@dataclass(frozen=True)
class Form:
    """What the report form opens with."""

    trip: TripView
    title: str | None
    body: str | None
    reason: str | None  # the staff's reason, when the last report was sent back or rejected
    previous_state: str | None
    late: bool = False  # sent now, the report would be late: published, but not in line
    publication: Publication = UNCHOSEN  # the choices last made (a draft, or the report)
    photos_kept: int = 0  # photos of the report before, which it keeps unless new ones are sent


@dataclass(frozen=True)
class Upload:
    """A file the member attached to the form: its name, its size as Discord reports it, and how
    to download it (the caller's; it raises a DomainError when the file cannot be read)."""

    name: str
    size: int
    read: Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class ReportView:
    report: Report
    trip: TripView


@dataclass(frozen=True)
class Published:
    """A report as it is published: its photos, and only what its author agreed to show."""

    view: ReportView
    photos: list[Photo]
    credit: str | None  # the name or initials to print; None: "a member"
    subsidy_yen: int | None  # the subsidy it received, where its author agreed it be mentioned
    registry_name: str | None = None  # for staff only (the review post), never published
    registry_number: str | None = None  # the same


@dataclass(frozen=True)
class ExportPlan:
    """Which approved reports a newsletter export holds, in approval order, and how large their
    photos are. ``year`` None: any year (``since`` alone was given)."""

    year: FiscalYear | None
    city: City | None
    since: date | None
    report_ids: list[int]
    photo_bytes: int
    preview_bytes: int  # of the photos' smaller copies

    def chunks(self) -> list[list[int]]:
        ids = self.report_ids
        return [ids[i : i + EXPORT_CHUNK] for i in range(0, len(ids), EXPORT_CHUNK)]


@dataclass(frozen=True)
class WaitingView:
    """A report awaiting review and where its review post is."""

    view: ReportView
    channel_id: int | None
    message_id: int | None  # None until the review post was delivered
    post_state: str | None  # the review post's delivery: pending | delivered | failed

    def days_waiting(self, now: datetime) -> int:
        return (now - self.view.report.submitted_at).days


@dataclass(frozen=True)
class QueuePage:
    waiting: list[WaitingView]
    offset: int
    limit: int
    total: int
    now: datetime

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


class KeptAsDraft(DomainError):
    """The report was refused (out of the length range, a photo that cannot be taken); its text
    and choices are kept as a draft of ``trip_id``. ``photos_dropped``: photos were sent with it,
    and are not kept (the member adds them again)."""

    def __init__(self, refused: DomainError, trip_id: int, photos_dropped: bool) -> None:
        super().__init__(refused.key, **refused.params)
        self.trip_id = trip_id
        self.photos_dropped = photos_dropped


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        trips: TripService,
        transitions: Transitions,
        outbox: OutboxService,
        clock: Clock,
        cities: CityService,
    ) -> None:
        self._db = db
        self._cities = cities
        self._settings = settings
        self._trips = trips
        self._transitions = transitions
        self._clock = clock
        outbox.on_failure(DECISION_DM, self._dm_failed)

    # ------------------------------------------------------------------ the member's side
    async def form(self, guild_id: int, user_id: int, trip_ref: str | int) -> Form:
        settings = await self._settings.get(guild_id)

        async def read(
            conn: Connection,
        ) -> tuple[TripView, Report | None, reports.Draft | None, bool, dict[int, int]]:
            trip = await self._reportable_trip(conn, settings, user_id, trip_ref)
            latest = await reports.latest_for_trip(conn, trip.trip.id)
            draft = await reports.draft(conn, guild_id, user_id, trip.trip.id)
            sent_back = latest is not None and latest.state in (
                rules.CHANGES_REQUESTED,
                rules.REJECTED,
            )
            kept = (await photos.counts(conn, [latest.id])) if latest and sent_back else {}
            return trip, latest, draft, sent_back, kept

        trip, latest, draft, sent_back, kept = await self._db.run(read, write=False)
        self._check_latest(latest)
        title, body = (draft.title, draft.body) if draft else (None, None)
        publication = draft.publication if draft else UNCHOSEN
        if draft is None and sent_back:
            assert latest is not None
            title, body, publication = latest.title, latest.body, latest.publication
        keeps_place = latest is not None and latest.state == rules.CHANGES_REQUESTED
        return Form(
            trip=trip,
            title=title,
            body=body,
            reason=latest.reason if sent_back and latest else None,
            previous_state=latest.state if latest else None,
            late=latest.late
            if keeps_place and latest
            else overdue(self._clock.today(), trip.trip.report_due),
            publication=publication,
            photos_kept=sum(kept.values()),
        )

    async def submit(
        self,
        guild_id: int,
        user_id: int,
        trip_ref: str | int,
        title: str | None,
        body: str,
        language: str,
        publication: Publication = UNCHOSEN,
        uploads: Sequence[Upload] = (),
        *,
        drop_photos: bool = False,
    ) -> ReportView:
        """Send a report; :class:`KeptAsDraft` when its length or one of its photos is refused.
        ``drop_photos``: the photos of the report it follows are not kept (new ones still are).
        Photos are checked before they are downloaded (how many, how large), downloaded, and
        cleaned off the event loop, all before the unit of work opens."""
        settings = await self._settings.get(guild_id)
        title = clean_text(title, rules.MAX_TITLE) if title else None
        text = clean_text(body, rules.MAX_BODY, multiline=True) or ""
        length = rules.measure(text, settings.report_min_units, settings.report_max_units)
        units = length.count
        cleaned: list[Stored] = []
        if uploads:  # nobody's files are downloaded for a report that cannot be sent
            async with self._db.read() as conn:
                trip = await self._reportable_trip(conn, settings, user_id, trip_ref)
                self._check_latest(await reports.latest_for_trip(conn, trip.trip.id))
        try:
            rules.check_length(length)
            if uploads:
                cleaned = await _clean_photos(uploads)
            refused = None
        except DomainError as error:
            refused = error

        async def write(conn: Connection) -> tuple[TripView, Report | None]:
            trip = await self._reportable_trip(conn, settings, user_id, trip_ref)
            if refused is not None:  # kept, so that the member's text is not lost
                await reports.save_draft(
                    conn, guild_id, user_id, trip.trip.id, title, text, self._clock.now(),
                    publication,
                )  # fmt: skip
                return trip, None
            self._check_latest(await reports.latest_for_trip(conn, trip.trip.id))
            report = await self._transitions.submit(
                conn, guild_id, trip.trip, title, text, units, language, publication, cleaned,
                keep_photos=not drop_photos,
            )  # fmt: skip
            return trip, report

        trip, report = await self._db.run(write)
        if refused is not None or report is None:
            assert refused is not None
            raise KeptAsDraft(refused, trip.trip.id, photos_dropped=bool(uploads))
        return ReportView(report, trip)

    async def withdraw(self, guild_id: int, user_id: int, report_ref: str) -> ReportView:
        async with self._db.transaction() as conn:
            view = await self._own(conn, guild_id, user_id, report_ref)
            if not view.report.open:
                raise DomainError("report.not_withdrawable", state=_state(view.report))
            settled = await self._transitions.settle(
                conn, view.report, rules.WITHDRAWN, user_id, None
            )
            if settled is None:  # staff decided it meanwhile
                current = await reports.get(conn, guild_id, view.report.id)
                assert current is not None
                raise DomainError("report.not_withdrawable", state=_state(current))
        return ReportView(settled, view.trip)

    async def mine(self, guild_id: int, user_id: int) -> list[ReportView]:
        async with self._db.read() as conn:
            found = await reports.of_member(conn, guild_id, user_id)
            return await self._views(conn, guild_id, found)

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

    async def latest_by_trip(self, guild_id: int, user_id: int) -> dict[int, Report]:
        """Each trip's latest report."""
        async with self._db.read() as conn:
            found = await reports.of_member(conn, guild_id, user_id)
        latest: dict[int, Report] = {}
        for report in found:  # newest first
            latest.setdefault(report.trip_id, report)
        return latest

    # ------------------------------------------------------------------ the staff's side
    async def queue(self, guild_id: int, offset: int, limit: int = QUEUE_PAGE) -> QueuePage:
        """A page of the reports awaiting review, longest waiting first (/report queue)."""
        offset = max(offset, 0)
        async with self._db.read() as conn:
            total = await reports.count_awaiting(conn, guild_id)
            if offset >= total:  # the queue shrank since the page was shown: its last page
                offset = max((total - 1) // limit * limit, 0)
            found = await reports.awaiting(conn, guild_id, limit, offset)
            views = await self._waiting_views(conn, guild_id, found)
        return QueuePage(views, offset, limit, total, self._clock.now())

    async def waited_longer(self, guild_id: int, days: int, limit: int) -> QueuePage:
        """The reports that have waited for review longer than ``days`` days (the daily review
        reminder), longest waiting first."""
        now = self._clock.now()
        before = now - timedelta(days=days)
        async with self._db.read() as conn:
            total = await reports.count_awaiting(conn, guild_id, before)
            found = await reports.awaiting(conn, guild_id, limit, sent_before=before)
            views = await self._waiting_views(conn, guild_id, found)
        return QueuePage(views, 0, limit, total, now)

    async def review_post_lost(self, guild_id: int, report_id: int) -> None:
        """Discord says the report's review post no longer exists: post it again."""
        async with self._db.transaction() as conn:
            report = await reports.get(conn, guild_id, report_id)
            if report is not None:
                await self._transitions.recover_review_post(conn, report)

    async def _waiting_views(
        self, conn: Connection, guild_id: int, found: list[reports.Waiting]
    ) -> list[WaitingView]:
        views = {
            v.report.id: v for v in await self._views(conn, guild_id, [w.report for w in found])
        }
        return [
            WaitingView(views[w.report.id], w.channel_id, w.message_id, w.post_state)
            for w in found
            if w.report.id in views
        ]

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

        async def write(conn: Connection) -> ReportView:
            report = await reports.get(conn, guild_id, report_id)
            if report is None:
                raise DomainError("report.unknown")
            state = rules.decision_state(report, action)
            decided = await self._transitions.settle(conn, report, state, staff_id, reason)
            if decided is None:
                current = await reports.get(conn, guild_id, report_id)
                assert current is not None
                raise AlreadyDecided(current)
            return (await self._views(conn, guild_id, [decided]))[0]

        return await self._db.run(write)

    # ------------------------------------------------------------------ for the renderers
    async def view(self, guild_id: int, report_id: int) -> ReportView:
        async def read(conn: Connection) -> ReportView:
            return await self._view(conn, guild_id, report_id)

        return await self._db.run(read, write=False)

    # ------------------------------------------------------------------ the newsletter
    async def export_plan(
        self, guild_id: int, year: int | None, city_ref: str | None, since_text: str | None
    ) -> ExportPlan:
        """The approved reports of ``year`` (default: this fiscal year, or any year when only
        ``since`` is given), to one city, approved since a day (for everything since the last
        issue of the newsletter)."""
        settings = await self._settings.get(guild_id)
        today = self._clock.today()
        since = parse_date(since_text[:100], today) if since_text else None
        month = settings.fiscal_year_start_month
        fiscal = None
        if year is not None:
            fiscal = FiscalYear(year, month)
        elif since is None:
            fiscal = FiscalYear.containing(today, month)
        city = await self._cities.get(guild_id, city_ref) if city_ref else None
        decided_since = datetime.combine(since, time(0), TOKYO) if since else None

        async def read(conn: Connection) -> tuple[list[int], int, int]:
            city_id = await trips.city_id(conn, guild_id, city.slug) if city else None
            if city is not None and city_id is None:  # a city nobody has visited yet
                return [], 0, 0
            return await reports.published_between(
                conn,
                guild_id,
                fiscal.start if fiscal else None,
                fiscal.end if fiscal else None,
                city_id,
                decided_since,
            )

        ids, size, previews = await self._db.run(read, write=False)
        return ExportPlan(fiscal, city, since, ids, size, previews)

    async def export_chunk(
        self, guild_id: int, report_ids: list[int], previews: bool = False
    ) -> list[Published]:
        """Some of an export's reports as they are published (one short unit of work);
        ``previews``: with the smaller copies of their photos."""

        async def read(conn: Connection) -> list[Published]:
            found = [r for i in report_ids if (r := await reports.get(conn, guild_id, i))]
            views = await self._views(conn, guild_id, found)
            return [await self._published(conn, view, previews) for view in views]

        return await self._db.run(read, write=False)

    async def published(self, guild_id: int, report_id: int) -> Published:
        """The report with its photos and its credit resolved (for the review post, the
        announcement and the newsletter)."""

        async def read(conn: Connection) -> Published:
            return await self._published(conn, await self._view(conn, guild_id, report_id))

        return await self._db.run(read, write=False)

    async def credited_as(self, guild_id: int, report_id: int) -> str | None:
        """The name or initials the report is printed under; None: "a member" (so chosen, or
        the registry has nothing to print)."""

        async def read(conn: Connection) -> str | None:
            report = await reports.get(conn, guild_id, report_id)
            if report is None:
                raise DomainError("report.unknown")
            return (await self._credit(conn, report))[2]

        return await self._db.run(read, write=False)

    async def _credit(
        self, conn: Connection, report: Report
    ) -> tuple[str | None, str | None, str | None]:
        """(the registry's name, the membership number, what is printed as the author chose):
        none of them once the author's data was erased."""
        naming = await members.naming_of(conn, report.guild_id, report.user_id)
        name, reading = (naming[0], naming[1]) if naming else (None, None)
        number = await members.latest_number(conn, report.guild_id, report.user_id)
        if report.erased or await members.forgotten(conn, report.guild_id, report.user_id):
            return None, None, None
        shown = None
        if name and report.credit == credit.FULL_NAME:
            shown = name
        elif name and report.credit == credit.INITIALS:
            shown = credit.initials(name, reading)
        return name, number, shown

    async def _published(
        self, conn: Connection, view: ReportView, previews: bool = False
    ) -> Published:
        report = view.report
        name, number, shown = await self._credit(conn, report)
        amount = None
        if report.mention_subsidy and report.state == rules.APPROVED and not report.erased:
            amount = await ledger.granted_amount(conn, report.id)
        kept = await photos.of_report(conn, report.id, previews)
        return Published(view, kept, shown, amount, name, number)

    async def _view(self, conn: Connection, guild_id: int, report_id: int) -> ReportView:
        report = await reports.get(conn, guild_id, report_id)
        if report is None:
            raise DomainError("report.unknown")
        return (await self._views(conn, guild_id, [report]))[0]

    async def _views(
        self, conn: Connection, guild_id: int, found: list[Report]
    ) -> list[ReportView]:
        trips = {
            t.trip.id: t
            for t in await self._trips.by_ids(conn, guild_id, [r.trip_id for r in found])
        }
        return [ReportView(r, trips[r.trip_id]) for r in found if r.trip_id in trips]

    # ------------------------------------------------------------------ inside
    async def _reportable_trip(
        self, conn: Connection, settings: GuildSettings, user_id: int, trip_ref: str | int
    ) -> TripView:
        today = self._clock.today()
        await membership.require_member(conn, settings.guild_id, user_id, today)
        if settings.moderation_channel_id is None:
            raise DomainError("report.no_moderation_channel")
        trip = await self._trips.own_trip(conn, settings.guild_id, user_id, trip_ref)
        if trip.trip.end > today:
            raise DomainError("report.trip_not_over", end=trip.trip.end)
        return trip

    @staticmethod
    def _check_latest(latest: Report | None) -> None:
        if latest is not None and latest.state == rules.AWAITING:
            raise DomainError("report.awaiting_already")
        if latest is not None and latest.published:
            raise DomainError("report.approved_already")

    async def _own(
        self, conn: Connection, guild_id: int, user_id: int, reference: str
    ) -> ReportView:
        report = await reports.get(conn, guild_id, require_id(reference, "report.unknown"))
        if report is None or report.user_id != user_id:
            raise DomainError("report.unknown")
        return (await self._views(conn, guild_id, [report]))[0]

    async def _dm_failed(self, conn: Connection, row: OutboxRow, code: int | None) -> None:
        """A decision's direct message could not be delivered (e.g. 50007: DMs closed): record
        it for /report status, and note it on the review post."""
        message = getattr(row.payload, "message", None)
        report = await reports.get(conn, row.guild_id, message["report_id"]) if message else None
        if report is not None:
            await self._transitions.note_dm_failed(conn, report)


# One photo decoded at a time, whoever sent it: a large photo takes a core and tens of MB while
# it is cleaned, and a small machine has two cores for everything else the bot does.
_CLEANING = asyncio.Semaphore(1)


async def _clean_photos(uploads: Sequence[Upload]) -> list[Stored]:
    """Every upload checked, downloaded and cleaned, or the DomainError of the first that fails
    (naming the file). Sizes and the count are checked before anything is downloaded."""
    for position, upload in enumerate(uploads, start=1):
        photo_rules.check_upload(position, upload.name, upload.size)
    cleaned = []
    for upload in uploads:
        data = await upload.read()
        async with _CLEANING:
            cleaned.append(await asyncio.to_thread(photo_rules.stored, upload.name, data))
    return cleaned


def _state(report: Report) -> Term:
    return Term(f"report.state.{report.state}")
