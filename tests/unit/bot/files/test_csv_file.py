from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.files.csv_file import FORMULA_STARTS, csv_file, safe_text

HOSTILE = [
    '=HYPERLINK("https://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\u3000=1+1",
    "＝１＋１",
    "＋1",
    "－1",
    "＠x",
]


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def runs(cell: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula."""
    return cell.lstrip(" \u3000")[:1] in FORMULA_STARTS and cell.lstrip(" \u3000") != ""


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_value_in_every_column_is_shown_not_run(hostile: str):
    columns = ["a", "b", "c", "d", "e"]
    rows = [[hostile if i == column else "plain" for i in range(5)] for column in range(5)]
    table = read(csv_file(columns, rows))
    assert table[0] == columns
    for row in table[1:]:
        assert not any(runs(cell) for cell in row), row
        assert any(cell == "'" + hostile for cell in row)  # kept, behind an apostrophe


def test_a_hostile_header_is_shown_not_run():
    assert read(csv_file(["=x", "ok"], []))[0] == ["'=x", "ok"]


def test_numbers_dates_and_empty_cells_as_they_are():
    table = read(csv_file(["n", "d", "none", "text"], [[-5, date(2025, 8, 3), None, "草津"]]))
    assert table[1] == ["-5", "2025-08-03", "", "草津"]


def test_rows_end_with_crlf_as_spreadsheets_expect():
    assert csv_file(["a"], [["b"]]) == "\ufeffa\r\nb\r\n".encode()


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_no_text_cell_can_run_and_nothing_is_lost(rows: list[list[str]]):
    table = read(csv_file(["x", "y", "z"], rows))
    assert len(table) == len(rows) + 1
    for written, row in zip(table[1:], rows, strict=True):
        for cell, value in zip(written, row, strict=True):
            assert not runs(cell)
            assert cell in (value, "'" + value)


def test_safe_text_leaves_ordinary_text_alone():
    assert safe_text("Pontiac") == "Pontiac"
    assert safe_text("a-b") == "a-b"
    assert safe_text("") == ""
