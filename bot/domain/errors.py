"""Errors a user can fix. Each names a catalogue key; the interface layer renders it in the
user's language, so the rules never choose words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """A refusal the user can act on, rendered from the message catalogue."""

    key: str = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key, params)


class InvalidSetting(DomainError):
    """A /setup value that breaks a rule (e.g. a minimum length above the maximum)."""


class Term(str):
    """A message parameter that is itself a catalogue key (e.g. a report's state), rendered
    in the reader's language."""


@dataclass(frozen=True)
class Phrase:
    """A message parameter that is a message with values of its own ("at most 5 links"),
    rendered in the reader's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
