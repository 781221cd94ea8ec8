from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import reports as rules
from bot.domain.errors import DomainError
from bot.domain.reports import AlreadyDecided, Report, count_units

NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", 0),
        ("We visited Pontiac.", 3),
        ("  many   spaces\nand\tlines  ", 4),
        ("草津市から観音寺市へ行きました。", 15),  # the full stop counts nothing
        ("ＡＢＣ full-width", 2),
        ("東京 is nice!", 4),
        ("It's 3 p.m. — really", 4),
        ("... --- !!!", 0),
        ("々と〆", 3),
        ("한국어 텍스트", 6),
    ],
)
def test_length_units(text: str, units: int) -> None:
    assert count_units(text) == units


@given(st.lists(st.from_regex(r"[a-z]{1,12}", fullmatch=True), max_size=200))
def test_space_separated_words_count_one_each(words: list[str]) -> None:
    assert count_units(" ".join(words)) == len(words)


@given(st.text(alphabet="あいうえお漢字草津", max_size=600))
def test_japanese_counts_characters(text: str) -> None:
    assert count_units(text) == len(text)


def test_out_of_range_says_the_count_its_unit_and_the_range() -> None:
    with pytest.raises(DomainError) as short:
        rules.check_length(rules.Length(299, rules.WORDS, 300, 600))
    assert short.value.key == "report.too_short"
    assert short.value.params == {"length": rules.Length(299, rules.WORDS, 300, 600)}
    with pytest.raises(DomainError) as long:
        rules.check_length(rules.Length(601, rules.CHARACTERS, 300, 600))
    assert long.value.key == "report.too_long"
    rules.check_length(rules.Length(300, rules.WORDS, 300, 600))
    rules.check_length(rules.Length(600, rules.WORDS, 300, 600))


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("草津市から観音寺市へ行きました。", rules.CHARACTERS),
        ("We visited Pontiac in August.", rules.WORDS),
        ("ポンティアック市でHenry Ford Museumに行きました。", rules.CHARACTERS),
        ("We ate 草津 food in Pontiac with friends", rules.WORDS),
        ("", rules.WORDS),
    ],
)
def test_a_length_is_told_in_the_unit_most_of_the_text_is_counted_in(text: str, unit: str):
    assert rules.length_unit(text) == unit
    assert rules.measure(text, 1, 9) == rules.Length(count_units(text), unit, 1, 9)


def report(state: str) -> Report:
    return Report(
        1,
        1,
        2,
        3,
        state,
        None,
        "text",
        400,
        "en",
        NOW,
        NOW,
        5,
        NOW.date(),
        decided_by=9,
        decided_at=NOW,
    )


def test_only_an_awaiting_report_can_be_decided() -> None:
    assert rules.decision_state(report(rules.AWAITING), "approve") == rules.APPROVED
    assert rules.decision_state(report(rules.AWAITING), "changes") == rules.CHANGES_REQUESTED
    assert rules.decision_state(report(rules.AWAITING), "reject") == rules.REJECTED
    for state in (rules.APPROVED, rules.REJECTED, rules.CHANGES_REQUESTED, rules.WITHDRAWN):
        with pytest.raises(AlreadyDecided) as caught:
            rules.decision_state(report(state), "approve")
        expected = (
            "report.withdrawn_already" if state == rules.WITHDRAWN else "report.decided_already"
        )
        assert caught.value.key == expected
    with pytest.raises(DomainError):
        rules.decision_state(report(rules.AWAITING), "delete")
