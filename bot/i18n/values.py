"""How values that are not text read in each language, so messages can take a date, a span of
days or a city as a parameter and the rules never choose words."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from bot.domain.dates import Span
from bot.domain.errors import Phrase, Term
from bot.domain.reports import Length

if TYPE_CHECKING:
    from bot.i18n.catalogue import Catalogue


class Named(Protocol):
    def name(self, language: str) -> str: ...


def date_text(catalogue: Catalogue, language: str, day: date) -> str:
    month = catalogue.text(language, f"month.{day.month}")
    return catalogue.text(language, "date.full", year=day.year, month=month, day=day.day)


def span_text(catalogue: Catalogue, language: str, span: Span) -> str:
    start, end = span.start, span.end
    if start == end:
        return date_text(catalogue, language, start)
    if start.year != end.year:
        return catalogue.text(
            language,
            "date.span",
            start=date_text(catalogue, language, start),
            end=date_text(catalogue, language, end),
        )
    key = "date.span_days" if start.month == end.month else "date.span_months"
    return catalogue.text(
        language,
        key,
        year=start.year,
        start_month=catalogue.text(language, f"month.{start.month}"),
        end_month=catalogue.text(language, f"month.{end.month}"),
        start_day=start.day,
        end_day=end.day,
    )


def length_text(catalogue: Catalogue, language: str, length: Length) -> str:
    """「412字（300〜600字）」, "400 words (300–600)": the count, its unit and the range."""
    return catalogue.text(
        language,
        f"length.{length.unit}",
        count=f"{length.count:,}",
        min=f"{length.minimum:,}",
        max=f"{length.maximum:,}",
    )


def localise(catalogue: Catalogue, language: str, value: Any) -> Any:
    if isinstance(value, Length):
        return length_text(catalogue, language, value)
    if isinstance(value, Term):
        return catalogue.text(language, value)
    if isinstance(value, Phrase):
        return catalogue.text(language, value.key, **value.params)
    if isinstance(value, list | tuple):  # joined as the language joins a list: 「、」 or ", "
        separator = catalogue.text(language, "list.separator")
        return separator.join(str(localise(catalogue, language, item)) for item in value)
    if isinstance(value, Span):
        return span_text(catalogue, language, value)
    if isinstance(value, date):
        return date_text(catalogue, language, value)
    if callable(getattr(value, "name", None)):
        return value.name(language)
    return value
