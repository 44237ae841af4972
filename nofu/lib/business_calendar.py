"""Chiba City's business calendar and the center's operating hours (Django-free).

Closed days are those of 千葉市の休日に関する条例: Saturdays, Sundays, national holidays
(including substitute and citizens' holidays, from the maintained `jpholiday` package) and
12/29–1/3. The city may close on further days (system maintenance, …); callers pass
those in as `extra_closed`, so this module never needs a database.

Operating hours (specification 第1章14) are plain data; whether a night or weekend session
takes place on a given day is decided by the month's plan, which callers pass in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import jpholiday

__all__ = [
    "NO_EXTRA",
    "OPERATING_HOURS",
    "HoursWindow",
    "SessionKind",
    "SessionPlan",
    "Work",
    "add_business_days",
    "business_days_between",
    "closed_reason",
    "is_business_day",
    "is_operating",
    "is_year_end_closure",
    "next_business_day",
    "nth_business_day_of_month",
    "operating_windows",
    "previous_business_day",
    "shift_due_date",
]

NO_EXTRA: frozenset[date] = frozenset()
TOKYO = ZoneInfo("Asia/Tokyo")


def is_year_end_closure(d: date) -> bool:
    """12/29–1/3: closed by the city's ordinance although not national holidays."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


@lru_cache(maxsize=8192)
def _holiday_name(d: date) -> str | None:
    name = jpholiday.is_holiday_name(d)
    return str(name) if name else None


def closed_reason(d: date, extra_closed: Collection[date] = NO_EXTRA) -> str | None:
    """Why the city is closed on `d` (Japanese, for screens), or None on a business day."""
    if d.weekday() == 5:
        return "土曜日"
    if d.weekday() == 6:
        return "日曜日"
    if name := _holiday_name(d):
        return name
    if is_year_end_closure(d):
        return "年末年始"
    if d in extra_closed:
        return "市の休業日"
    return None


def is_business_day(d: date, extra_closed: Collection[date] = NO_EXTRA) -> bool:
    return closed_reason(d, extra_closed) is None


def next_business_day(d: date, extra_closed: Collection[date] = NO_EXTRA) -> date:
    """The first business day strictly after `d`."""
    d += timedelta(days=1)
    while not is_business_day(d, extra_closed):
        d += timedelta(days=1)
    return d


def previous_business_day(d: date, extra_closed: Collection[date] = NO_EXTRA) -> date:
    """The last business day strictly before `d`."""
    d -= timedelta(days=1)
    while not is_business_day(d, extra_closed):
        d -= timedelta(days=1)
    return d


def shift_due_date(d: date, extra_closed: Collection[date] = NO_EXTRA) -> date:
    """A 納期限 on a closed day moves to the next business day (地方税法 §20の5②).

    Idempotent: a date that is already a business day is returned unchanged, so shifting
    a due date the city has already moved does no harm.
    """
    return d if is_business_day(d, extra_closed) else next_business_day(d, extra_closed)


def add_business_days(d: date, n: int, extra_closed: Collection[date] = NO_EXTRA) -> date:
    """Move `n` business days forward (or back when n < 0); n == 0 returns `d` itself.

    Counting starts after `d`, so from a Saturday one business day is the Monday.
    """
    step = next_business_day if n >= 0 else previous_business_day
    for _ in range(abs(n)):
        d = step(d, extra_closed)
    return d


def business_days_between(a: date, b: date, extra_closed: Collection[date] = NO_EXTRA) -> int:
    """Business days stepped over from a to b, so that add_business_days(a, n) = b gives n.

    Forward it counts the business days in (a, b]; backward, minus those in [b, a).
    """
    lo, hi, sign = (a + timedelta(days=1), b, 1) if b >= a else (b, a - timedelta(days=1), -1)
    count = 0
    d = lo
    while d <= hi:
        if is_business_day(d, extra_closed):
            count += 1
        d += timedelta(days=1)
    return sign * count


def nth_business_day_of_month(
    year: int, month: int, n: int, extra_closed: Collection[date] = NO_EXTRA
) -> date:
    """The n-th business day (1-based) of a month; the 月報 is due by the 5th."""
    if n < 1:
        raise ValueError("n は 1 以上で指定してください")
    d = date(year, month, 1)
    count = 0
    while d.month == month:
        if is_business_day(d, extra_closed):
            count += 1
            if count == n:
                return d
        d += timedelta(days=1)
    raise ValueError(f"{year}年{month}月には{n}番目の稼働日がありません")


# --- operating hours (第1章14) ------------------------------------------------------


class Work(StrEnum):
    OUTBOUND = "outbound"  # 電話による納付勧奨業務
    INBOUND = "inbound"  # 受電業務


class SessionKind(StrEnum):
    REGULAR = "regular"  # every business day
    NIGHT = "night"  # 夜間 (eight times a month), business days only
    WEEKEND = "weekend"  # 土日 (at least one Saturday and one Sunday a month)


@dataclass(frozen=True)
class HoursWindow:
    kind: SessionKind
    start: time
    end: time  # exclusive: 17:30 itself belongs to the night session

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end


OPERATING_HOURS: dict[Work, tuple[HoursWindow, ...]] = {
    Work.OUTBOUND: (
        HoursWindow(SessionKind.REGULAR, time(9, 0), time(17, 30)),
        HoursWindow(SessionKind.NIGHT, time(17, 30), time(20, 0)),
        HoursWindow(SessionKind.WEEKEND, time(10, 0), time(16, 0)),
    ),
    Work.INBOUND: (
        HoursWindow(SessionKind.REGULAR, time(8, 30), time(17, 30)),
        HoursWindow(SessionKind.WEEKEND, time(10, 0), time(16, 0)),
    ),
}


@dataclass(frozen=True)
class SessionPlan:
    """The month's planned extra sessions: dates of night sessions and weekend sessions."""

    night: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, night: Iterable[date] = (), weekend: Iterable[date] = ()) -> SessionPlan:
        return cls(frozenset(night), frozenset(weekend))


def operating_windows(
    d: date,
    work: Work,
    plan: SessionPlan = SessionPlan(),
    extra_closed: Collection[date] = NO_EXTRA,
) -> list[HoursWindow]:
    """The windows in which `work` runs on day `d`, given the planned sessions.

    Regular hours and night sessions only on business days; weekend sessions only on a
    Saturday or Sunday that is in the plan (and not 12/29–1/3 or a city closure).
    Return calls to outbound work (折り返し) follow the outbound hours: ask for OUTBOUND.
    """
    windows: list[HoursWindow] = []
    business = is_business_day(d, extra_closed)
    weekend_ok = (
        d.weekday() >= 5
        and d in plan.weekend
        and not is_year_end_closure(d)
        and d not in extra_closed
    )
    for w in OPERATING_HOURS[work]:
        if w.kind is SessionKind.REGULAR and business:
            windows.append(w)
        elif w.kind is SessionKind.NIGHT and business and d in plan.night:
            windows.append(w)
        elif w.kind is SessionKind.WEEKEND and weekend_ok:
            windows.append(w)
    return windows


def is_operating(
    at: datetime,
    work: Work,
    plan: SessionPlan = SessionPlan(),
    extra_closed: Collection[date] = NO_EXTRA,
) -> bool:
    """Whether `at` lies within `work`'s hours; aware datetimes are read in Asia/Tokyo."""
    if at.tzinfo is not None:
        at = at.astimezone(TOKYO)
    t = at.time()
    return any(w.contains(t) for w in operating_windows(at.date(), work, plan, extra_closed))
