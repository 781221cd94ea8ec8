-- Partner cities, per guild. The city itself is kept as JSON (the file form of bot.domain.cities);
-- the columns beside it are what queries filter and sort on. Cities are never deleted: a city
-- dropped by an import or a preset switch becomes inactive, so trips and grants keep their city.
CREATE TABLE cities (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    slug          TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    display_order INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at    TEXT    NOT NULL,
    UNIQUE (guild_id, slug)
);
CREATE INDEX cities_guild_active ON cities (guild_id, active, display_order);

-- Full-text search over facts and descriptions. `terms` holds words of Latin text and bigrams of
-- Japanese and Chinese text (bot.domain.text.search_terms), separated by spaces.
CREATE VIRTUAL TABLE city_facts USING fts5(
    terms,
    guild_id UNINDEXED,
    city_id UNINDEXED,
    language UNINDEXED,
    text UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
