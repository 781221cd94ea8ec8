"""The question words of vocabulary.toml, ready to match: concepts, stopwords, place kinds and
the other ways people write countries."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.domain.ask.analyser import analyser, latin_key
from bot.domain.text import fold

# Concepts that decide which passage answers: they weigh most when a question is matched.
PRIMARY = frozenset(
    {"when", "years", "where", "country", "kind", "why", "describe", "quantity", "link",
     "former", "distance"}
)  # fmt: skip
# Concepts that say what to compute or which rule of the program is asked about; they take no
# part in matching passages.
ROUTING = frozenset(
    {"list", "count", "oldest", "newest", "earlier", "later", "overseas", "domestic", "subsidy",
     "amount", "eligible", "report", "length", "open", "deadline", "duration"}
)  # fmt: skip

_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Vocabulary:
    english: dict[tuple[str, ...], frozenset[str]]  # phrase as stems -> its concepts
    japanese: tuple[tuple[str, frozenset[str]], ...]  # (folded phrase, concepts), longest first
    stop_en: frozenset[str]  # stems
    stop_ja: frozenset[str]  # folded lemmas
    kinds_en: frozenset[str]  # latin keys of place-kind words
    kinds_ja: tuple[str, ...]
    country_aliases: dict[str, tuple[str, ...]]
    synonyms: dict[str, str]  # term -> the term its group is matched as
    version: str

    def canonical(self, term: str) -> str:
        return self.synonyms.get(term, term)

    def concepts(
        self, stems: list[str], text: str
    ) -> tuple[set[str], set[int], list[tuple[int, int]]]:
        """The concepts ``text`` speaks of (``stems``: its English words, stemmed, in order),
        the positions in ``stems`` of the words that said them, and where in ``text`` the
        Japanese phrases that said them stand. The longest phrase wins: "sister state" is not
        also "sister", "何年になりますか" is not also "何年"."""
        found: set[str] = set()
        used: set[int] = set()
        i = 0
        while i < len(stems):
            for length in range(4, 0, -1):
                concepts = self.english.get(tuple(stems[i : i + length]))
                if concepts:
                    found |= concepts
                    used.update(range(i, i + length))
                    i += length - 1
                    break
            i += 1
        folded = fold(text)
        spans: list[tuple[int, int]] = []
        for phrase, concepts in self.japanese:  # longest first
            start = folded.find(phrase)
            while start >= 0:
                end = start + len(phrase)
                if not any(s <= start and end <= e for s, e in spans):
                    found |= concepts
                    spans.append((start, end))
                start = folded.find(phrase, start + 1)
        return found, used, spans


def _english_stems(text: str) -> list[str]:
    return analyser().stems(_WORDS.findall(text.casefold().replace("-", " ")))


def _synonyms(groups: list[list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        terms = [t[0] for word in group if len(t := analyser().tokens(word)) == 1]
        for term in terms:
            table.setdefault(term, terms[0])
    return table


@cache
def vocabulary() -> Vocabulary:
    raw = (resources.files("bot.domain.ask") / "vocabulary.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    english: dict[tuple[str, ...], set[str]] = {}
    japanese: dict[str, set[str]] = {}
    for concept, phrases in data["concepts"].items():
        for phrase in phrases["en"]:
            english.setdefault(tuple(_english_stems(phrase)), set()).add(concept)
        for phrase in phrases["ja"]:
            japanese.setdefault(fold(phrase), set()).add(concept)
    return Vocabulary(
        english={k: frozenset(v) for k, v in english.items() if k},
        japanese=tuple(
            (phrase, frozenset(concepts))
            for phrase, concepts in sorted(japanese.items(), key=lambda item: -len(item[0]))
        ),
        stop_en=frozenset(s for w in data["stopwords"]["en"] for s in _english_stems(w)),
        stop_ja=frozenset(fold(w) for w in data["stopwords"]["ja"]),
        kinds_en=frozenset(latin_key(w) for w in data["place_kinds"]["en"]),
        kinds_ja=tuple(data["place_kinds"]["ja"]),
        country_aliases={code: tuple(v) for code, v in data["countries"].items()},
        synonyms=_synonyms(data["synonyms"]["groups"]),
        version=hashlib.sha256(raw.encode()).hexdigest()[:12],
    )
