"""Text into terms, for matching questions against passages, in English and Japanese.

Japanese goes through MeCab (fugashi) with the UniDic dictionary shipped inside the unidic-lite
wheel: each word becomes its lemma (開い -> 開く, きっかけ -> 切っ掛け), and grammar words
(particles, auxiliaries, symbols) are dropped. English words are stemmed (Snowball), numbers are
kept whole ("3,000" -> "3000"). Place names are also read as romaji (cutlet, on the same tagger),
so "kannonji" finds 観音寺市.

The dictionary is read once per process, on first use, from the installed wheel; nothing is
downloaded. The analyser holds no state between calls.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import cutlet
import Stemmer

from bot.domain.text import fold

# Bump when the terms an analysis produces change: stored analyses of another version are redone.
VERSION = "1"

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶー"
_RUNS = re.compile(
    rf"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[a-zA-Z]+(?:'[a-zA-Z]+)?)|(?P<cjk>[{_CJK}]+)"
)
_JAPANESE = re.compile(rf"[{_CJK}]")
_GRAMMAR = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
_KATAKANA = re.compile(r"[\u30a1-\u30f6]")


class Analyser:
    def __init__(self) -> None:
        self._romaniser = cutlet.Cutlet()
        self._tagger = self._romaniser.tagger  # one MeCab instance for lemmas and readings
        self._stemmer = Stemmer.Stemmer("english")

    def tokens(self, text: str) -> list[str]:
        return [term for term, _, _ in self.spans(text)]

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """:meth:`tokens` with where each word stands in ``text`` (NFKC), as (term, start, end).
        Japanese is read whole, so a word is never cut out of its sentence."""
        out: list[tuple[str, int, int]] = []
        for match in _RUNS.finditer(unicodedata.normalize("NFKC", text)):
            start, end = match.span()
            if match.lastgroup == "num":
                out.append((re.sub(r"[.,]", "", match.group()), start, end))
            elif match.lastgroup == "word":
                word = match.group().casefold().replace("'", "")
                out.append((self._stemmer.stemWord(word), start, end))
            else:
                out.extend(self._japanese(match.group(), start))
        return out

    def stems(self, words: list[str]) -> list[str]:
        return self._stemmer.stemWords(words)

    def _japanese(self, run: str, offset: int) -> list[tuple[str, int, int]]:
        out = []
        for word in self._tagger(run):
            start = offset
            offset += len(word.surface)
            if word.feature.pos1 in _GRAMMAR:
                continue
            lemma = word.feature.lemma or word.surface
            out.append((fold(lemma.split("-", 1)[0]), start, offset))
        return out

    def romaji(self, text: str) -> str:
        """Japanese text read in Hepburn romaji ("観音寺市" -> "Kannonji shi")."""
        return self._romaniser.romaji(text)

    def kana_romaji(self, kana: str) -> str:
        """Kana as written, in romaji ("かんおんじ" -> "kan'onji"): no dictionary look-up, so a
        hundred times faster than :meth:`romaji`, for names typed in kana."""
        try:
            return self._romaniser.map_kana(fold(kana))
        except KeyError:  # a kana cutlet's table lacks (ゟ, archaic forms)
            return self.romaji(kana)


def is_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


def has_katakana(text: str) -> bool:
    return _KATAKANA.search(text) is not None


_LONG_VOWELS = re.compile(r"([aeiou])\1+|ou|nn")


_NOT_LATIN = re.compile(r"[^a-z0-9]+")


def latin_letters(text: str) -> str:
    """Letters and digits only, lower case, accents dropped ("Tsūhō" -> "tsuho")."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
    return _NOT_LATIN.sub("", text)


def _shorten(match: re.Match[str]) -> str:
    found = match.group()
    return "o" if found == "ou" else found[0]


def latin_key(text: str, *, letters: bool = False) -> str:
    """A Latin-script name reduced to what survives spelling variants: letters and digits only,
    no accents, long vowels and doubled n written once ("Kan'onji" = "Kannonji" = "kanonji",
    "Oozora" = "Ozora", "Souma" = "Soma"). With ``letters``, ``text`` is already
    :func:`latin_letters`."""
    return _LONG_VOWELS.sub(_shorten, text if letters else latin_letters(text))


@cache
def analyser() -> Analyser:
    """The process's analyser (its dictionary is loaded once, on first use)."""
    return Analyser()
