-- Members by name, as the office writes it (any script, up to 100 characters) with an optional
-- kana reading. The column that held the Discord display name at registration becomes the name;
-- those names are marked as taken from Discord, so the office can tell which ones it never wrote.
ALTER TABLE members RENAME COLUMN display_name TO name;
ALTER TABLE members ADD COLUMN name_reading TEXT;
ALTER TABLE members ADD COLUMN name_from_discord INTEGER NOT NULL DEFAULT 0
    CHECK (name_from_discord IN (0, 1));
UPDATE members SET name_from_discord = 1 WHERE name IS NOT NULL;

-- When the member's personal data was erased at their request (/member forget); NULL otherwise.
ALTER TABLE members ADD COLUMN forgotten_at TEXT;
