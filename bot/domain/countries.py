"""Countries: every ISO 3166-1 alpha-2 code, named in English and Japanese from CLDR (Babel).

CLDR also names a few codes that are not assigned to countries: the ranges ISO 3166-1 leaves to
users (AA, QM–QZ, XA–XZ, ZZ: CLDR puts "Outlying Oceania", pseudo-locales and Kosovo there) and
the codes ISO 3166-1 lists as exceptionally reserved (the European Union, Ascension Island...).
Those are not accepted as a city's country, which leaves exactly the 249 assigned codes.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

# ISO 3166-1's exceptionally reserved codes.
_RESERVED = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "FX", "IC", "SU", "TA", "UK", "UN"}
)


# English names that take the article in a sentence ("in the Netherlands"): plural names.
_PLURAL = ("Islands", "lands", "pines", "Bahamas", "Maldives", "Comoros", "Seychelles")


def _with_article(name: str) -> str:
    return f"the {name}" if name.startswith("United ") or name.endswith(_PLURAL) else name


def _user_assigned(code: str) -> bool:
    return code in ("AA", "ZZ") or (code[0] == "Q" and code[1] >= "M") or code[0] == "X"


@cache
def _names() -> dict[str, tuple[str, str]]:
    english, japanese = Locale("en").territories, Locale("ja").territories
    return {
        code: (_with_article(english[code]), japanese.get(code, english[code]))
        for code in english
        if isinstance(code, str)  # Babel's type allows other keys; territories are strings
        and len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in _RESERVED
        and not _user_assigned(code)
    }


def is_country(code: str) -> bool:
    return code in _names()


def name(code: str, language: str) -> str:
    """The country's name in ``language`` ("the United States" / "アメリカ合衆国"); the code itself
    for one that is not a country (data written before a code was withdrawn)."""
    names = _names().get(code)
    if names is None:
        return code
    return names[1] if language == "ja" else names[0]


def every() -> dict[str, tuple[str, str]]:
    """Code -> (English name, Japanese name), for every country."""
    return dict(_names())
