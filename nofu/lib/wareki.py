"""Dates and fiscal years as the city's systems write them, Western and 和暦.

Era dates are checked against the era's real span: 平成31年4月30日 is accepted,
平成31年5月1日 and 平成32年1月1日 are rejected (that day is 令和), and so is
平成元年1月7日 (still 昭和64年). A date that names the wrong era is more likely a typo in
the era or the year than a date to silently move, so it is reported, not converted.

Fiscal years (年度, April to March) follow the same idea with a year's slack: 平成31年度
(April 2019, before 令和 began) and 令和元年度 both mean 2019; 平成32年度 and 昭和64年度
never began and are rejected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from nofu.lib.japanese import KANJI_NUMERAL_CHARS, kanji_numeral_to_int

__all__ = [
    "ERAS",
    "DateParseError",
    "Era",
    "fiscal_year_of",
    "parse_date",
    "parse_fiscal_year",
    "to_wareki",
    "to_wareki_fiscal_year",
]


class DateParseError(ValueError):
    """The value is not a date (or fiscal year); the message is for the user (Japanese)."""


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    code: str  # 5: the digit that 住基-style 7-digit dates (5070401) start with
    start: date  # first day of the era


# Newest first. 明治 starts on 1868-01-25, the Gregorian day of 明治元年1月1日: the era was
# proclaimed retroactive to New Year; dates before 1873 were lunisolar anyway.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", "5", date(2019, 5, 1)),
    Era("平成", "H", "4", date(1989, 1, 8)),
    Era("昭和", "S", "3", date(1926, 12, 25)),
    Era("大正", "T", "2", date(1912, 7, 30)),
    Era("明治", "M", "1", date(1868, 1, 25)),
)
_BY_KEY: dict[str, int] = {}
for _i, _e in enumerate(ERAS):
    for _k in (_e.name, _e.letter, _e.code, _e.name[0]):  # 昭和, S, 3, 昭
        _BY_KEY[_k] = _i

MIN_YEAR, MAX_YEAR = 1868, 2200
_ERA_ALT = "明治|大正|昭和|平成|令和|[MTSHR明大昭平令]"
_SEP_Y, _SEP_M = r"(?:[-/.年])", r"(?:[-/.月])"
_WESTERN = re.compile(rf"(\d{{4}}){_SEP_Y}(\d{{1,2}}){_SEP_M}(\d{{1,2}})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ERA_DATE = re.compile(rf"({_ERA_ALT})\.?(元|\d{{1,3}}){_SEP_Y}(\d{{1,2}}){_SEP_M}(\d{{1,2}})日?")
_ERA_COMPACT = re.compile(r"([MTSHR1-5])(\d{2})(\d{2})(\d{2})")  # S550102, 3550102 (住基)
_TIME_SUFFIX = re.compile(r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_KANJI_RUN = re.compile(f"[{KANJI_NUMERAL_CHARS}]+")
_ZERO_DATE = re.compile(r"0{4}[-/.]?0{2}[-/.]?0{2}")
_FISCAL = re.compile(rf"(?:(\d{{4}})|({_ERA_ALT})\.?(元|\d{{1,3}}))(?:年度|年)?")


def _normalize(s: str) -> str:
    text = unicodedata.normalize("NFKC", s).strip().upper()
    text = _TIME_SUFFIX.sub("", text)  # 1980/01/02 00:00:00 as Excel writes it
    text = "".join(text.split())
    if _KANJI_RUN.search(text):
        text = _KANJI_RUN.sub(lambda m: str(kanji_numeral_to_int(m.group())), text)
    return text


def _era_year(era: Era, year_text: str) -> int:
    n = 1 if year_text == "元" else int(year_text)
    return era.start.year + n - 1


def _make_date(y: int, m: int, d: int, original: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateParseError(f"存在しない日付です: 「{original}」") from None


def _check_in_era(i: int, d: date, original: str) -> None:
    era = ERAS[i]
    if d < era.start:
        raise DateParseError(
            f"{era.name}の日付ではありません（{era.name}は{to_wareki(era.start)}から）: "
            f"「{original}」"
        )
    if i > 0 and d >= ERAS[i - 1].start:
        last = date.fromordinal(ERAS[i - 1].start.toordinal() - 1)
        raise DateParseError(
            f"{era.name}の日付ではありません（{era.name}は{to_wareki(last)}まで）: 「{original}」"
        )


def _parse(original: str) -> date | None:
    if not original.strip():
        return None
    try:
        text = _normalize(original)
    except ValueError:
        raise DateParseError(f"日付として読めません: 「{original}」") from None
    if _ZERO_DATE.fullmatch(text):
        return None  # 0000/00/00: legacy exports write it for "unknown"
    m = _WESTERN.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise DateParseError(f"年が範囲外です（{MIN_YEAR}〜{MAX_YEAR}年）: 「{original}」")
        return _make_date(y, mo, d, original)
    m = _ERA_DATE.fullmatch(text) or _ERA_COMPACT.fullmatch(text)
    if m:
        i = _BY_KEY[m.group(1)]
        era = ERAS[i]
        if m.group(2) != "元" and int(m.group(2)) == 0:
            raise DateParseError(f"{era.name}0年はありません: 「{original}」")
        result = _make_date(_era_year(era, m.group(2)), int(m.group(3)), int(m.group(4)), original)
        _check_in_era(i, result, original)
        return result
    raise DateParseError(f"日付として読めません: 「{original}」")


@lru_cache(maxsize=1 << 18)
def _parse_cached(s: str) -> date | None | str:
    """Errors are cached as their message: a bad value repeats as often as a good one."""
    try:
        return _parse(s)
    except DateParseError as exc:
        return str(exc)


def parse_date(s: str | None) -> date | None:
    """A date as any of the city's systems writes it; None for a blank cell.

    Accepts 1980/01/02, 1980-1-2, 1980年1月2日, 19800102, S55.01.02, S55/1/2, 昭55.1.2,
    昭和55年1月2日 (full-width or kanji digits too), 平成元年10月2日, R7.4.1, S550102 and the
    住基-style 3550102. 0000/00/00 means "unknown" and gives None.
    """
    if s is None:
        return None
    result = _parse_cached(s)
    if isinstance(result, str):
        raise DateParseError(result)
    return result


@lru_cache(maxsize=1 << 12)
def _fiscal_cached(s: str) -> int | str:
    original = s
    try:
        text = _normalize(s)
    except ValueError:
        return f"年度として読めません: 「{original}」"
    m = _FISCAL.fullmatch(text)
    if not text or not m:
        return f"年度として読めません: 「{original}」"
    if m.group(1):
        year = int(m.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            return f"年度が範囲外です（{MIN_YEAR}〜{MAX_YEAR}年度）: 「{original}」"
        return year
    i = _BY_KEY[m.group(2)]
    era = ERAS[i]
    if m.group(3) != "元" and int(m.group(3)) == 0:
        return f"{era.name}0年度はありません: 「{original}」"
    year = _era_year(era, m.group(3))
    # The fiscal year runs from April 1 of `year` to March 31 of `year + 1`; it must
    # overlap the era (平成31年度 began in April 2019, still 平成; 昭和64年度 never began).
    if date(year + 1, 3, 31) < era.start or (i > 0 and date(year, 4, 1) >= ERAS[i - 1].start):
        return f"{era.name}{m.group(3)}年度はありません: 「{original}」"
    return year


def parse_fiscal_year(s: str | int | None) -> int:
    """Gregorian fiscal year from 2025, 2025年度, R7, 令和7, 令和７年度, H30, 令和元年度."""
    if isinstance(s, int) and not isinstance(s, bool):
        s = str(s)
    if s is None or not str(s).strip():
        raise DateParseError("年度が空です")
    result = _fiscal_cached(str(s))
    if isinstance(result, str):
        raise DateParseError(result)
    return result


def _era_of(d: date) -> Era | None:
    for era in ERAS:
        if d >= era.start:
            return era
    return None


def to_wareki(d: date) -> str:
    """令和7年4月1日 for letters and pages (元年 for an era's first year)."""
    era = _era_of(d)
    if era is None:
        return f"{d.year}年{d.month}月{d.day}日"
    n = d.year - era.start.year + 1
    year = "元" if n == 1 else str(n)
    return f"{era.name}{year}年{d.month}月{d.day}日"


def fiscal_year_of(d: date) -> int:
    """The fiscal year (年度) a day belongs to: April to the next March."""
    return d.year if d.month >= 4 else d.year - 1


def to_wareki_fiscal_year(year: int) -> str:
    """令和7年度 for 2025; 2019 is 令和元年度 (the era that ends the fiscal year)."""
    era = _era_of(date(year + 1, 3, 31))
    if era is not None and era.start.year > year:  # 1988 ends in 平成 but is 昭和63年度
        era = _era_of(date(year, 4, 1))
    if era is None:
        return f"{year}年度"
    n = year - era.start.year + 1
    return f"{era.name}{'元' if n == 1 else n}年度"
