from __future__ import annotations

import re

import pytest

from bot.domain.errors import Phrase, Term
from bot.domain.reports import CHARACTERS, WORDS, Length
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


def test_values_read_in_the_readers_language():
    """Lists join as the language joins them; a Term or Phrase is a message of its own; a report
    length says its count, unit and range."""
    cat = catalogue()
    names = (Term("permission.view_channel"), Term("permission.send_messages"))
    assert "チャンネルを見る、メッセージを送信" in cat.text(
        "ja", "setup.channels.cannot_post", channel="#x", permissions=names
    )
    assert "View Channel, Send Messages" in cat.text(
        "en", "setup.channels.cannot_post", channel="#x", permissions=names
    )
    limit = Phrase("city.import.detail.cities", {"count": 1000})
    assert cat.text("ja", "city.import.problem.length", field="cities", detail=limit) == (
        "• cities：長すぎます。1,000都市までにしてください"
    )
    assert cat.text("ja", "report.length_value", length=Length(412, CHARACTERS, 300, 600)) == (
        "412字（300〜600字）"
    )
    assert cat.text("ja", "report.length_value", length=Length(352, WORDS, 300, 600)) == (
        "352語（300〜600語）"
    )
    assert cat.text("en", "report.length_value", length=Length(1200, WORDS, 300, 4000)) == (
        "1,200 words (300–4,000)"
    )


def test_english_plurals_follow_the_count_and_japanese_needs_none():
    messages = {
        "en": {"k": "{count:plural:report has|reports have} waited"},
        "ja": {"k": "{count}件が待っています"},
    }
    texts = Catalogue(messages)
    assert texts.text("en", "k", count=1).startswith("1 report has waited")
    assert texts.text("en", "k", count=0).startswith("0 reports have waited")
    assert texts.text("en", "k", count=1200).startswith("1,200 reports have waited")
    assert texts.text("ja", "k", count=1) == "1件が待っています"
    assert texts.problems() == []


def test_no_english_message_says_s_in_brackets():
    english = catalogue().message_keys("en")
    assert [k for k in english if "(s)" in (catalogue().template("en", k) or "")] == []
