-- Per-guild settings: one guild is one association.
-- Columns left NULL mean "not set"; the defaults are KIFA's rules (see PRODUCT.md).
CREATE TABLE guild_settings (
    guild_id                INTEGER PRIMARY KEY,
    preset                  TEXT    NOT NULL,
    language                TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja')),
    moderation_channel_id   INTEGER,
    announcement_channel_id INTEGER,
    staff_role_id           INTEGER,
    member_role_id          INTEGER,
    fiscal_year_start_month INTEGER NOT NULL DEFAULT 4
                            CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    subsidy_amount_yen      INTEGER NOT NULL DEFAULT 3000 CHECK (subsidy_amount_yen >= 0),
    report_min_units        INTEGER NOT NULL DEFAULT 300 CHECK (report_min_units >= 1),
    report_max_units        INTEGER NOT NULL DEFAULT 600,
    report_deadline_days    INTEGER CHECK (report_deadline_days IS NULL OR report_deadline_days >= 1),
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL,
    CHECK (report_max_units >= report_min_units)
);

-- Small facts the bot keeps about itself, such as the fingerprint of the last command sync.
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Who changed what, and when. Rows are only ever added.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    subject    TEXT,
    detail     TEXT    NOT NULL DEFAULT '{}',
    created_at TEXT    NOT NULL
);
CREATE INDEX audit_log_guild_time ON audit_log (guild_id, created_at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
