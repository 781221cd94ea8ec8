from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError
from bot.domain.member_csv import ServerMember, match_username, read_members

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


def test_names_readings_and_usernames_with_japanese_headers() -> None:
    data = (
        "氏名,フリガナ,ユーザーID,ユーザー名,会員番号\n"
        f"山田花子,ﾔﾏﾀﾞ ﾊﾅｺ,{ID},,K-1003\n"
        "佐藤一郎,サトウ イチロウ,,@Ichiro.Sato,K-1004\n"
        "<@1> Bad,,,someone,K-1005\n"
        "=cmd,,,other,K-1006\n"
        ",,,ichiro.sato,K-1007\n"
        "鈴木,,,,K-1008\n"
    ).encode()
    rows, problems = read_members(data, TODAY)
    assert [(r.line, r.user_id, r.username, r.name, r.reading, r.number) for r in rows] == [
        (2, int(ID), None, "山田花子", "ヤマダ ハナコ", "K-1003"),
        (3, None, "Ichiro.Sato", "佐藤一郎", "サトウ イチロウ", "K-1004"),
    ]
    assert [(p.line, p.key) for p in problems] == [
        (4, "member.name.mention"),
        (5, "member.name.formula"),
        (6, "member.import.duplicate"),
        (7, "member.import.no_user"),
    ]


def test_a_shift_jis_file_with_names() -> None:
    data = f"名前,ふりがな,discord id\n草津太郎,くさつたろう,{ID}\n".encode("cp932")
    rows, problems = read_members(data, TODAY)
    assert problems == [] and (rows[0].name, rows[0].reading) == ("草津太郎", "くさつたろう")


def member(user_id: int, username: str, display: str | None = None, bot: bool = False):
    return ServerMember(user_id, username, (display,) if display else (), bot)


def test_a_username_names_one_member_or_is_reported() -> None:
    found = [
        member(1, "hanako", "Hanako"),
        member(2, "hanako2", "Hanako"),
        member(3, "taro", "Kusatsu Taro"),
        member(4, "kifa-bot", "KIFA", bot=True),
    ]
    assert match_username("Hanako", found).user_id == 1  # the username, not the two nicknames
    assert match_username("hanako#1234", found).user_id == 1
    assert match_username("kusatsu taro", found).user_id == 3
    for wanted, key in (
        ("nobody", "member.import.username_none"),
        ("hana", "member.import.username_none"),  # a prefix is not a name
        ("kifa-bot", "member.import.username_bot"),
    ):
        with pytest.raises(DomainError) as refused:
            match_username(wanted, found)
        assert refused.value.key == key
    two = [member(5, "a", "Same Name"), member(6, "b", "same name")]
    with pytest.raises(DomainError) as refused:
        match_username("Same Name", two)
    assert refused.value.key == "member.import.username_many"
    assert refused.value.params["count"] == 2
