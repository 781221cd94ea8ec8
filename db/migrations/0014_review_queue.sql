-- The review queue (/report queue) and the daily review reminder.

-- Reports waiting longer than this many days are listed once a day in the moderation channel;
-- 0: never. PRODUCT.md's default is 3 days.
ALTER TABLE guild_settings ADD COLUMN review_reminder_days INTEGER NOT NULL DEFAULT 3
    CHECK (review_reminder_days >= 0);

-- The reports awaiting review, longest waiting first: a handful among years of reports.
CREATE INDEX reports_awaiting ON reports (guild_id, submitted_at, id) WHERE state = 'awaiting';
