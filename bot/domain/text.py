"""Text normalisation shared by name matching and full-text search, for English and Japanese.

Japanese has no spaces, so search terms are the words of Latin-script text plus overlapping
two-character pieces (bigrams) of Japanese and Chinese runs: "草津温泉" gives 草津, 津温, 温泉,
which finds "温泉" in any fact. SQLite's trigram tokenizer cannot match two-character words, and
most Japanese words are two characters.
"""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶー"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_HIRAGANA = re.compile(r"[\u3040-\u309f]")
_NOT_NAME = re.compile(rf"[^{_CJK}a-z0-9]+")

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "with",
        "by",
        "from",
        "as",
        "it",
        "its",
        "this",
        "that",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "do",
        "does",
        "did",
        "can",
        "could",
        "tell",
        "me",
        "about",
        "please",
        "there",
        "their",
        "they",
        "our",
        "we",
        "you",
        "your",
        "i",
        "my",
        "city",
        "cities",
        "town",
        "partner",
        "sister",
        "friendship",
        "kusatsu",
        "s",
        "known",
    ]
)


def fold(text: str) -> str:
    """NFKC, case-folded, katakana turned into hiragana (so ポンティアック ~ ぽんてぃあっく)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def name_key(text: str) -> str:
    """A name reduced to letters: "Kan'onji City" -> "kanonjicity", "伊達市" -> "伊達市"."""
    return _NOT_NAME.sub("", fold(text))


def search_terms(text: str, *, for_query: bool = False) -> list[str]:
    """Words of Latin text and bigrams of CJK runs; a query drops stopwords and hiragana pieces."""
    terms: list[str] = []
    for run in _RUNS.findall(fold(text)):
        if run[0].isascii():
            word = run[:-1] if len(run) > 3 and run.endswith("s") else run
            if not (for_query and word in EN_STOPWORDS):
                terms.append(word)
            continue
        pieces = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        for piece in pieces:
            # In a query, a piece with hiragana is mostly grammar (市は, 何で): noise, not meaning.
            if not (for_query and _HIRAGANA.search(piece)):
                terms.append(piece)
    return terms


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
