-- Report deadlines that work (PRODUCT.md, "report deadline").
--
-- A trip's report is due on one day, stored on the trip when it is logged (the trip's last day
-- plus the guild's deadline_days, in the association's calendar) and moved only when an admin
-- changes the rule, and then only for trips still waiting for a report whose day had not passed
-- (see bot.domain.deadlines). NULL: no deadline.
ALTER TABLE trips ADD COLUMN report_due_on TEXT;

-- A reminder about the trip could not be sent by direct message (e.g. 50007, DMs closed);
-- /trip list says so, as /report status does for decisions.
ALTER TABLE trips ADD COLUMN reminder_dm_failed INTEGER NOT NULL DEFAULT 0;

-- The trip's due day when the report was first sent, kept with the report: whether it was late
-- is a fact of its sending, which a later change of the rule cannot rewrite. A report sent back
-- for changes keeps its row, so it keeps this day too.
ALTER TABLE reports ADD COLUMN due_on TEXT;

-- The subsidy line (for /subsidy mine) is read from this index alone: it carries the due day now.
DROP INDEX reports_city_year;
CREATE INDEX reports_city_year
    ON reports (guild_id, city_id, trip_start_on, state, without_subsidy, first_submitted_at,
                user_id, trip_id, due_on);

-- A change of the deadline reads the trips that ended in the last year (not the twenty before).
CREATE INDEX trips_end ON trips (guild_id, end_on) WHERE cancelled_at IS NULL;

-- The daily reminder job reads the trips due within the next week.
CREATE INDEX trips_due ON trips (guild_id, report_due_on)
    WHERE report_due_on IS NOT NULL AND cancelled_at IS NULL;

-- Outbox rows that must be written at most once, whoever writes them and however often: a
-- reminder is keyed by what it is about (a trip, its due day, how many days before), so a
-- restart, a second start the same day or a clock that moved finds it already there.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- Guilds that set a deadline before it had any effect: it applies from this upgrade on, as if it
-- had been set today. Trips still waiting for a report are due deadline_days after their end, and
-- at the earliest in a week, so that no trip is late by the upgrade itself and every member is
-- reminded first; trips that ended more than a year ago are history and are left without one.
-- (Japan keeps no summer time: the association's day is UTC + 9 hours.)
UPDATE trips SET report_due_on = max(
    date(end_on, '+' || (SELECT g.report_deadline_days FROM guild_settings AS g
                         WHERE g.guild_id = trips.guild_id) || ' days'),
    date('now', '+9 hours', '+7 days'))
WHERE cancelled_at IS NULL
  AND end_on >= date('now', '+9 hours', '-365 days')
  AND (SELECT g.report_deadline_days FROM guild_settings AS g
       WHERE g.guild_id = trips.guild_id) IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM reports AS r WHERE r.trip_id = trips.id
                  AND r.state IN ('awaiting', 'changes_requested', 'approved'));
