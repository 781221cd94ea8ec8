"""Ids as people and clients send them: in an autocomplete value, a text option or a custom_id.

SQLite stores integers in 64 bits; a longer number would overflow it before a query could say
"not found". Everything the bot parses as an id passes through :func:`parse_id` first.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def parse_id(text: str) -> int | None:
    """The positive id ``text`` names ("12", " #12 "), or None when it names none."""
    digits = text.strip().removeprefix("#").strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(MAX_ID)):
        return None
    value = int(digits)
    return value if 0 < value <= MAX_ID else None
