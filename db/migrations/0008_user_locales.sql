-- The Discord locale each user's client last showed the bot (interaction.locale, e.g. 'ja',
-- 'en-US'), so that a direct message reaching them outside any interaction (a decision, a grant)
-- is written in their own language rather than the server's. One row per user, whatever server.
CREATE TABLE user_locales (
    user_id INTEGER PRIMARY KEY,
    locale  TEXT    NOT NULL CHECK (length(locale) BETWEEN 1 AND 16),
    seen_at TEXT    NOT NULL
);
