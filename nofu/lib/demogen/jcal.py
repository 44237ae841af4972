"""Dates as the city writes them: 和暦, fiscal years, due dates, 延滞金 at extraction.

Kept inside the generator (not shared with nofu.lib's calendar) so the data source stays
stable while the application's own rules evolve; tests of the application then check the
application against independently produced data.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import jpholiday

# (first day, name, initial)
ERAS: tuple[tuple[date, str, str], ...] = (
    (date(2019, 5, 1), "令和", "R"),
    (date(1989, 1, 8), "平成", "H"),
    (date(1926, 12, 25), "昭和", "S"),
    (date(1912, 7, 30), "大正", "T"),
)


def era_of(d: date) -> tuple[str, str, int]:
    """(name, initial, year in era) of a date."""
    for start, name, initial in ERAS:
        if d >= start:
            return name, initial, d.year - start.year + 1
    raise ValueError(f"date before 大正: {d}")


def fiscal_year(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def fy_era(fy: int) -> tuple[str, str, int]:
    """Era of a fiscal year as municipalities label it: by its first day, 1 April,
    except that FY2019 is 令和元年度 (the era changed a month later)."""
    if fy == 2019:
        return "令和", "R", 1
    return era_of(date(fy, 4, 1))


@lru_cache(maxsize=4096)
def is_business_day(d: date) -> bool:
    if d.weekday() >= 5:
        return False
    if (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3):
        return False
    return not jpholiday.is_holiday(d)


@lru_cache(maxsize=4096)
def next_business_day(d: date) -> date:
    """地方税法 §20の5②: a due date on a closed day moves to the next business day."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


@lru_cache(maxsize=4096)
def previous_business_day(d: date) -> date:
    while not is_business_day(d):
        d -= timedelta(days=1)
    return d


def month_end(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    return date(year, month, calendar.monthrange(year, month)[1])


# Nominal installment schedules per subject: (period label, month offset from April of
# the fiscal year, day or 0 for month end). Offsets past 12 fall in the next year.
_MONTHLY_JUN_MAR = tuple((str(i + 1), 3 + i, 0) for i in range(10))
_MONTHLY_JUL_MAR = tuple((str(i + 1), 4 + i, 0) for i in range(9))
SCHEDULES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "01": (("1", 3, 0), ("2", 5, 0), ("3", 7, 0), ("4", 10, 0)),  # 6/30 8/31 10/31 1/31
    "02": (("1", 1, 0), ("2", 4, 0), ("3", 9, 25), ("4", 11, 0)),  # 4/30 7/31 12/25 2/末
    "03": (("1", 1, 0), ("2", 4, 0), ("3", 9, 25), ("4", 11, 0)),
    "04": (("1", 2, 0),),  # 5/31
    "10": _MONTHLY_JUN_MAR,  # 国保料 10 periods June-March
    "12": _MONTHLY_JUL_MAR,  # 後期高齢 9 periods July-March
    "13": _MONTHLY_JUL_MAR,  # 介護 9 periods July-March
    "14": _MONTHLY_JUN_MAR,  # 保育料
    "15": _MONTHLY_JUN_MAR,  # 給食費
}


@lru_cache(maxsize=8192)
def nominal_due(fy: int, month_offset: int, day: int) -> date:
    year, month = fy, 3 + month_offset
    while month > 12:
        year, month = year + 1, month - 12
    if day == 0:
        return month_end(year, month)
    return date(year, month, day)


@lru_cache(maxsize=8192)
def due_date(fy: int, month_offset: int, day: int) -> date:
    return next_business_day(nominal_due(fy, month_offset, day))


@lru_cache(maxsize=8192)
def schedule(subject: str, fy: int) -> tuple[tuple[str, date], ...]:
    return tuple((p, due_date(fy, m, d)) for p, m, d in SCHEDULES[subject])


@lru_cache(maxsize=8192)
def demand_notice_date(due: date, lag: int) -> date:
    """督促状 go out in one batch per installment within 20 days after the due date."""
    return previous_business_day(due + timedelta(days=lag))


# --- 延滞金 (entaikin.md): enough to make the city's figure plausible -------------------

# year -> (first-month rate, later rate) in percent
_RATES = {
    2014: (2.9, 9.2),
    2015: (2.8, 9.1),
    2016: (2.8, 9.1),
    2017: (2.7, 9.0),
    2018: (2.6, 8.9),
    2019: (2.6, 8.9),
    2020: (2.6, 8.9),
    2021: (2.5, 8.8),
    2022: (2.4, 8.7),
    2023: (2.4, 8.7),
    2024: (2.4, 8.7),
    2025: (2.4, 8.7),
    2026: (2.8, 9.1),
}


def _rate(year: int, first: bool) -> float:
    r = _RATES.get(max(2014, min(year, 2026)))
    assert r is not None
    return r[0] if first else r[1]


def _add_month(d: date) -> date:
    y, m = (d.year, d.month + 1) if d.month < 12 else (d.year + 1, 1)
    last = calendar.monthrange(y, m)[1]
    return date(y, m, min(d.day, last))


@lru_cache(maxsize=16384)
def _segments(due: date, as_of: date) -> tuple[float, ...]:
    """rate% x days of each segment from the day after `due` through `as_of`."""
    out = []
    first_end = _add_month(due)  # last day of the low-rate month (inclusive)
    seg_start = due + timedelta(days=1)
    while seg_start <= as_of:
        first = seg_start <= first_end
        seg_end = min(as_of, first_end if first else date(seg_start.year, 12, 31))
        seg_end = min(seg_end, date(seg_start.year, 12, 31))
        days = (seg_end - seg_start).days + 1
        out.append(_rate(seg_start.year, first) * days)
        seg_start = seg_end + timedelta(days=1)
    return tuple(out)


def late_charge(amount: int, due: date, as_of: date) -> int:
    """延滞金 on `amount` unpaid from the day after `due` through `as_of`."""
    if amount < 2000 or as_of <= due:
        return 0
    base = (amount // 1000) * 1000
    total = sum(int(base * f / 36500) for f in _segments(due, as_of))
    if total < 1000:
        return 0
    return total // 100 * 100
