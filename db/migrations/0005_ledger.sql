-- The subsidy ledger: one row per grant. Rows are never deleted; a void keeps its row and its
-- reason. The database itself keeps at most one live (not void) grant per city and fiscal year.
CREATE TABLE grants (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    city_id     INTEGER NOT NULL REFERENCES cities (id),
    fiscal_year INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    amount_yen  INTEGER NOT NULL CHECK (amount_yen >= 0),
    state       TEXT    NOT NULL DEFAULT 'granted' CHECK (state IN ('granted', 'paid', 'void')),
    granted_at  TEXT    NOT NULL,
    paid_on     TEXT,
    paid_method TEXT,
    paid_by     INTEGER,
    void_reason TEXT,
    voided_by   INTEGER,
    voided_at   TEXT,
    CHECK (state != 'paid' OR paid_on IS NOT NULL),
    CHECK (state != 'void' OR void_reason IS NOT NULL)
);
CREATE UNIQUE INDEX grants_one_live ON grants (guild_id, city_id, fiscal_year)
    WHERE state != 'void';
CREATE INDEX grants_year ON grants (guild_id, fiscal_year);
CREATE INDEX grants_report ON grants (report_id);

CREATE TRIGGER grants_no_delete BEFORE DELETE ON grants
BEGIN
    SELECT RAISE(ABORT, 'the ledger keeps every grant');
END;
