-- "Approve without subsidy": the report is published like any approved one (state 'approved', so
-- every rule about published reports holds for it, the one-live-report-per-trip index included),
-- and this flag takes it out of the line for its city's subsidy. Only an approved report can
-- carry it. (SQLite cannot widen the state's CHECK without rebuilding the table.)
ALTER TABLE reports ADD COLUMN without_subsidy INTEGER NOT NULL DEFAULT 0
    CHECK (without_subsidy IN (0, 1) AND (without_subsidy = 0 OR state = 'approved'));

-- The whole line (for /subsidy mine) is still read from this index alone.
DROP INDEX reports_city_year;
CREATE INDEX reports_city_year ON reports
    (guild_id, city_id, trip_start_on, state, without_subsidy, first_submitted_at, user_id, trip_id);
