"""The month's sessions on top of the business calendar: when outbound calls may happen.

`nofu.lib.business_calendar` knows the city's closed days and the hours as data; this
module adds what the managers plan (night and weekend sessions, the city's own closed
days, intensive months), checks a month's plan against the specification (第1章14:
night sessions eight times a month; at least one Saturday and one Sunday; 第1章4(8):
more night work in intensive months) and finds the next time a call may be made in a
given time of day (the retry rules need "a different time of day").
"""

from __future__ import annotations

import calendar as pycal
import threading
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from nofu.lib.business_calendar import (
    TOKYO,
    SessionKind,
    SessionPlan,
    Work,
    closed_reason,
    is_business_day,
    is_year_end_closure,
    operating_windows,
)

NIGHT_MINIMUM = 8  # 夜間（月８回）
INTENSIVE_NIGHT_MINIMUM = 12  # 強化月間: more night work than a normal month (our standard)
WEEKEND_MINIMUM = 1  # 土日（最低月各１回）, for Saturday and for Sunday each
BONUS_MONTHS = frozenset({6, 7, 12})  # 賞与月: suggested intensive months
PENSION_MONTHS = frozenset({2, 4, 6, 8, 10, 12})  # 年金支給月 (15th of even months)


# --- the plan over a range of days --------------------------------------------------------


@dataclass(frozen=True)
class Days:
    """Planned sessions and the city's own closed days over a range, as the calendar wants."""

    plan: SessionPlan
    closed: frozenset[date]

    def windows(self, d: date) -> list[tuple[Slot, datetime, datetime]]:
        """Outbound windows of day `d` as aware datetimes, the regular day split at noon."""
        out: list[tuple[Slot, datetime, datetime]] = []
        for w in operating_windows(d, Work.OUTBOUND, self.plan, self.closed):
            start = datetime.combine(d, w.start, TOKYO)
            end = datetime.combine(d, w.end, TOKYO)
            if w.kind is SessionKind.REGULAR:
                noon = datetime.combine(d, NOON, TOKYO)
                out.append((Slot.MORNING, start, noon))
                out.append((Slot.AFTERNOON, noon, end))
            elif w.kind is SessionKind.NIGHT:
                out.append((Slot.NIGHT, start, end))
            else:
                out.append((Slot.WEEKEND, start, end))
        return out

    def is_operating(self, at: datetime) -> bool:
        local = at.astimezone(TOKYO)
        return any(s <= local < e for _, s, e in self.windows(local.date()))

    def next_open(
        self, after: datetime, exclude: Iterable[Slot] = (), horizon_days: int = 45
    ) -> datetime | None:
        """The first moment ≥ `after` inside a window whose time of day is not excluded."""
        excluded = set(exclude)
        local = after.astimezone(TOKYO)
        d = local.date()
        for _ in range(horizon_days):
            for slot, start, end in self.windows(d):
                if slot in excluded or end <= local:
                    continue
                return max(start, local)
            d += timedelta(days=1)
        return None


NOON = time(12, 0)


class Slot(StrEnum):
    """Times of day for "retry at a different time of day"."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    NIGHT = "night"
    WEEKEND = "weekend"

    @property
    def label(self) -> str:
        return {"morning": "午前", "afternoon": "午後", "night": "夜間", "weekend": "土日"}[self]


def slot_of(at: datetime) -> Slot:
    local = at.astimezone(TOKYO) if at.tzinfo else at
    if local.weekday() >= 5:
        return Slot.WEEKEND
    t = local.time()
    if t < NOON:
        return Slot.MORNING
    if t < time(17, 30):
        return Slot.AFTERNOON
    return Slot.NIGHT


def load_days(start: date, end: date) -> Days:
    """Sessions and closed days from the database for [start, end]."""
    from nofu.calllists.models import ClosedDay, Session

    night: set[date] = set()
    weekend: set[date] = set()
    for d, kind in Session.objects.filter(date__range=(start, end)).values_list("date", "kind"):
        (night if kind == SessionKind.NIGHT else weekend).add(d)
    closed = frozenset(
        ClosedDay.objects.filter(date__range=(start, end)).values_list("date", flat=True)
    )
    return Days(SessionPlan.of(night=night, weekend=weekend), closed)


_cache: dict[date, tuple[float, Days]] = {}
_cache_lock = threading.Lock()
CACHE_SECONDS = 15.0  # other processes see a changed plan within this time


def days_around(today: date) -> Days:
    """The plan from yesterday to 45 days ahead, cached briefly (the queue asks on every offer)."""
    with _cache_lock:
        hit = _cache.get(today)
        if hit and hit[0] > _time.monotonic():
            return hit[1]
    days = load_days(today - timedelta(days=1), today + timedelta(days=46))
    with _cache_lock:
        _cache.clear()
        _cache[today] = (_time.monotonic() + CACHE_SECONDS, days)
    return days


def forget_cached_plan(**_: object) -> None:
    with _cache_lock:
        _cache.clear()


def connect_signals() -> None:
    from nofu.calllists.models import ClosedDay, Session

    for model in (Session, ClosedDay):
        post_save.connect(forget_cached_plan, sender=model, dispatch_uid=f"plan-{model.__name__}")
        post_delete.connect(
            forget_cached_plan, sender=model, dispatch_uid=f"plan-del-{model.__name__}"
        )


def is_operating_now(at: datetime) -> bool:
    return days_around(timezone.localdate(at)).is_operating(at)


# --- a month's plan ----------------------------------------------------------------------


def month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, pycal.monthrange(year, month)[1] + 1)]


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """Weeks Monday–Sunday, None outside the month: the calendar page's grid."""
    return [
        [d if d.month == month else None for d in week]
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def night_possible(d: date, closed: Iterable[date]) -> bool:
    return is_business_day(d, frozenset(closed))


def weekend_possible(d: date, closed: Iterable[date]) -> bool:
    return d.weekday() >= 5 and not is_year_end_closure(d) and d not in set(closed)


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str


def month_warnings(
    year: int,
    month: int,
    *,
    nights: Iterable[date],
    weekends: Iterable[date],
    closed: Iterable[date] = (),
    intensive: bool = False,
) -> list[PlanWarning]:
    """Where a month's plan breaks the specification's minimums, in words for the manager."""
    closed = frozenset(closed)
    nights = sorted(set(nights))
    weekends = sorted(set(weekends))
    out: list[PlanWarning] = []
    bad_nights = [d for d in nights if not night_possible(d, closed)]
    bad_weekends = [d for d in weekends if not weekend_possible(d, closed)]
    for d in bad_nights:
        out.append(
            PlanWarning(
                "night_closed",
                f"{d.month}月{d.day}日は{closed_reason(d, closed) or '休業日'}のため夜間稼働できません。",
            )
        )
    for d in bad_weekends:
        if d.weekday() < 5:
            why = "土日ではない"
        elif is_year_end_closure(d):
            why = "年末年始"
        else:
            why = "市の休業日"
        out.append(
            PlanWarning("weekend_closed", f"{d.month}月{d.day}日は{why}のため土日稼働できません。")
        )
    n_nights = len(nights) - len(bad_nights)
    if n_nights < NIGHT_MINIMUM:
        out.append(
            PlanWarning(
                "nights_short",
                f"夜間稼働が{n_nights}回です。仕様書の月{NIGHT_MINIMUM}回に"
                f"{NIGHT_MINIMUM - n_nights}回足りません。",
            )
        )
    elif intensive and n_nights < INTENSIVE_NIGHT_MINIMUM:
        out.append(
            PlanWarning(
                "intensive_nights",
                f"強化月間です。夜間稼働を増やしてください（現在{n_nights}回、"
                f"強化月間の標準は{INTENSIVE_NIGHT_MINIMUM}回）。",
            )
        )
    good_weekends = [d for d in weekends if d not in bad_weekends]
    saturdays = [d for d in good_weekends if d.weekday() == 5]
    sundays = [d for d in good_weekends if d.weekday() == 6]
    if len(saturdays) < WEEKEND_MINIMUM:
        out.append(PlanWarning("no_saturday", "土曜日の稼働がありません（仕様書：最低月1回）。"))
    if len(sundays) < WEEKEND_MINIMUM:
        out.append(PlanWarning("no_sunday", "日曜日の稼働がありません（仕様書：最低月1回）。"))
    return out


def suggest(
    year: int, month: int, *, closed: Iterable[date] = (), intensive: bool = False
) -> tuple[list[date], list[date]]:
    """A plan that meets the minimums: nights spread evenly, the first Saturday and Sunday
    (and the last ones too in an intensive month)."""
    closed = frozenset(closed)
    days = month_days(year, month)
    business = [d for d in days if night_possible(d, closed)]
    want = min(len(business), INTENSIVE_NIGHT_MINIMUM if intensive else NIGHT_MINIMUM)
    nights: list[date] = []
    if want:
        step = len(business) / want
        nights = sorted({business[int(i * step + step / 2)] for i in range(want)})
    weekends: list[date] = []
    for wd in (5, 6):
        candidates = [d for d in days if d.weekday() == wd and weekend_possible(d, closed)]
        if candidates:
            weekends.append(candidates[0])
            if intensive and len(candidates) > 1:
                weekends.append(candidates[-1])
    return nights, sorted(weekends)


def fiscal_year_of(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    return date(fy, 4, 1), date(fy + 1, 3, 31)
