-- Reports with photos, credited as the member chose (issue 17).

-- How the member is credited when the report is published: by the name in the registry, by its
-- initials, or as "a member". Reports sent before members were asked are credited as "a member":
-- nobody agreed to more. Whether the subsidy outcome may be mentioned: no, until the member says.
ALTER TABLE reports ADD COLUMN credit TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (credit IN ('full_name', 'initials', 'anonymous'));
ALTER TABLE reports ADD COLUMN mention_subsidy INTEGER NOT NULL DEFAULT 0
    CHECK (mention_subsidy IN (0, 1));
ALTER TABLE report_drafts ADD COLUMN credit TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (credit IN ('full_name', 'initials', 'anonymous'));
ALTER TABLE report_drafts ADD COLUMN mention_subsidy INTEGER NOT NULL DEFAULT 0
    CHECK (mention_subsidy IN (0, 1));

-- A report's photos, cleaned (no metadata), scaled and re-encoded by the bot: data, not links,
-- so that a backup holds them and they outlive Discord's expiring URLs. Each with a smaller copy
-- made when it was sent, for a newsletter export that must fit Discord's attachment limit
-- (scaling hundreds of photos during an export would take a minute).
CREATE TABLE report_photos (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL CHECK (width >= 1),
    height       INTEGER NOT NULL CHECK (height >= 1),
    data         BLOB    NOT NULL,
    preview_width  INTEGER NOT NULL CHECK (preview_width >= 1),
    preview_height INTEGER NOT NULL CHECK (preview_height >= 1),
    preview        BLOB    NOT NULL,
    UNIQUE (report_id, position)
);
