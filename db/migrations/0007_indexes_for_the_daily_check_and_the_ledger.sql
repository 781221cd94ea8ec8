-- Two more places where twenty years of history made the bot read far more than it needed (found
-- with the benchmark's generated history and its query plans; see README, 'Performance').

-- The daily expiry check asks, for every period that ran out, whether its expiry is already in the
-- history. Without an index that question read the whole history once per period.
CREATE INDEX membership_events_period ON membership_events (period_id, kind);

-- The subsidy line of a city and fiscal year is the reports on trips to that city that started in
-- that year. Found through the trips, it probed every trip of the city and year for a report
-- (thousands of trips for a few reports); a report now carries its trip's city and first day, so
-- an index finds the line directly. The copies are made by SQLite itself, and a trip's city and
-- first day never change, so they cannot drift.
ALTER TABLE reports ADD COLUMN city_id INTEGER REFERENCES cities (id);
ALTER TABLE reports ADD COLUMN trip_start_on TEXT;

UPDATE reports SET
    city_id = (SELECT t.city_id FROM trips AS t WHERE t.id = reports.trip_id),
    trip_start_on = (SELECT t.start_on FROM trips AS t WHERE t.id = reports.trip_id);

-- Covering: the whole line (for /subsidy mine) is read from the index alone.
CREATE INDEX reports_city_year
    ON reports (guild_id, city_id, trip_start_on, state, first_submitted_at, user_id, trip_id);

-- The holder is nearly always among the first few in submission order: read them in that order
-- from the year's first day, rather than sort a busy year's whole line on every decision.
CREATE INDEX reports_city_submitted ON reports (guild_id, city_id, first_submitted_at);

CREATE TRIGGER reports_copy_trip AFTER INSERT ON reports
BEGIN
    UPDATE reports SET
        city_id = (SELECT t.city_id FROM trips AS t WHERE t.id = NEW.trip_id),
        trip_start_on = (SELECT t.start_on FROM trips AS t WHERE t.id = NEW.trip_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER trips_city_and_day_fixed BEFORE UPDATE OF city_id, start_on ON trips
BEGIN
    SELECT RAISE(ABORT, 'a trip''s city and first day never change (its reports copy them)');
END;
