"""The language each user reads, for messages that reach them outside an interaction.

A reply follows the locale Discord sends with the interaction it answers. A direct message sent
later (a staff decision, a subsidy granted) answers nothing, so it is written in the language of
the locale the bot last saw from that user, kept in the database when it changes; the server's
language is only the fallback for someone whose Discord speaks neither language.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.domain.clock import Clock
from bot.domain.ids import parse_id
from bot.i18n.catalogue import language_of_locale
from db import user_locales
from db.database import Database

MAX_LOCALE = 16
REMEMBERED = 10_000  # users whose locale is kept in memory, the most recently seen


class LanguageService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._known: OrderedDict[int, str] = OrderedDict()

    async def seen(self, user_id: int, locale: str) -> None:
        """Note the locale an interaction came with; written only when it changed."""
        locale = locale[:MAX_LOCALE]
        if not locale or parse_id(user_id) is None:  # a forged id names no one to write to
            return
        if self._known.get(user_id) != locale:
            async with self._db.transaction() as conn:
                await user_locales.put(conn, user_id, locale, self._clock.now())
        self._remember(user_id, locale)

    async def of(self, user_id: int) -> str | None:
        """The language of the user's last seen locale, when it is one the bot speaks."""
        locale = self._known.get(user_id)
        if locale is None and parse_id(user_id) is not None:
            async with self._db.read() as conn:
                locale = await user_locales.get(conn, user_id)
        return language_of_locale(locale)

    def _remember(self, user_id: int, locale: str) -> None:
        self._known[user_id] = locale
        self._known.move_to_end(user_id)
        while len(self._known) > REMEMBERED:
            self._known.popitem(last=False)
