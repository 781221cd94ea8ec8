-- Reports on trips, and every text a member sent for them. A report sent back with "changes
-- requested" keeps its row (and its place in the subsidy queue, first_submitted_at); a rejected
-- report stays rejected and a new submission is a new row.
CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    trip_id            INTEGER NOT NULL REFERENCES trips (id),
    state              TEXT    NOT NULL CHECK (state IN
                       ('awaiting', 'changes_requested', 'approved', 'rejected', 'withdrawn')),
    title              TEXT,
    body               TEXT    NOT NULL,
    units              INTEGER NOT NULL,
    language           TEXT    NOT NULL DEFAULT 'en',
    revision           INTEGER NOT NULL DEFAULT 1,
    first_submitted_at TEXT    NOT NULL,
    submitted_at       TEXT    NOT NULL,
    decided_by         INTEGER,
    decided_at         TEXT,
    reason             TEXT,
    dm_failed          INTEGER NOT NULL DEFAULT 0,
    review_row         INTEGER REFERENCES outbox (id)
);
-- A trip has at most one report that is awaiting review, sent back, or approved.
CREATE UNIQUE INDEX reports_one_live_per_trip ON reports (trip_id)
    WHERE state IN ('awaiting', 'changes_requested', 'approved');
CREATE INDEX reports_member ON reports (guild_id, user_id);

CREATE TABLE report_revisions (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    revision     INTEGER NOT NULL,
    title        TEXT,
    body         TEXT    NOT NULL,
    units        INTEGER NOT NULL,
    submitted_at TEXT    NOT NULL,
    UNIQUE (report_id, revision)
);

-- Text a member typed that could not be accepted yet (out of the length range), kept so that
-- nothing typed is lost: the member reopens the form with it filled in.
CREATE TABLE report_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    trip_id    INTEGER NOT NULL REFERENCES trips (id),
    title      TEXT,
    body       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, trip_id)
);
