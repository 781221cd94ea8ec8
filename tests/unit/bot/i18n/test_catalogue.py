from __future__ import annotations

import re

import pytest

from bot.i18n.catalogue import Catalogue, catalogue, command_localisations


def test_every_key_exists_in_both_languages_with_the_same_placeholders():
    assert catalogue().problems() == []


def test_the_check_catches_a_missing_language_and_a_placeholder_mismatch():
    broken = Catalogue(
        {
            "en": {"a": "Hello {name}", "b": "Only English"},
            "ja": {"a": "こんにちは {user}"},
        }
    )
    problems = broken.problems()
    assert any(p.startswith("a: placeholders differ") for p in problems)
    assert "b: missing in ja" in problems


def test_text_fills_placeholders_and_falls_back_to_english():
    small = Catalogue(
        {
            "en": {"greet": "Hello {name}", "only": "English only"},
            "ja": {"greet": "{name}さん、こんにちは"},
        }
    )
    assert small.text("ja", "greet", name="Aiko") == "Aikoさん、こんにちは"
    assert small.text("ja", "only") == "English only"
    assert small.text("en", "missing.key") == "missing.key"  # logged, never raised


def test_japanese_messages_are_not_english_copies():
    cat = catalogue()
    copied = []
    for key in cat.message_keys():
        english = cat.template("en", key)
        words = re.sub(r"\{[^}]*\}", "", english)
        if english == cat.template("ja", key) and re.search("[a-z]{4}", words):
            copied.append(key)
    assert copied == []


@pytest.mark.parametrize("key", sorted(command_localisations()))
def test_command_localisations_fit_discord_limits(key):
    text = command_localisations()[key]
    if key.endswith(".name") and key.startswith("cmd."):
        assert re.fullmatch(r"[-_\w]{1,32}", text), key
        assert text == text.lower()
    elif key.startswith("choice."):
        assert 1 <= len(text) <= 100
    else:
        assert 1 <= len(text) <= 100, key
