"""Ids as people and clients send them: the one parser for every id the bot reads from outside.

Trips, reports and grants are named by ids in autocomplete values, text options and custom ids;
users, roles and channels by Discord's snowflakes. All are stored as SQLite INTEGERs, which end at
2**63 - 1: a longer number would not merely find nothing, it would fail inside the database. So
every id is checked here first, and one that cannot name a stored object is refused with the same
"cannot find" answer as one that names nothing of this member in this server.

Tolerated, because people type and paste them: surrounding whitespace (the ideographic space
too), a leading ``#`` as the bot shows ids ("#12"), full-width digits from a Japanese keyboard,
and invisible characters picked up by copying. Not tolerated: signs, decimals, exponents, other
scripts' digits that only look like numbers to Unicode (²), or anything after the number.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import DomainError

MAX_ID = 2**63 - 1  # the largest INTEGER SQLite stores
_ASCII_DIGITS = frozenset("0123456789")
# What a Japanese keyboard types for "#12": full-width digits and number sign.
_FULL_WIDTH = {0xFF10 + n: str(n) for n in range(10)} | {0xFF03: "#"}


def parse_id(value: str | int | None) -> int | None:
    """The id ``value`` names, or None when it cannot name any stored object."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    text = "".join(c for c in value.translate(_FULL_WIDTH) if _kept(c)).strip()
    text = text.removeprefix("#").strip()
    if not text or not set(text) <= _ASCII_DIGITS:
        return None
    digits = text.lstrip("0")
    if not digits or len(digits) > len(str(MAX_ID)):
        return None
    number = int(digits)
    return number if number <= MAX_ID else None


def require_id(value: str | int | None, unknown: str) -> int:
    """The id ``value`` names; else the "cannot find" refusal ``unknown`` (a catalogue key)."""
    found = parse_id(value)
    if found is None:
        raise DomainError(unknown)
    return found


def _kept(char: str) -> bool:
    """Drop what copying text picks up unseen: format characters (zero-width spaces, direction
    marks) and control characters."""
    return unicodedata.category(char) not in ("Cf", "Cc")
