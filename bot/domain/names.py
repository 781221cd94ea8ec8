"""Members' names as the office writes them, and their kana readings.

A name is what the office pays and greets: any script, at most :data:`MAX_NAME` characters.
What the office types is checked and refused with a reason when it cannot be a name (a Discord
mention, a spreadsheet formula); a name the bot takes from Discord by itself (the display name at
registration) is cleaned instead, because nobody typed it and nobody could correct it.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import DomainError
from bot.domain.text import clean_text

MAX_NAME = 100
MAX_READING = 100

# What Discord turns into a ping or a link: <@123>, <@!123>, <@&123>, <#123>, @everyone, @here.
_MENTION = re.compile(r"<[@#][!&]?\d+>|@(?:everyone|here)\b", re.IGNORECASE)
# A spreadsheet runs a cell that starts with one of these (full-width forms included).
_FORMULA_START = tuple("=+-@＝＋－＠")
_SPACES = re.compile(r"[ \u3000]{2,}")
_READING = re.compile(r"[\u3041-\u309f\u30a0-\u30ffA-Za-z ・ー\u3000'.-]+")


def _collapse(text: str) -> str:
    return _SPACES.sub(lambda m: m.group(0)[0], text)


def office_name(typed: str) -> str:
    """A name the office typed, as it will be stored; :class:`DomainError` when it cannot be
    one. Invisible and control characters are dropped and runs of spaces made one."""
    length = len(typed.strip())
    cleaned = clean_text(typed, MAX_NAME + 1)
    if cleaned is None:
        raise DomainError("member.name.empty")
    cleaned = _collapse(cleaned)
    if len(cleaned) > MAX_NAME:
        raise DomainError("member.name.too_long", max=MAX_NAME, count=length)
    if _MENTION.search(cleaned):
        raise DomainError("member.name.mention")
    if cleaned.startswith(_FORMULA_START):
        raise DomainError("member.name.formula", first=cleaned[0])
    return cleaned


def discord_name(display_name: str) -> str | None:
    """A Discord display name made fit to keep as a member's name until the office writes one:
    mentions and leading formula characters removed, at most :data:`MAX_NAME` characters."""
    cleaned = clean_text(_MENTION.sub("", display_name), MAX_NAME) or ""
    cleaned = _collapse(cleaned.lstrip("".join(_FORMULA_START) + " \u3000"))
    return cleaned or None


def reading(typed: str) -> str:
    """A kana reading (katakana or hiragana; half-width katakana made full-width; romaji is
    accepted for names that have no kana)."""
    cleaned = clean_text(unicodedata.normalize("NFKC", typed), MAX_READING + 1)
    if cleaned is None:
        raise DomainError("member.reading.empty")
    cleaned = _collapse(cleaned)
    if len(cleaned) > MAX_READING:
        raise DomainError("member.reading.too_long", max=MAX_READING)
    if not _READING.fullmatch(cleaned):
        raise DomainError("member.reading.not_kana")
    return cleaned
