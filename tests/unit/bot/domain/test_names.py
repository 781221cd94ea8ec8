from __future__ import annotations

import pytest

from bot.domain.errors import DomainError
from bot.domain.names import MAX_NAME, discord_name, office_name, reading


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("山田花子", "山田花子"),
        ("  山田\u3000\u3000花子 ", "山田\u3000花子"),
        ("Anna  Schmidt", "Anna Schmidt"),
        ("Zoë O'Neil-Smith", "Zoë O'Neil-Smith"),
        ("山田\x00花\u200b子\n", "山田花子"),  # control and invisible characters dropped
        ("李 小龍", "李 小龍"),
        ("a" * MAX_NAME, "a" * MAX_NAME),
    ],
)
def test_office_names_are_kept_as_written(typed: str, stored: str) -> None:
    assert office_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "member.name.empty"),
        ("\u200b \x07", "member.name.empty"),
        ("a" * (MAX_NAME + 1), "member.name.too_long"),
        ("Hanako <@123456789012345678>", "member.name.mention"),
        ("@everyone", "member.name.mention"),
        ("<@&42>", "member.name.mention"),
        ('=HYPERLINK("http://x")', "member.name.formula"),
        ("+81 90", "member.name.formula"),
        ("-Taro", "member.name.formula"),
        ("＝SUM(A1)", "member.name.formula"),
        ("@taro", "member.name.formula"),
    ],
)
def test_what_cannot_be_a_name_is_refused_with_its_reason(typed: str, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        office_name(typed)
    assert refused.value.key == key


def test_a_discord_name_is_cleaned_not_refused() -> None:
    assert discord_name("=cmd|' /C calc'!A0") == "cmd|' /C calc'!A0"
    assert discord_name("Taro <@123> @everyone") == "Taro"
    assert discord_name("-- @@ ") is None
    assert len(discord_name("x" * 300) or "") == MAX_NAME


def test_readings_are_kana_or_romaji() -> None:
    assert reading("ﾔﾏﾀﾞ ﾊﾅｺ") == "ヤマダ ハナコ"  # half-width katakana made full-width
    assert reading("やまだ　はなこ") == "やまだ はなこ"
    assert reading("Yamada Hanako") == "Yamada Hanako"
    for wrong in ("山田花子", "=1+1", "ヤマダ3"):
        with pytest.raises(DomainError) as refused:
            reading(wrong)
        assert refused.value.key == "member.reading.not_kana"
