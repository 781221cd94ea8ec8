"""What the bot remembers to say of its own accord, once a day: a member's report deadline
coming (7 days and 1 day before it), and reports that have waited too long for review.

The daily run (a fixed time in Asia/Tokyo) and a catch-up at every start both call
:meth:`ReminderService.run_day`. Each reminder is an outbox row queued under a unique key (the
trip, its due day and how many days before; the guild and the day for the review reminder), so a
restart, a second start on the same day or a clock that moved never queues one twice. Reminders a
later change makes pointless (the report was sent, the trip cancelled, the member left) are
cancelled by bot.services.transitions, in the transaction that makes the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.clock import Clock
from bot.domain.deadlines import (
    REMINDERS,
    reminder_due,
    reminder_key,
    reminder_time_reached,
)
from bot.domain.errors import DomainError
from bot.domain.outbox import DirectMessage, MessageRef, Post
from bot.domain.settings import GuildSettings
from bot.services.outbox import OutboxService
from bot.services.settings import SettingsService
from bot.services.trips import TripService, TripView
from db import guild_settings, reports, trips
from db.database import Connection, Database
from db.outbox import OutboxRow

DEADLINE_DM = "deadline_dm"
REVIEW_REMINDER = "review_reminder"


@dataclass(frozen=True)
class DayRun:
    """What one run queued for a guild."""

    deadline_reminders: int = 0
    review_reminder: bool = False


@dataclass(frozen=True)
class DeadlineReminder:
    """What a reminder DM says: the trip and its due day."""

    trip: TripView
    due: date


class ReminderService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService,
        trips_service: TripService,
        outbox: OutboxService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._settings = settings
        self._trips = trips_service
        self._outbox = outbox
        self._clock = clock
        outbox.on_failure(DEADLINE_DM, self._dm_failed)

    async def guilds(self) -> list[int]:
        async with self._db.read() as conn:
            return await guild_settings.guild_ids(conn)

    async def run_day(self, guild_id: int) -> DayRun:
        """Queue the reminders whose time has come in one guild (none twice, see the module)."""
        settings = await self._settings.get(guild_id)
        now = self._clock.now()
        today = self._clock.today()
        async with self._db.transaction() as conn:
            sent = await self._deadline_reminders(conn, guild_id, today)
            review = reminder_time_reached(now) and await self._review_reminder(
                conn, settings, today
            )
        return DayRun(sent, review)

    async def _review_reminder(
        self, conn: Connection, settings: GuildSettings, today: date
    ) -> bool:
        """One post a day in the moderation channel when reports have waited too long."""
        days, channel = settings.review_reminder_days, settings.moderation_channel_id
        if not days or channel is None:
            return False
        since = self._clock.now() - timedelta(days=days)
        if not await reports.count_awaiting(conn, settings.guild_id, since):
            return False
        ref = MessageRef(REVIEW_REMINDER, settings.guild_id, {"day": today.toordinal()})
        key = f"review-waiting:{settings.guild_id}:{today.isoformat()}"
        return (
            await self._outbox.enqueue_once(conn, settings.guild_id, Post(channel, ref), key)
            is not None
        )

    async def _deadline_reminders(self, conn: Connection, guild_id: int, today: date) -> int:
        now = self._clock.now()
        sent = 0
        last = today + timedelta(days=max(REMINDERS))
        for trip in await trips.to_remind(conn, guild_id, today, last):
            due = trip.report_due
            assert due is not None  # the query reads trips with a due day only
            days = reminder_due(due, trip.end, now)
            if days is None:
                continue
            nearer = [reminder_key(trip.id, due, d) for d in REMINDERS if d < days]
            if await self._outbox.queued(conn, nearer):  # the clock moved back: not again
                continue
            ref = MessageRef(DEADLINE_DM, guild_id, {"trip_id": trip.id, "days": days})
            key = reminder_key(trip.id, due, days)
            payload = DirectMessage(trip.user_id, ref)
            if await self._outbox.enqueue_once(conn, guild_id, payload, key) is not None:
                sent += 1
        return sent

    # ------------------------------------------------------------------ for the renderers
    async def deadline_reminder(self, guild_id: int, trip_id: int) -> DeadlineReminder:
        async with self._db.read() as conn:
            found = await self._trips.by_ids(conn, guild_id, [trip_id])
        if not found or found[0].trip.report_due is None:
            raise DomainError("trip.unknown")
        view = found[0]
        assert view.trip.report_due is not None
        return DeadlineReminder(view, view.trip.report_due)

    async def _dm_failed(self, conn: Connection, row: OutboxRow, code: int | None) -> None:
        """A reminder could not be sent (e.g. 50007: DMs closed): /trip list says so."""
        message = getattr(row.payload, "message", None)
        if message is not None:
            await trips.mark_reminder_failed(conn, message["trip_id"])
