"""Reading a member list exported from a spreadsheet: a header, then one member per line.

Columns (any order; English or Japanese headers): the Discord user id, or the Discord username
where the office has no id; the member's name and its kana reading; membership number; expires.
UTF-8 (with or without BOM) and Shift_JIS (what Excel saves in Japan) are both read. A bad row is
reported by its line number and reason; good rows are kept.

A username names a member only once Discord has been asked who has it (the cog asks; this module
decides with :func:`match_username` which of the server's members the office meant).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain import names
from bot.domain.dates import DateError, parse_date
from bot.domain.errors import DomainError
from bot.domain.ids import parse_id
from bot.domain.text import clean_text

MAX_ROWS = 5_000
MAX_NUMBER = 40
SNOWFLAKE = re.compile(r"[0-9]{15,21}")  # what Discord's ids look like; parse_id checks range
# Discord usernames: 2-32 of a-z 0-9 _ . (older accounts: any name and a #1234 discriminator).
MAX_USERNAME = 37

HEADERS = {
    "user_id": {"discorduserid", "userid", "discordid", "discorduser", "user", "id", "ユーザーid",
                "discordユーザーid", "ユーザー"},
    "username": {"discordusername", "username", "discordname", "handle", "ユーザー名",
                 "discordユーザー名", "ユーザーネーム"},
    "name": {"name", "fullname", "membername", "氏名", "名前", "会員名", "お名前"},
    "reading": {"reading", "furigana", "kana", "namereading", "フリガナ", "ふりがな", "よみがな",
                "読み", "カナ"},
    "number": {"membershipnumber", "number", "membershipno", "memberno", "no", "会員番号", "番号"},
    "expires": {"expires", "expiry", "expireson", "expirydate", "validuntil", "有効期限", "期限"},
}  # fmt: skip


@dataclass(frozen=True)
class ImportRow:
    line: int
    user_id: int | None  # None: ``username`` names the member, once resolved
    number: str | None
    expires: date | None  # None: the end of the current fiscal year
    name: str | None = None
    reading: str | None = None
    username: str | None = None  # as the office wrote it, without a leading @


@dataclass(frozen=True)
class ServerMember:
    """A member of the Discord server whom a username could name, as Discord described them."""

    user_id: int
    username: str
    display_names: tuple[str, ...] = ()  # the server nickname and the global display name
    bot: bool = False


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
    if "user_id" not in columns and "username" not in columns:
        raise DomainError("member.import.no_header")
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    seen: dict[int | str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise DomainError("member.import.too_many", max=MAX_ROWS)

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        raw_id, username = cell("user_id"), _username(cell("username"))
        user_id: int | None = None
        if not raw_id and not username:
            problems.append(RowProblem(line, "member.import.no_user", {}))
            continue
        if raw_id:
            user_id = parse_id(raw_id) if SNOWFLAKE.fullmatch(raw_id) else None
            if user_id is None:
                problems.append(RowProblem(line, "member.import.bad_id", {"value": raw_id[:30]}))
                continue
            username = ""
        elif len(username) > MAX_USERNAME:
            problems.append(RowProblem(line, "member.import.bad_username", {"value": username}))
            continue
        who: int | str = user_id if user_id is not None else username.casefold()
        if who in seen:
            problems.append(RowProblem(line, "member.import.duplicate", {"first": seen[who]}))
            continue
        try:
            expires = parse_date(cell("expires"), today) if cell("expires") else None
            name = names.office_name(cell("name")) if cell("name") else None
            reading = names.reading(cell("reading")) if cell("reading") else None
        except (DateError, DomainError) as error:
            problems.append(RowProblem(line, error.key, error.params))
            continue
        seen[who] = line
        number = clean_text(cell("number"), MAX_NUMBER)
        rows.append(ImportRow(line, user_id, number, expires, name, reading, username or None))
    return rows, problems


def _username(cell: str) -> str:
    return (clean_text(cell, 100) or "").removeprefix("@").strip()


def lookup_query(username: str) -> str:
    """What to ask Discord for: the name without an old-style ``#1234`` discriminator."""
    return username.split("#")[0].strip() or username


def match_username(wanted: str, found: list[ServerMember]) -> ServerMember:
    """The one member of the server ``wanted`` names: the member with that username (Discord
    keeps usernames unique; an old ``name#1234`` is read as its name), else the one member whose
    server nickname or display name it is. :class:`DomainError` when it names nobody, or more
    than one member, or a bot."""
    key = lookup_query(wanted).casefold()
    exact = [m for m in found if m.username.casefold() == key]
    if not exact:
        exact = [m for m in found if key in {name.casefold() for name in m.display_names}]
    if not exact:
        raise DomainError("member.import.username_none", value=wanted)
    if len(exact) > 1:
        raise DomainError("member.import.username_many", value=wanted, count=len(exact))
    if exact[0].bot:
        raise DomainError("member.import.username_bot", value=wanted)
    return exact[0]
