"""The message catalogue: every user-facing string, in English and Japanese.

Messages live in ``en.toml`` and ``ja.toml`` beside this file, as nested tables whose dotted path
is the key (``[setup.saved] channels = "..."`` is ``setup.saved.channels``). Placeholders use
``str.format`` syntax and must be the same in both languages; :meth:`Catalogue.problems` lists
every key or placeholder that differs, and a test keeps that list empty.

Command, option and choice localisations live apart, in ``commands.ja.toml``: English is the
source in the code, so they have no English file.

A template names a command as ``{cmd:trip log}``; see :mod:`bot.i18n.mentions`.
"""

from __future__ import annotations

import logging
import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from bot.i18n.mentions import COMMAND_IDS, FIELD, CommandIds, Commands
from bot.i18n.values import localise

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ja")
FALLBACK = "en"
# Discord's locales (interaction.locale) in the languages the bot speaks; others have none.
_LOCALE_LANGUAGES = {"ja": "ja", "en-US": "en", "en-GB": "en"}


def language_of_locale(locale: str | None) -> str | None:
    return _LOCALE_LANGUAGES.get(locale or "")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = str(value)
    return flat


def _load_toml(name: str) -> dict[str, str]:
    text = (resources.files("bot.i18n") / name).read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{count:plural:report has|reports have}`` reads
    "1 report has" or "3 reports have" (Japanese needs none: its templates say 件 or 名)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if not format_spec.startswith(PLURAL):
            return super().format_field(value, format_spec)
        one, _, other = format_spec.removeprefix(PLURAL).partition("|")
        number = value if isinstance(value, int) else int(str(value).replace(",", ""))
        return f"{number:,} {one if number == 1 else other}"


PLURAL = "plural:"
_FORMATTER = _Formatter()


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


class Catalogue:
    def __init__(
        self,
        messages: dict[str, dict[str, str]],
        command_names: dict[str, str] | None = None,
        command_ids: CommandIds | None = None,
    ) -> None:
        self._messages = messages
        self._command_names = command_names or {}
        self._command_ids = command_ids or CommandIds()

    @classmethod
    def load(cls) -> Catalogue:
        return cls(
            {lang: _load_toml(f"{lang}.toml") for lang in LANGUAGES},
            command_localisations(),
            COMMAND_IDS,
        )

    def message_keys(self, language: str = FALLBACK) -> set[str]:
        return set(self._messages[language])

    def has(self, key: str) -> bool:
        return key in self._messages[FALLBACK]

    def template(self, language: str, key: str) -> str | None:
        return self._messages.get(language, {}).get(key)

    def text(self, language: str, key: str, /, **params: Any) -> str:
        """The message in ``language`` (else English); a missing key is logged, never raised."""
        template = self._messages.get(language, {}).get(key) or self._messages[FALLBACK].get(key)
        if template is None:
            log.error("Message key %r is missing from the catalogue", key)
            return key
        commands = Commands(language, self._command_ids, self._command_names)
        try:
            return _FORMATTER.vformat(
                template,
                (),
                {
                    **{name: localise(self, language, value) for name, value in params.items()},
                    FIELD: commands,
                },
            )
        except (KeyError, IndexError, ValueError):
            log.exception("Message %r (%s) could not be filled with %r", key, language, params)
            return template

    def command(self, language: str, path: str) -> str:
        """The command ``path`` (``trip log``) as a mention, or as ``language`` names it."""
        return format(Commands(language, self._command_ids, self._command_names), path)

    def problems(self) -> list[str]:
        """Keys missing from a language, and placeholders that differ between languages."""
        found = []
        all_keys = set().union(*(m.keys() for m in self._messages.values()))
        for key in sorted(all_keys):
            texts = {lang: self._messages[lang].get(key) for lang in LANGUAGES}
            missing = [lang for lang, text in texts.items() if not text]
            if missing:
                found.append(f"{key}: missing in {', '.join(missing)}")
                continue
            shapes = {lang: placeholders(text) for lang, text in texts.items() if text}
            if len({frozenset(s) for s in shapes.values()}) > 1:
                found.append(f"{key}: placeholders differ {shapes}")
        return found


@cache
def catalogue() -> Catalogue:
    return Catalogue.load()


@cache
def command_localisations() -> dict[str, str]:
    """Japanese names and descriptions of commands, options and choices, by key."""
    return _load_toml("commands.ja.toml")


def t(language: str, key: str, /, **params: Any) -> str:
    return catalogue().text(language, key, **params)
