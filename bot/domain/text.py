"""Text normalisation shared by name matching and stored text, for English and Japanese."""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶー"
_NOT_NAME = re.compile(rf"[^{_CJK}a-z0-9]+")


def fold(text: str) -> str:
    """NFKC, case-folded, katakana turned into hiragana (so ポンティアック ~ ぽんてぃあっく)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def name_key(text: str) -> str:
    """A name reduced to letters: "Kan'onji City" -> "kanonjicity", "伊達市" -> "伊達市"."""
    return _NOT_NAME.sub("", fold(text))


def trigrams(key: str) -> frozenset[str]:
    padded = f"  {key} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


# Bidirectional overrides and isolates can make stored text read differently from what was typed;
# zero-width spaces and byte-order marks hide in copied text. Joiners stay: emoji need them.
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200E, 0x200F, 0xFEFF]
)


def clean_text(text: str, limit: int, *, multiline: bool = False) -> str | None:
    """``text`` as it should be stored: NFC, no control or invisible characters (newlines kept
    where ``multiline``), trimmed, at most ``limit`` characters; None when nothing is left."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    kept = []
    for char in text:
        if char == "\n" and multiline:
            kept.append(char)
        elif char in "\t\r\n":
            kept.append(" " if char != "\r" else "")
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    cleaned = "".join(kept).strip()[:limit].strip()
    return cleaned or None
