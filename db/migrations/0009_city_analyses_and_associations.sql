-- /city ask matches questions against passages analysed in Python (a Japanese morphological
-- analyser, English stemming), not against SQLite's full-text index: the analysis of each city
-- is stored beside it, written with the city, and the index is built in memory from it.
DROP TABLE city_facts;
ALTER TABLE cities ADD COLUMN analysis TEXT;

-- Whose data a guild's cities are: the association's name and its home city (the file form's
-- name_en, name_ja, home_en, home_ja, home_country), as JSON. Set by a preset or an import.
CREATE TABLE associations (
    guild_id   INTEGER PRIMARY KEY,
    data       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
