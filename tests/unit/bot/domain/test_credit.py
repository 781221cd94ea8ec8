"""bot.domain.credit: nothing shown that was not ticked; initials from any script."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain import credit
from bot.domain.reports import Publication


def test_nothing_ticked_is_a_member_without_the_subsidy():
    assert credit.from_publication_choices([]) == Publication("anonymous", False)


def test_initials_win_over_the_full_name_and_forged_values_are_ignored():
    assert credit.from_publication_choices(["full_name", "initials"]).credit == "initials"
    assert credit.from_publication_choices(["admin", "subsidy"]) == Publication("anonymous", True)


@given(st.lists(st.sampled_from([*credit.CHOICES, "x", ""])))
def test_the_form_opens_with_what_was_chosen(ticked: list[str]):
    chosen = credit.from_publication_choices(ticked)
    assert credit.from_publication_choices(credit.choices_of(*chosen)) == chosen


def test_initials_of_latin_names_and_of_kana_readings():
    assert credit.initials("Hanako Tanaka") == "H. T."
    assert credit.initials("田中 花子", "たなか はなこ") == "T. H."
    assert credit.initials("千葉 俊二", "チバ シュンジ") == "C. S."
    assert credit.initials("Émile Zola") == "É. Z."
    assert credit.initials("田中花子") is None  # no reading: the caller credits "a member"


def test_initials_of_wo_and_vu_follow_hepburn():
    assert credit.initials("ヴァレンタイン オサム") == "V. O."
    assert credit.initials("を") == "O."
