from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidSetting
from bot.domain.settings import MAX_REPORT_UNITS, GuildSettings, RuleChange, apply_rules

DEFAULTS = GuildSettings(guild_id=1, preset="kifa")


def test_kifa_defaults():
    assert (
        DEFAULTS.fiscal_year_start_month,
        DEFAULTS.subsidy_amount_yen,
        DEFAULTS.report_min_units,
        DEFAULTS.report_max_units,
        DEFAULTS.report_deadline_days,
    ) == (4, 3000, 300, 600, None)


def test_an_empty_change_is_empty_and_changes_nothing():
    assert RuleChange().is_empty()
    assert apply_rules(DEFAULTS, RuleChange()) == DEFAULTS


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (RuleChange(fiscal_year_start_month=13), "setup.rules.bad_month"),
        (RuleChange(subsidy_amount_yen=-1), "setup.rules.bad_amount"),
        (RuleChange(report_min_units=0), "setup.rules.bad_length"),
        (RuleChange(report_max_units=200), "setup.rules.min_above_max"),
        (RuleChange(report_deadline_days=400), "setup.rules.bad_deadline"),
        (RuleChange(language="fr"), "setup.rules.bad_language"),
    ],
)
def test_invalid_changes_are_refused_with_their_message(change, key):
    with pytest.raises(InvalidSetting) as raised:
        apply_rules(DEFAULTS, change)
    assert raised.value.key == key


def test_deadline_zero_switches_the_deadline_off():
    with_deadline = apply_rules(DEFAULTS, RuleChange(report_deadline_days=30))
    assert with_deadline.report_deadline_days == 30
    assert (
        apply_rules(with_deadline, RuleChange(report_deadline_days=0)).report_deadline_days is None
    )


@given(
    low=st.one_of(st.none(), st.integers(-5, MAX_REPORT_UNITS + 5)),
    high=st.one_of(st.none(), st.integers(-5, MAX_REPORT_UNITS + 5)),
)
def test_the_length_range_is_never_left_inverted(low, high):
    try:
        result = apply_rules(DEFAULTS, RuleChange(report_min_units=low, report_max_units=high))
    except InvalidSetting:
        return
    assert 1 <= result.report_min_units <= result.report_max_units <= MAX_REPORT_UNITS
