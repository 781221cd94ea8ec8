from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError
from bot.domain.member_csv import read_members

TODAY = date(2026, 11, 23)
ID = "123456789012345678"


def test_columns_in_any_order_with_a_bom_and_blank_lines() -> None:
    data = f"\ufeffExpires,Discord User ID,Membership Number\n\n2027-03-31,{ID},A-1\n".encode()
    rows, problems = read_members(data, TODAY)
    assert problems == []
    assert [(r.line, r.user_id, r.number, r.expires) for r in rows] == [
        (3, int(ID), "A-1", date(2027, 3, 31))
    ]


def test_quoted_cells_and_short_rows() -> None:
    data = f'user id,number,expires\n"{ID}","A, B"\n'.encode()
    rows, problems = read_members(data, TODAY)
    assert rows[0].number == "A, B" and rows[0].expires is None and problems == []


def test_bad_rows_are_reported_by_line_and_good_ones_kept() -> None:
    data = f"user id,number,expires\n{ID},,\n12,,\n{ID},,\n".encode()
    rows, problems = read_members(data, TODAY)
    assert len(rows) == 1
    assert [(p.line, p.key) for p in problems] == [
        (3, "member.import.bad_id"),
        (4, "member.import.duplicate"),
    ]


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00garbage", b"name,email\nA,b@c\n"])
def test_a_file_without_usable_header_is_refused_whole(data: bytes) -> None:
    with pytest.raises(DomainError):
        read_members(data, TODAY)
