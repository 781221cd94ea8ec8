-- Indexes a twenty-year database needs (found with the benchmark's generated history: 10,000
-- members, a million trips, 100,000 reports; see README, 'Performance').

-- Reports by trip, whatever their state. The partial unique index on live reports cannot serve a
-- join that does not name the states, so the ledger's "reports on this city's trips this year"
-- scanned every report for every trip: 220 s for one /subsidy check.
CREATE INDEX reports_trip ON reports (trip_id);

-- A member's trips to one city (the overlap check of /trip log). With only (guild, user) and
-- (guild, city) to choose from, SQLite could take the city's index and read a sixth of all trips
-- (350 ms); with the city in the member's index the choice is not in doubt.
DROP INDEX trips_member;
CREATE INDEX trips_member ON trips (guild_id, user_id, city_id, start_on);
