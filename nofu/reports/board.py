"""The three contract numbers with pace and forecast, month by month (KPI board).

- 架電件数: outbound calls (ContactEvent kind 架電) from April on, against 80,000 a year
  (第2章 Ⅰ.4(1); the year's own target when the call-list app keeps one — the first
  year is set by months of operation). Pace = the target spread over the fiscal year's business days; the
  forecast continues the calls per business day so far to the end of March.
- 収納率: `figures.collection_by_month` (第2章 Ⅰ.4(2)), target 60 %. The forecast continues
  the money collected per day so far to the end of May of the next year, and the
  delinquency handed over per day so far to the end of March (a straight line; it is a
  warning light, not a promise).
- 応答率: `figures.answer_stats_by_day` (第2章 Ⅱ.5), target 90 %. The forecast applies the
  last 30 days' rate to the calls still expected this fiscal year (calls per business
  day so far × business days left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from nofu.reports import figures as F
from nofu.reports import seams


def pct(v: float | None) -> str:
    return "－" if v is None else f"{v * 100:.1f}%"


@dataclass
class MonthRow:
    year: int
    month: int
    calls: int = 0
    calls_cumulative: int = 0
    calls_target_cumulative: float = 0
    calls_forecast_cumulative: float | None = None  # for months still to come
    delinquency: int = 0
    collected: int = 0
    collection_rate: float | None = None
    offered: int = 0
    answered: int = 0
    answer_rate: float | None = None
    started: bool = True  # the month has begun (as of the board's date)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return F.month_end(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{self.month}月"

    @property
    def collection_rate_pct(self) -> str:
        return pct(self.collection_rate)

    @property
    def answer_rate_pct(self) -> str:
        return pct(self.answer_rate)


@dataclass
class Kpi:
    fy: int
    as_of: date
    calls: int = 0
    calls_target: int = F.CALLS_PER_YEAR
    calls_expected_now: float = 0
    calls_forecast: float = 0
    business_days_elapsed: int = 0
    business_days_total: int = 0
    delinquency: int = 0
    collected: int = 0
    collection_rate: float | None = None
    collection_forecast: float | None = None
    offered: int = 0
    answered: int = 0
    answer_rate: float | None = None
    answer_rate_recent: float | None = None
    answer_forecast: float | None = None
    months: list[MonthRow] = field(default_factory=list)  # April .. May of fy+1
    target_note: str = ""

    @property
    def collection_rate_pct(self) -> str:
        return pct(self.collection_rate)

    @property
    def collection_forecast_pct(self) -> str:
        return pct(self.collection_forecast)

    @property
    def answer_rate_pct(self) -> str:
        return pct(self.answer_rate)

    @property
    def answer_rate_recent_pct(self) -> str:
        return pct(self.answer_rate_recent)

    @property
    def answer_forecast_pct(self) -> str:
        return pct(self.answer_forecast)

    @property
    def calls_pace_pct(self) -> str:
        return pct(self.calls_pace)

    @property
    def calls_pace(self) -> float | None:
        """Calls so far against where the target says we should be by now."""
        return self.calls / self.calls_expected_now if self.calls_expected_now else None


def calls_target(fy: int) -> tuple[int, str]:
    """The year's target: as set for the year (call-list app), else 80,000 (第2章 Ⅰ.4(1))."""
    target = seams.annual_calls_target(fy)
    if target is not None and target != F.CALLS_PER_YEAR:
        return target, "年度の目標として設定された件数（初年度は稼働月数により設定）"
    return F.CALLS_PER_YEAR, ""


def kpi(fy: int, today: date) -> Kpi:
    fy_start, fy_end = date(fy, 4, 1), date(fy + 1, 3, 31)
    pay_end = date(fy + 1, 5, 31)
    as_of = min(today, pay_end)
    target, note = calls_target(fy)
    k = Kpi(fy=fy, as_of=as_of, calls_target=target, target_note=note)

    calls_until = min(as_of, fy_end)
    bd_all = F.business_days(fy_start, fy_end)
    k.business_days_total = len(bd_all)
    k.business_days_elapsed = sum(1 for d in bd_all if d <= calls_until)
    by_month = F.outbound_by_month(fy)
    k.calls = sum(n for (y, m), n in by_month.items() if date(y, m, 1) <= calls_until)
    if k.business_days_total:
        k.calls_expected_now = target * k.business_days_elapsed / k.business_days_total
    per_day = k.calls / k.business_days_elapsed if k.business_days_elapsed else 0.0
    k.calls_forecast = (
        k.calls + per_day * (k.business_days_total - k.business_days_elapsed)
        if as_of >= fy_start
        else 0.0
    )

    coll = F.collection_by_month(fy)
    answers = F.answer_stats_by_day(fy_start, min(as_of, fy_end)) if as_of >= fy_start else {}
    cumulative = 0
    forecast_cum = float(k.calls)
    for c in coll:
        row = MonthRow(c.year, c.month, started=date(c.year, c.month, 1) <= as_of)
        in_fy = (c.year, c.month) <= (fy + 1, 3)
        if in_fy:
            row.calls = by_month.get((c.year, c.month), 0) if row.started else 0
            cumulative += row.calls
            row.calls_cumulative = cumulative
            bd_to_end = sum(1 for d in bd_all if d <= row.end)
            row.calls_target_cumulative = target * bd_to_end / max(k.business_days_total, 1)
            if row.end > calls_until and as_of >= fy_start:
                ahead = sum(1 for d in bd_all if calls_until < d <= row.end)
                forecast_cum = k.calls + per_day * ahead
                row.calls_forecast_cumulative = forecast_cum
        if row.started:
            row.delinquency, row.collected = c.delinquency, c.paid_cumulative
            row.collection_rate = c.rate
        k.months.append(row)
    for d, s in answers.items():
        for row in k.months:
            if (row.year, row.month) == (d.year, d.month):
                row.offered += s.offered
                row.answered += s.answered
    for row in k.months:
        row.answer_rate = row.answered / row.offered if row.offered else None
        k.offered += row.offered
        k.answered += row.answered
    k.answer_rate = k.answered / k.offered if k.offered else None

    current = [c for c in coll if date(c.year, c.month, 1) <= as_of]
    if current:
        last = current[-1]
        k.delinquency, k.collected, k.collection_rate = (
            last.delinquency,
            last.paid_cumulative,
            last.rate,
        )
        pay_days = (as_of - fy_start).days + 1
        hand_days = (min(as_of, fy_end) - fy_start).days + 1
        if k.delinquency and pay_days > 0:
            future_collected = k.collected / pay_days * ((pay_end - fy_start).days + 1)
            future_delinquency = k.delinquency / hand_days * ((fy_end - fy_start).days + 1)
            k.collection_forecast = min(future_collected / future_delinquency, 1.0)

    if k.offered and as_of >= fy_start:
        recent_from = max(fy_start, min(as_of, fy_end) - timedelta(days=29))
        recent = F.AnswerStats()
        for d, s in answers.items():
            if d >= recent_from:
                recent.add(s)
        k.answer_rate_recent = recent.rate if recent.offered else k.answer_rate
        remaining_bd = k.business_days_total - k.business_days_elapsed
        expected = k.offered / max(k.business_days_elapsed, 1) * remaining_bd
        k.answer_forecast = (k.answered + (k.answer_rate_recent or 0) * expected) / (
            k.offered + expected
        )
    return k
