from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.ids import MAX_ID, parse_id, require_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", 12),
        ("#12", 12),
        ("  # 12 ", 12),
        ("\u300012\u3000", 12),  # ideographic spaces
        ("１２", 12),  # full-width digits
        ("＃１２", 12),
        ("12\u200b", 12),  # a zero-width space picked up by copying
        ("\u200e#7", 7),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        ("0" * 30 + "5", 5),
        (5, 5),
        (MAX_ID, MAX_ID),
    ],
)
def test_ids_as_people_type_them(typed: str | int, expected: int):
    assert parse_id(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "", " ", "#", "0", "000", "-1", "+1", "1.0", "1e3", "0x1f", "12abc", "1 2", "1_000",
        "1,000", "²", "٣", "Ⅻ", "①", "NaN", "##1", str(MAX_ID + 1), "9" * 20, "9" * 400,
        0, -1, MAX_ID + 1, 2**64, None, True,
    ],
)  # fmt: skip
def test_what_names_no_stored_object(typed: str | int | None):
    assert parse_id(typed) is None


def test_require_id_refuses_with_the_given_cannot_find_answer():
    assert require_id("#3", "trip.unknown") == 3
    with pytest.raises(DomainError) as refused:
        require_id("99999999999999999999", "trip.unknown")
    assert refused.value.key == "trip.unknown"


@given(st.one_of(st.text(), st.integers(), st.from_regex(r"\s*#?\s*[0-9]{1,25}\s*")))
def test_whatever_is_accepted_fits_sqlite(value: str | int):
    found = parse_id(value)
    if found is not None:
        assert 1 <= found <= MAX_ID
        sqlite3.connect(":memory:").execute("SELECT ?", (found,))  # would raise OverflowError
