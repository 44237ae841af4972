"""Dates and fiscal years in every form the city's systems write."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nofu.lib.wareki import (
    ERAS,
    DateParseError,
    fiscal_year_of,
    parse_date,
    parse_fiscal_year,
    to_wareki,
    to_wareki_fiscal_year,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980/01/02", date(1980, 1, 2)),
        ("1980/1/2", date(1980, 1, 2)),
        ("1980-1-2", date(1980, 1, 2)),
        ("1980-01-02", date(1980, 1, 2)),
        ("1980.01.02", date(1980, 1, 2)),
        ("1980年1月2日", date(1980, 1, 2)),
        ("19800102", date(1980, 1, 2)),
        ("１９８０／０１／０２", date(1980, 1, 2)),
        ("1980/01/02 0:00:00", date(1980, 1, 2)),  # as Excel writes a date cell
        ("1980-01-02T00:00:00", date(1980, 1, 2)),
        (" 1980/01/02 ", date(1980, 1, 2)),
        ("S55.01.02", date(1980, 1, 2)),
        ("S55/1/2", date(1980, 1, 2)),
        ("S55-1-2", date(1980, 1, 2)),
        ("s55.1.2", date(1980, 1, 2)),
        ("Ｓ５５．１．２", date(1980, 1, 2)),
        ("昭55.1.2", date(1980, 1, 2)),
        ("S550102", date(1980, 1, 2)),
        ("3550102", date(1980, 1, 2)),  # 住基-style era code 3 = 昭和
        ("昭和55年1月2日", date(1980, 1, 2)),
        ("昭和５５年１月２日", date(1980, 1, 2)),
        ("昭和 55年 1月 2日", date(1980, 1, 2)),
        ("昭和五十五年一月二日", date(1980, 1, 2)),
        ("㍼55年1月2日", date(1980, 1, 2)),  # the one-character era sign
        ("平成元年10月2日", date(1989, 10, 2)),
        ("H1.10.2", date(1989, 10, 2)),
        ("H01.10.02", date(1989, 10, 2)),
        ("H元.10.2", date(1989, 10, 2)),
        ("R7.4.1", date(2025, 4, 1)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("5070401", date(2025, 4, 1)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("T1.7.30", date(1912, 7, 30)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("2024/02/29", date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000", "0000/00/00", "00000000"])
def test_parse_date_blank_is_none(text: str | None) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025/02/30", "存在しない日付です"),
        ("2025/02/29", "存在しない日付です"),  # not a leap year
        ("1980/13/01", "存在しない日付です"),
        ("昭和55年2月30日", "存在しない日付です"),
        ("abc", "日付として読めません"),
        ("1980/01", "日付として読めません"),
        ("80/01/02", "日付として読めません"),  # two-digit years are ambiguous
        ("X55.1.2", "日付として読めません"),
        ("H1.1.8x", "日付として読めません"),
        ("18000101", "年が範囲外です"),
        ("S0.1.1", "昭和0年はありません"),
        # Era overrun: the day belongs to the next era.
        ("平成31年5月1日", "平成の日付ではありません"),
        ("平成32年1月1日", "平成の日付ではありません"),
        ("H32.4.1", "平成の日付ではありません"),
        ("昭和65年1月1日", "昭和の日付ではありません"),
        ("昭和64年1月8日", "昭和の日付ではありません"),
        ("大正15年12月25日", "大正の日付ではありません"),
        # Before the era began.
        ("平成元年1月7日", "平成の日付ではありません"),
        ("令和元年4月30日", "令和の日付ではありません"),
    ],
)
def test_parse_date_rejects_with_a_japanese_message(text: str, message: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert message in str(info.value)
    assert f"「{text}」" in str(info.value)


def test_date_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_date("nonsense")


def test_parse_date_raises_again_for_a_cached_bad_value() -> None:
    for _ in range(3):
        with pytest.raises(DateParseError):
            parse_date("2025/02/30")


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(st.dates(min_value=date(1868, 1, 25), max_value=date(2200, 12, 31)))
def test_to_wareki_round_trips(d: date) -> None:
    assert parse_date(to_wareki(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%Y%m%d")) == d


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2025, 4, 1), "令和7年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1980, 1, 2), "昭和55年1月2日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1900, 1, 1), "明治33年1月1日"),
        (date(1850, 1, 1), "1850年1月1日"),
    ],
)
def test_to_wareki(d: date, text: str) -> None:
    assert to_wareki(d) == text


def test_eras_are_newest_first() -> None:
    starts = [e.start for e in ERAS]
    assert starts == sorted(starts, reverse=True)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2025", 2025),
        ("2025年度", 2025),
        ("２０２５", 2025),
        ("R7", 2025),
        ("R07", 2025),
        ("r7", 2025),
        ("令和7", 2025),
        ("令和７年度", 2025),
        ("令和7年", 2025),
        ("令和 7 年度", 2025),
        ("令和七年度", 2025),
        ("R元", 2019),
        ("令和元年度", 2019),
        ("H30", 2018),
        ("平成30年度", 2018),
        ("平成31年度", 2019),  # began in April 2019, still 平成
        ("H1", 1989),
        ("平成元年度", 1989),
        ("S63", 1988),
        (" 2024 ", 2024),
    ],
)
def test_parse_fiscal_year(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


def test_parse_fiscal_year_accepts_an_int() -> None:
    assert parse_fiscal_year(2025) == 2025


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "年度が空です"),
        ("", "年度が空です"),
        ("  ", "年度が空です"),
        ("x", "年度として読めません"),
        ("R7.4", "年度として読めません"),
        ("25", "年度として読めません"),
        ("1700", "年度が範囲外です"),
        ("平成32年度", "平成32年度はありません"),
        ("H32", "平成32年度はありません"),
        ("昭和64年度", "昭和64年度はありません"),
        ("R0", "令和0年度はありません"),
    ],
)
def test_parse_fiscal_year_rejects(text: str | None, message: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_fiscal_year(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("d", "year"),
    [(date(2025, 4, 1), 2025), (date(2026, 3, 31), 2025), (date(2025, 3, 31), 2024)],
)
def test_fiscal_year_of(d: date, year: int) -> None:
    assert fiscal_year_of(d) == year


@pytest.mark.parametrize(
    ("year", "text"),
    [
        (2025, "令和7年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_to_wareki_fiscal_year(year: int, text: str) -> None:
    assert to_wareki_fiscal_year(year) == text
    assert parse_fiscal_year(text) == year
