"""Reading a member list exported from a spreadsheet: a header, then one member per line.

Columns: Discord user id, membership number, expires (any order; English or Japanese headers).
UTF-8 (with or without BOM) and Shift_JIS (what Excel saves in Japan) are both read. A bad row is
reported by its line number and reason; good rows are kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.dates import DateError, parse_date
from bot.domain.errors import DomainError
from bot.domain.ids import parse_id
from bot.domain.text import clean_text

MAX_ROWS = 5_000
MAX_NUMBER = 40
SNOWFLAKE = re.compile(r"[0-9]{15,21}")  # what Discord's ids look like; parse_id checks range

HEADERS = {
    "user_id": {"discorduserid", "userid", "discordid", "discorduser", "user", "id", "ユーザーid",
                "discordユーザーid", "ユーザー"},
    "number": {"membershipnumber", "number", "membershipno", "memberno", "no", "会員番号", "番号"},
    "expires": {"expires", "expiry", "expireson", "expirydate", "validuntil", "有効期限", "期限"},
}  # fmt: skip


@dataclass(frozen=True)
class ImportRow:
    line: int
    user_id: int
    number: str | None
    expires: date | None  # None: the end of the current fiscal year


@dataclass(frozen=True)
class RowProblem:
    line: int
    key: str
    params: dict[str, Any]


def _header_key(cell: str) -> str:
    return re.sub(r"[\s_\-.#]", "", cell.strip().lower())


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("member.import.encoding")


def read_members(data: bytes, today: date) -> tuple[list[ImportRow], list[RowProblem]]:
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    header = next(reader, None)
    columns: dict[str, int] = {}
    for index, heading in enumerate(header or []):
        for name, aliases in HEADERS.items():
            if _header_key(heading) in aliases and name not in columns:
                columns[name] = index
    if "user_id" not in columns:
        raise DomainError("member.import.no_header")
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    seen: dict[int, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise DomainError("member.import.too_many", max=MAX_ROWS)

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        raw_id = cell("user_id")
        user_id = parse_id(raw_id) if SNOWFLAKE.fullmatch(raw_id) else None
        if user_id is None:
            problems.append(RowProblem(line, "member.import.bad_id", {"value": raw_id[:30]}))
            continue
        if user_id in seen:
            problems.append(RowProblem(line, "member.import.duplicate", {"first": seen[user_id]}))
            continue
        expires = None
        if cell("expires"):
            try:
                expires = parse_date(cell("expires"), today)
            except DateError as error:
                problems.append(RowProblem(line, error.key, error.params))
                continue
        seen[user_id] = line
        rows.append(ImportRow(line, user_id, clean_text(cell("number"), MAX_NUMBER), expires))
    return rows, problems
