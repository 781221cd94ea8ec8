"""How a member is credited when a report is published, and whether the subsidy may be named.

The member chooses on the report form. Nothing is shown that the member did not tick: with no
choice a report is credited as "a member" (the renderers' word), and the subsidy outcome is left
out. Ticking both the full name and the initials gives the initials: the less the member shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.domain.reports import Publication

FULL_NAME = "full_name"
INITIALS = "initials"
ANONYMOUS = "anonymous"
MENTION_SUBSIDY = "subsidy"  # the form's choice that allows naming the subsidy outcome
CHOICES = (FULL_NAME, INITIALS, MENTION_SUBSIDY)  # the form's boxes, in order

_PARTS = re.compile(r"[\s\u3000・･]+")
# The first letter of a kana in Hepburn romanisation (し shi, ち chi, つ tsu, ふ fu, じ ji).
_KANA_ROWS = {
    "あいうえお": "AIUEO",
    "かきくけこ": "K",
    "がぎぐげご": "G",
    "さすせそ": "S",
    "し": "S",
    "ざずぜぞ": "Z",
    "じぢ": "J",
    "たてと": "T",
    "ち": "C",
    "つ": "T",
    "だづでど": "D",
    "なにぬねの": "N",
    "はひへほ": "H",
    "ふ": "F",
    "ばびぶべぼ": "B",
    "ぱぴぷぺぽ": "P",
    "まみむめも": "M",
    "やゆよ": "Y",
    "らりるれろ": "R",
    "わ": "W",
    "を": "O",
    "ゔ": "V",
}
_KANA_INITIAL = {
    kana: letters[i] if len(letters) > 1 else letters
    for row, letters in _KANA_ROWS.items()
    for i, kana in enumerate(row)
}


def from_publication_choices(choices: Iterable[str]) -> Publication:
    """How to publish, from the boxes ticked on the form; unknown values (a forged form) are
    ignored."""
    ticked = set(choices)
    if INITIALS in ticked:
        credit = INITIALS
    elif FULL_NAME in ticked:
        credit = FULL_NAME
    else:
        credit = ANONYMOUS
    return Publication(credit, MENTION_SUBSIDY in ticked)


def choices_of(credit: str, mention_subsidy: bool) -> set[str]:
    """The boxes the form opens with, for a report or draft that made these choices."""
    ticked = {credit} if credit in (FULL_NAME, INITIALS) else set()
    return ticked | ({MENTION_SUBSIDY} if mention_subsidy else set())


def initials(name: str, reading: str | None = None) -> str | None:
    """ "H. T." for "Hanako Tanaka"; for a name in Japanese script, the initials of its kana
    reading (たなか はなこ -> "T. H."), in the order the name is written. None when no letter
    can be found (a kanji name without a reading): the caller credits "a member" instead of
    guessing a reading."""
    for source in (name, reading or ""):
        letters = [_initial(part) for part in _PARTS.split(source.strip()) if part]
        if letters and all(letters):
            return " ".join(f"{letter}." for letter in letters)
    return None


def _initial(part: str) -> str | None:
    first = unicodedata.normalize("NFKC", part)[0]
    if "\u30a1" <= first <= "\u30f6":  # katakana -> hiragana
        first = chr(ord(first) - 0x60)
    if first in _KANA_INITIAL:
        return _KANA_INITIAL[first]
    if first.isascii() and first.isalpha():
        return first.upper()
    if unicodedata.category(first) == "Lu" or unicodedata.category(first) == "Ll":
        return first.upper()  # a Latin letter with an accent (É)
    return None
