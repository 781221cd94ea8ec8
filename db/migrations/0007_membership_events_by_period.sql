-- The daily expiry check asks, for every period that ran out, whether its expiry is already in the
-- history. Without an index that question read the whole history once per period (a correlated
-- scan found by the benchmark's query plans; see README, 'Performance').
CREATE INDEX membership_events_period ON membership_events (period_id, kind);
