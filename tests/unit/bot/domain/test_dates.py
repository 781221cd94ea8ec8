from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import DateError, parse_date

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-03", date(2025, 8, 3)),
        ("2025/8/3", date(2025, 8, 3)),
        ("2025.8.3", date(2025, 8, 3)),
        ("3 Aug 2025", date(2025, 8, 3)),
        ("August 3, 2025", date(2025, 8, 3)),
        ("Aug 3", date(2026, 8, 3)),  # 112 days ago is nearer than 252 days ahead
        ("Jan 5", date(2027, 1, 5)),  # 43 days ahead is nearer than 322 days ago
        ("2025年8月3日", date(2025, 8, 3)),
        ("2025年8月3", date(2025, 8, 3)),
        ("２０２５年８月３日", date(2025, 8, 3)),  # full-width digits, as phones type them
        ("8月3日", date(2026, 8, 3)),
        ("令和7年8月3日", date(2025, 8, 3)),
        ("令和 7 年 8 月 3 日", date(2025, 8, 3)),
        ("R7.8.3", date(2025, 8, 3)),
        ("r7/8/3", date(2025, 8, 3)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("  2025-08-03  ", date(2025, 8, 3)),
    ],
)
def test_the_forms_people_use(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2025-02-31", "date.invalid"),
        ("2025年2月30日", "date.invalid"),
        ("令和7年2月29日", "date.invalid"),
        ("2025-13-01", "date.invalid"),
        ("garbage", "date.unreadable"),
        ("", "date.unreadable"),
        ("   ", "date.unreadable"),
        ("August 2025", "date.unreadable"),  # which day?
        ("2025", "date.unreadable"),
        ("3", "date.unreadable"),
        ("x" * 10_000, "date.unreadable"),
        ("2025-08-03; DROP TABLE trips", "date.unreadable"),
        ("平成31年5月1日", "date.outside_era"),  # Heisei ended on 30 April 2019
        ("令和元年4月30日", "date.outside_era"),  # Reiwa began on 1 May 2019
        ("平成元年1月7日", "date.outside_era"),
        ("H32.1.1", "date.outside_era"),
        ("令和0年5月1日", "date.invalid"),
    ],
)
def test_what_is_refused_and_why(text: str, key: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text, TODAY)
    assert caught.value.key == key


def test_the_echoed_text_is_short_even_for_huge_input() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("1" * 10_000, TODAY)
    assert len(caught.value.params["text"]) <= 40


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_every_date_survives_each_written_form(day: date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%d %b %Y"),
        day.strftime("%B %d, %Y"),
    ]
    for text in forms:
        assert parse_date(text, TODAY) == day, text


@given(st.dates(min_value=date(2019, 5, 1), max_value=date(2099, 12, 31)))
def test_reiwa_dates_round_trip(day: date) -> None:
    era_year = day.year - 2018
    kanji = "元" if era_year == 1 else str(era_year)
    assert parse_date(f"令和{kanji}年{day.month}月{day.day}日", TODAY) == day
    assert parse_date(f"R{era_year}.{day.month}.{day.day}", TODAY) == day


@given(st.dates(min_value=date(2000, 3, 1), max_value=date(2099, 10, 31)))
def test_a_date_without_a_year_is_the_nearest_one(today: date) -> None:
    for offset in (-150, -1, 0, 1, 150):
        day = today + timedelta(days=offset)
        if (day.month, day.day) == (2, 29):
            continue
        assert parse_date(f"{day.month}月{day.day}日", today) == day
        assert parse_date(day.strftime("%b %d"), today) == day


@given(st.text(max_size=60))
def test_any_text_gives_a_date_or_a_date_error(text: str) -> None:
    try:
        result = parse_date(text, TODAY)
    except DateError as error:
        assert error.key in ("date.unreadable", "date.invalid", "date.outside_era")
    else:
        assert isinstance(result, date)
