-- The member registry. A member's history is its periods (one per registration, extended by
-- renewals) and the events that made them; nothing is deleted.
CREATE TABLE members (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    display_name TEXT,
    -- what the bot last asked Discord to do with the member role (1 give, 0 take or never given)
    role_held    INTEGER NOT NULL DEFAULT 0 CHECK (role_held IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE membership_periods (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    number     TEXT,
    valid_from TEXT    NOT NULL,  -- dates as YYYY-MM-DD, in the association's calendar
    expires    TEXT    NOT NULL,  -- last valid day
    ended_on   TEXT,              -- staff ended it; not valid from this day on
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id),
    CHECK (expires >= valid_from)
);
CREATE INDEX membership_periods_member ON membership_periods (guild_id, user_id);

CREATE TABLE membership_events (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    period_id  INTEGER NOT NULL REFERENCES membership_periods (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('registered', 'renewed', 'ended', 'expired')),
    actor_id   INTEGER,           -- NULL: the bot itself (expiry)
    number     TEXT,
    valid_from TEXT    NOT NULL,
    expires    TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX membership_events_member ON membership_events (guild_id, user_id);

CREATE TRIGGER membership_events_no_update BEFORE UPDATE ON membership_events
BEGIN
    SELECT RAISE(ABORT, 'membership history is append-only');
END;

CREATE TRIGGER membership_events_no_delete BEFORE DELETE ON membership_events
BEGIN
    SELECT RAISE(ABORT, 'membership history is append-only');
END;

-- Trips name a city by its row, which is never deleted (dropped cities are only deactivated).
CREATE TABLE trips (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    city_id      INTEGER NOT NULL REFERENCES cities (id),
    start_on     TEXT    NOT NULL,
    end_on       TEXT    NOT NULL,
    note         TEXT,
    created_at   TEXT    NOT NULL,
    cancelled_at TEXT,
    CHECK (end_on >= start_on)
);
CREATE INDEX trips_member ON trips (guild_id, user_id, start_on);
CREATE INDEX trips_city ON trips (guild_id, city_id, start_on);

-- Discord side effects, written in the same transaction as the decision that causes them and
-- delivered by the outbox worker. ``target`` orders delivery: rows with the same target are
-- delivered in id order, each only after the one before it is settled.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    message_id      INTEGER,
    created_at      TEXT    NOT NULL,
    settled_at      TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_target ON outbox (target, id) WHERE state = 'pending';
