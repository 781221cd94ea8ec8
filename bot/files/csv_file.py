"""The one CSV writer. Every CSV the bot hands out (the member registry, the subsidy ledger, and
any later export) is written here, so every cell is safe whatever its origin.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula when it opens
a CSV (a tab or a carriage return first can smuggle one in too): a city name brought in with
/city import, a member's display name or a payment method typed by staff could run
``=HYPERLINK(...)`` or worse on the office's computer. So every text cell that starts with one of
them, after any leading spaces, gets a leading apostrophe, which spreadsheets show as text and
hide. The full-width forms a Japanese keyboard types (＝＋－＠) are treated the same, to be safe.
Numbers and dates the bot itself produced are written as they are.

UTF-8 with a byte-order mark (Excel otherwise reads Japanese as mojibake), CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

Cell = str | int | date | None

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it."""
    first = text.lstrip(" \u3000")[:1]
    return "'" + text if first and first in FORMULA_STARTS else text


def _cell(value: Cell) -> str | int:
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


def csv_file(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
