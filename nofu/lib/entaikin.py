"""延滞金 (late charges), exact to the yen: one installment at a time and in bulk.

Django-free. The rules follow 地方税法 (§326, 附則3条の2, §20の4の2) as summarized in
shared/reference/entaikin.md; everything a city may set differently by ordinance (first
period length, start day, rounding) is a `RuleSet`, and the yearly rates are a
`RateTable`, so that neither lives in code.

Arithmetic is integer only: rates are held in units of 0.01 % ("bp"), and each segment's
charge is base × bp × days // (365 × 10,000), i.e. truncated to whole yen per segment.
The bulk path (`compute_many`) does the same integer arithmetic with numpy and is tested
to agree with `compute` exactly.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from nofu.lib.business_calendar import is_business_day, shift_due_date

__all__ = [
    "DEFAULT_RATES",
    "LOCAL_TAX",
    "AmountTooLarge",
    "IntArray",
    "DemandNoticeBeforeDue",
    "EntaikinError",
    "InvalidPayment",
    "InvalidRate",
    "InvalidRule",
    "NegativeAmount",
    "RateNotFound",
    "RateTable",
    "Result",
    "RuleSet",
    "Segment",
    "Start",
    "UnknownRuleSet",
    "UntilBeforeDue",
    "YearRate",
    "compute",
    "compute_many",
    "first_period_end",
    "parse_payments",
    "rates_from_special_base",
]

DAYS_IN_YEAR = 365  # also in leap years (附則3条の2 の計算方法)
BP_PER_PERCENT = 100
_DENOM = DAYS_IN_YEAR * 100 * BP_PER_PERCENT
STATUTORY_FIRST_BP = 730  # 7.3 %
STATUTORY_LATER_BP = 1460  # 14.6 %
MAX_RATE_BP = 100 * BP_PER_PERCENT
MAX_AMOUNT = 10**12  # keeps base × bp × days inside int64 in the bulk path
_ONE_DAY = timedelta(days=1)


# --- errors -------------------------------------------------------------------------


class EntaikinError(ValueError):
    """Bad input. The message is Japanese and may be shown to an operator as is."""


class NegativeAmount(EntaikinError):
    pass


class AmountTooLarge(EntaikinError):
    pass


class UntilBeforeDue(EntaikinError):
    pass


class DemandNoticeBeforeDue(EntaikinError):
    pass


class InvalidPayment(EntaikinError):
    pass


class InvalidRule(EntaikinError):
    pass


class InvalidRate(EntaikinError):
    pass


class RateNotFound(EntaikinError, LookupError):
    def __init__(self, year: int) -> None:
        super().__init__(f"{year}年の延滞金割合が登録されていません")
        self.year = year


class UnknownRuleSet(EntaikinError, LookupError):
    pass


# --- rules and rates as data --------------------------------------------------------


class Start(StrEnum):
    """From which day the charge runs."""

    AFTER_DUE = "due"  # 納期限の翌日から (地方税)
    AFTER_DEMAND_NOTICE = "demand_notice"  # 督促状の指定期限の翌日から (some ordinances)


@dataclass(frozen=True)
class RuleSet:
    """How one subject's charge is computed; the default is the local-tax rule."""

    first_period_months: int = 1  # low rate until this many calendar months have passed
    start: Start = Start.AFTER_DUE
    base_unit: int = 1000  # the tax is truncated to this unit …
    base_threshold: int = 2000  # … and bears nothing when below this
    result_unit: int = 100  # the total is truncated to this unit …
    result_threshold: int = 1000  # … and is not charged when below this
    shift_closed_due: bool = True  # a due date on a closed day moves (地方税法 §20の5②)
    name: str = "地方税法"

    def __post_init__(self) -> None:
        if not 0 <= self.first_period_months <= 120:
            raise InvalidRule("低率期間の月数は0〜120で指定してください")
        if self.base_unit < 1 or self.result_unit < 1:
            raise InvalidRule("端数処理の単位は1円以上で指定してください")
        if self.base_threshold < 0 or self.result_threshold < 0:
            raise InvalidRule("しきい値は0円以上で指定してください")
        object.__setattr__(self, "start", Start(self.start))

    def base_of(self, tax: int) -> int:
        """The amount the charge is computed on: truncated, or nothing under the threshold."""
        if tax < self.base_threshold:
            return 0
        return tax // self.base_unit * self.base_unit

    def round_total(self, subtotal: int) -> int:
        if subtotal < self.result_threshold:
            return 0
        return subtotal // self.result_unit * self.result_unit


LOCAL_TAX = RuleSet()


def to_bp(rate: Decimal | str | int | float) -> int:
    """A yearly rate in percent → integer units of 0.01 %; refuses finer precision."""
    try:
        d = Decimal(str(rate)) * BP_PER_PERCENT
    except InvalidOperation:
        raise InvalidRate(f"割合「{rate}」を数値として読めません") from None
    if d != d.to_integral_value():
        raise InvalidRate(f"割合「{rate}」は0.01%単位で指定してください")
    bp = int(d)
    if not 0 <= bp <= MAX_RATE_BP:
        raise InvalidRate(f"割合「{rate}」は0%以上100%以下で指定してください")
    return bp


def bp_to_percent(bp: int) -> Decimal:
    return (Decimal(bp) / BP_PER_PERCENT).normalize() + Decimal("0.0")


def rates_from_special_base(special_base: Decimal | str | int | float) -> tuple[Decimal, Decimal]:
    """(first-period rate, later rate) in percent for a 延滞金特例基準割合.

    特例 + 1 % and 特例 + 7.3 %, but never above the statutory 7.3 % / 14.6 %, which apply
    when the special rate is not lower (附則3条の2).
    """
    base = to_bp(special_base)
    first = min(base + 100, STATUTORY_FIRST_BP)
    later = min(base + STATUTORY_FIRST_BP, STATUTORY_LATER_BP)
    return bp_to_percent(first), bp_to_percent(later)


@dataclass(frozen=True)
class YearRate:
    first_bp: int
    later_bp: int
    special_base_bp: int | None = None

    @property
    def first(self) -> Decimal:
        return bp_to_percent(self.first_bp)

    @property
    def later(self) -> Decimal:
        return bp_to_percent(self.later_bp)


@dataclass(frozen=True)
class RateTable:
    """Calendar year → rates. A year not in the table is an error, never a guess."""

    by_year: Mapping[int, YearRate] = field(default_factory=dict)

    @classmethod
    def from_rates(
        cls,
        rates: Mapping[int, tuple[Decimal | str | float, Decimal | str | float]],
        special_bases: Mapping[int, Decimal | str | float] | None = None,
    ) -> RateTable:
        sb = special_bases or {}
        return cls(
            {
                int(y): YearRate(
                    to_bp(first), to_bp(later), to_bp(sb[y]) if sb.get(y) is not None else None
                )
                for y, (first, later) in rates.items()
            }
        )

    @classmethod
    def from_special_bases(cls, bases: Mapping[int, Decimal | str | float]) -> RateTable:
        return cls.from_rates({y: rates_from_special_base(b) for y, b in bases.items()}, bases)

    def get(self, year: int) -> YearRate:
        try:
            return self.by_year[year]
        except KeyError:
            raise RateNotFound(year) from None

    def __contains__(self, year: object) -> bool:
        return year in self.by_year

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)


DEFAULT_RATES = RateTable.from_special_bases(
    {
        2014: "1.9",
        2015: "1.8",
        2016: "1.8",
        2017: "1.7",
        2018: "1.6",
        2019: "1.6",
        2020: "1.6",
        2021: "1.5",
        2022: "1.4",
        2023: "1.4",
        2024: "1.4",
        2025: "1.4",
        2026: "1.8",
    }
)


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of days with one base, one rate and one calendar year."""

    start: date
    end: date  # inclusive
    days: int
    rate_bp: int
    base: int
    amount: int  # truncated to whole yen
    first_period: bool  # True while the low rate applies

    @property
    def rate(self) -> Decimal:
        """Yearly rate in percent, e.g. Decimal('2.5')."""
        return bp_to_percent(self.rate_bp)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "rate": str(self.rate),
            "base": self.base,
            "amount": self.amount,
            "first_period": self.first_period,
        }


@dataclass(frozen=True)
class Result:
    amount: int  # the tax the charge arises on
    due: date  # the due date as given
    effective_due: date  # after moving off a closed day
    until: date
    start: date | None  # first day the charge runs (None: not computed)
    first_period_end: date | None
    segments: tuple[Segment, ...]
    subtotal: int  # sum of the segments before the total's rounding
    total: int  # the charge, in yen
    tax_remaining: int  # tax still unpaid at `until`
    paid_to_charge: int  # payments beyond the tax, applied to the charge
    notes: tuple[str, ...] = ()

    @property
    def charge_remaining(self) -> int:
        return self.total - self.paid_to_charge

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "due": self.due.isoformat(),
            "effective_due": self.effective_due.isoformat(),
            "until": self.until.isoformat(),
            "start": self.start.isoformat() if self.start else None,
            "first_period_end": self.first_period_end.isoformat()
            if self.first_period_end
            else None,
            "segments": [s.as_dict() for s in self.segments],
            "subtotal": self.subtotal,
            "total": self.total,
            "tax_remaining": self.tax_remaining,
            "paid_to_charge": self.paid_to_charge,
            "charge_remaining": self.charge_remaining,
            "notes": list(self.notes),
        }


# --- one at a time ------------------------------------------------------------------


def first_period_end(start: date, months: int) -> date:
    """The last day of `months` calendar months counted from `start` (民法 §143).

    The period ends the day before the day with `start`'s number in the final month, or at
    that month's end when it has no such day: start 06-01 → 06-30, 02-03 → 03-02,
    01-31 → 02-28 (02-29 in leap years). Zero months gives an empty period (start - 1).
    """
    if months == 0:
        return start - _ONE_DAY
    y, m0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m0 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day) - _ONE_DAY
    return date(year, month, last)


def _check_amount(amount: int) -> None:
    if amount < 0:
        raise NegativeAmount(f"税額がマイナスです（{amount:,}円）")
    if amount > MAX_AMOUNT:
        raise AmountTooLarge(f"税額が大きすぎます（{amount:,}円、上限{MAX_AMOUNT:,}円）")


def _check_payments(payments: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    out: list[tuple[date, int]] = []
    for p in payments:
        try:
            day, paid = p
        except (TypeError, ValueError):
            raise InvalidPayment("納付は（日付, 金額）の組で指定してください") from None
        if not isinstance(day, date):
            raise InvalidPayment(f"納付日「{day}」が日付ではありません")
        if not isinstance(paid, int) or paid <= 0:
            raise InvalidPayment(f"{day.isoformat()}の納付額は1円以上の整数で指定してください")
        out.append((day, paid))
    return sorted(out, key=lambda p: p[0])


_ENTRY_SPLIT = re.compile(r"[\n;]+|,(?=\s*\d{4}[-/.])")
_ENTRY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*[:\s]\s*(\d{1,3}(?:,\d{3})+|\d+)\s*円?")


def parse_payments(text: str) -> list[tuple[date, int]]:
    """Partial payments typed by a person: "2021-07-15:30000,2021-09-01:10000" (the CLI)
    or one "2021/07/15 30,000円" per line (the calculator page). Full-width digits are fine.
    """
    out: list[tuple[date, int]] = []
    for raw in _ENTRY_SPLIT.split(unicodedata.normalize("NFKC", text or "")):
        entry = raw.strip()
        if not entry:
            continue
        m = _ENTRY.fullmatch(entry)
        if not m:
            raise InvalidPayment(f"一部納付「{entry}」を読めません（例: 2021-07-15 30000）")
        y, mo, d, amount = m.groups()
        try:
            day = date(int(y), int(mo), int(d))
        except ValueError:
            raise InvalidPayment(f"一部納付「{entry}」の日付が正しくありません") from None
        paid = int(amount.replace(",", ""))
        if paid <= 0:
            raise InvalidPayment(f"一部納付「{entry}」の金額は1円以上で指定してください")
        out.append((day, paid))
    return out


def compute(
    amount: int,
    due: date,
    until: date,
    *,
    payments: Sequence[tuple[date, int]] = (),
    rules: RuleSet = LOCAL_TAX,
    rates: RateTable = DEFAULT_RATES,
    demand_notice: date | None = None,
) -> Result:
    """The charge on `amount` due on `due`, counted through `until` (inclusive).

    `until` is the day the tax is (or will be) paid in full, or the day asked about.
    `payments` are partial payments (day, yen): from the day after each, the charge runs on
    what remains of the tax; money goes to the tax first, any excess to the charge.
    `demand_notice` is the deadline printed on the 督促状, used when the rule starts there.
    """
    _check_amount(amount)
    if until < due:
        raise UntilBeforeDue(
            f"計算日（{until.isoformat()}）が納期限（{due.isoformat()}）より前です"
        )
    pays = _check_payments(payments)
    notes: list[str] = []
    eff_due = shift_due_date(due) if rules.shift_closed_due else due
    if eff_due != due:
        notes.append(
            f"納期限 {due.isoformat()} は休日のため、{eff_due.isoformat()} を納期限として計算しました"
        )

    # Money goes to the tax first; the charge runs on the remainder from the next day.
    remaining = amount
    changes: list[tuple[date, int]] = []  # (first day with the new remainder, remainder)
    excess = 0
    for day, paid in pays:
        if day > until:
            continue  # not paid yet as of `until`
        applied = min(paid, remaining)
        remaining -= applied
        excess += paid - applied
        changes.append((day + _ONE_DAY, remaining))

    def zero(start: date | None, fpe: date | None) -> Result:
        return Result(amount, due, eff_due, until, start, fpe, (), 0, 0, remaining, 0, tuple(notes))

    if rules.start is Start.AFTER_DEMAND_NOTICE:
        if demand_notice is None:
            notes.append("督促状の指定期限が不明なため、延滞金は計算していません")
            return zero(None, None)
        if demand_notice < due:
            raise DemandNoticeBeforeDue(
                f"督促状の指定期限（{demand_notice.isoformat()}）が納期限より前です"
            )
        origin = shift_due_date(demand_notice) if rules.shift_closed_due else demand_notice
        origin = max(origin, eff_due)
    else:
        origin = eff_due
    start = origin + _ONE_DAY
    fpe = first_period_end(start, rules.first_period_months)
    if start > until:
        return zero(start, fpe)

    # Cut points: the end of the low-rate period, every 1 January, every change of base.
    cuts = {fpe + _ONE_DAY}
    cuts.update(date(y, 1, 1) for y in range(start.year + 1, until.year + 1))
    cuts.update(day for day, _ in changes)
    points = sorted(c for c in cuts if start < c <= until)
    bounds = [start, *points, until + _ONE_DAY]

    segments: list[Segment] = []
    ci = 0
    tax = amount
    for a, b_next in zip(bounds, bounds[1:], strict=False):
        while ci < len(changes) and changes[ci][0] <= a:
            tax = changes[ci][1]
            ci += 1
        if tax == 0:
            break  # paid in full: the charge stops accruing
        first = a <= fpe
        yr = rates.get(a.year)
        bp = yr.first_bp if first else yr.later_bp
        base = rules.base_of(tax)
        b = b_next - _ONE_DAY
        prev = segments[-1] if segments else None
        if (
            prev is not None
            and prev.base == base
            and prev.rate_bp == bp
            and prev.first_period == first
            and prev.start.year == a.year
        ):
            start_, days = prev.start, prev.days + (b - a).days + 1
            segments.pop()
        else:
            start_, days = a, (b - a).days + 1
        segments.append(Segment(start_, b, days, bp, base, base * bp * days // _DENOM, first))

    if amount and amount < rules.base_threshold:
        notes.append(f"税額が{rules.base_threshold:,}円未満のため、延滞金はかかりません")
    subtotal = sum(s.amount for s in segments)
    total = rules.round_total(subtotal)
    if 0 < subtotal < rules.result_threshold:
        notes.append(f"延滞金が{rules.result_threshold:,}円未満のため、徴収しません")
    return Result(
        amount=amount,
        due=due,
        effective_due=eff_due,
        until=until,
        start=start,
        first_period_end=fpe,
        segments=tuple(segments),
        subtotal=subtotal,
        total=total,
        tax_remaining=remaining,
        paid_to_charge=min(excess, total),
        notes=tuple(notes),
    )


# --- in bulk ------------------------------------------------------------------------

IntArray = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1)


def _day_numbers(x: Any, n: int | None, what: str) -> IntArray:
    """Dates (datetime64, date objects, polars/pandas series, or one date) → epoch days."""
    if isinstance(x, date):
        arr = np.full(n if n is not None else 1, (x - _EPOCH).days, dtype=np.int64)
        return arr
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    a = np.asarray(x)
    if a.dtype.kind != "M":
        a = a.astype("datetime64[D]")
    a = a.astype("datetime64[D]")
    if np.isnat(a).any():
        row = int(np.flatnonzero(np.isnat(a))[0])
        raise EntaikinError(f"{what}が空の行があります（{row}行目）")
    return a.astype(np.int64)


def _to_date(day_number: int) -> date:
    return _EPOCH + timedelta(days=int(day_number))


def _shift_table(lo: int, hi: int) -> tuple[int, IntArray]:
    """For every day in [lo, hi]: the day itself if a business day, else the next one."""
    end = hi
    while not is_business_day(_to_date(end)):
        end += 1
    days = np.arange(lo, end + 1, dtype=np.int64)
    out = days.copy()
    nxt = end
    for i in range(len(days) - 1, -1, -1):
        if is_business_day(_to_date(int(days[i]))):
            nxt = int(days[i])
        out[i] = nxt
    return lo, out


def _shift(days: IntArray) -> IntArray:
    if days.size == 0:
        return days
    lo, table = _shift_table(int(days.min()), int(days.max()))
    return table[days - lo]


def _first_period_end_many(start: IntArray, months: IntArray) -> IntArray:
    """Vectorized `first_period_end` on epoch day numbers."""
    sd = start.astype("datetime64[D]")
    sm = sd.astype("datetime64[M]")
    day = (sd - sm.astype("datetime64[D]")).astype(np.int64) + 1
    tm = sm + months.astype("timedelta64[M]")
    tms = tm.astype("datetime64[D]").astype(np.int64)
    dim = (tm + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - tms
    end = np.where(day <= dim, tms + day - 2, tms + dim - 1)
    return np.where(months == 0, start - 1, end)


def _year_of(day_number: int) -> int:
    return _to_date(day_number).year


def compute_many(
    amount: Any,
    due: Any,
    until: Any,
    rule_ids: Any = None,
    *,
    rule_sets: Mapping[Any, RuleSet] | Sequence[RuleSet] = (LOCAL_TAX,),
    rates: RateTable = DEFAULT_RATES,
    demand_notice: Any = None,
    payments: Mapping[int, Sequence[tuple[date, int]]] | None = None,
    clip_until: bool = False,
    default_rules: RuleSet | None = None,
) -> IntArray:
    """The totals of `compute` for many installments at once (int64 yen, one per row).

    `amount`, `due` and `until` are arrays of equal length (`until` may be one date);
    `rule_ids[i]` selects `rule_sets[...]` (a sequence index or a mapping key such as a
    subject code; unknown keys take `default_rules`, or raise when it is None).
    `demand_notice` is an optional array of 督促状 deadlines (NaT where unknown).
    Rows listed in `payments` (row → partial payments) are computed by `compute` itself;
    all others in vectorized integer arithmetic. With `clip_until`, rows whose `until` lies
    before the due date (not yet due) give 0 instead of raising.
    """
    amt = np.asarray(amount, dtype=np.int64)
    n = amt.shape[0]
    due_d = _day_numbers(due, n, "納期限")
    until_d = _day_numbers(until, n, "計算日")
    if due_d.shape[0] != n or until_d.shape[0] != n:
        raise EntaikinError("配列の長さがそろっていません")
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if (amt < 0).any():
        row = int(np.flatnonzero(amt < 0)[0])
        raise NegativeAmount(f"税額がマイナスの行があります（{row}行目: {int(amt[row]):,}円）")
    if (amt > MAX_AMOUNT).any():
        row = int(np.flatnonzero(amt > MAX_AMOUNT)[0])
        raise AmountTooLarge(f"税額が大きすぎる行があります（{row}行目）")
    not_due = until_d < due_d
    if not clip_until and not_due.any():
        row = int(np.flatnonzero(not_due)[0])
        raise UntilBeforeDue(f"計算日が納期限より前の行があります（{row}行目）")

    # Per-row rule parameters, looked up once per distinct rule id.
    sets: list[RuleSet]
    if rule_ids is None:
        seq = list(rule_sets.values()) if isinstance(rule_sets, Mapping) else list(rule_sets)
        sets = [seq[0] if seq else (default_rules or LOCAL_TAX)]
        inv = np.zeros(n, dtype=np.int64)
    else:
        keys, inv = np.unique(np.asarray(rule_ids), return_inverse=True)
        inv = inv.reshape(-1).astype(np.int64)
        sets = []
        for k in keys.tolist():
            try:
                rs = rule_sets[k] if isinstance(rule_sets, Mapping) else rule_sets[int(k)]
            except (KeyError, IndexError):
                if default_rules is None:
                    raise UnknownRuleSet(f"規則「{k}」が登録されていません") from None
                rs = default_rules
            sets.append(rs)

    def param(get: Any) -> IntArray:
        return np.asarray([int(get(r)) for r in sets], dtype=np.int64)[inv]

    months = param(lambda r: r.first_period_months)
    b_unit, b_thr = param(lambda r: r.base_unit), param(lambda r: r.base_threshold)
    r_unit, r_thr = param(lambda r: r.result_unit), param(lambda r: r.result_threshold)
    shift = param(lambda r: r.shift_closed_due).astype(bool)
    by_notice = param(lambda r: r.start is Start.AFTER_DEMAND_NOTICE).astype(bool)

    eff_due = np.where(shift, _shift(due_d), due_d)
    origin = eff_due.copy()
    no_charge = amt == 0
    dn_d: IntArray | None = None
    missing = np.ones(n, dtype=bool)
    if demand_notice is not None:
        raw = demand_notice.to_numpy() if hasattr(demand_notice, "to_numpy") else demand_notice
        dn = np.asarray(raw).astype("datetime64[D]")
        if dn.shape[0] != n:
            raise EntaikinError("配列の長さがそろっていません")
        missing = np.isnat(dn)
        dn_d = np.where(missing, 0, dn.astype(np.int64))
    if by_notice.any():
        no_charge |= by_notice & missing
        if dn_d is not None:
            bad = by_notice & ~missing & (dn_d < due_d)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise DemandNoticeBeforeDue(
                    f"督促状の指定期限が納期限より前の行があります（{row}行目）"
                )
            sel = by_notice & ~missing
            dn_shift = np.where(shift & sel, _shift(np.where(sel, dn_d, due_d)), dn_d)
            origin = np.where(sel, np.maximum(dn_shift, eff_due), origin)

    start = origin + 1
    fpe = _first_period_end_many(start, months)
    # Rows without a charge get an empty range, so no rate is looked up for them.
    start = np.where(no_charge, until_d + 1, start)
    base = np.where(amt < b_thr, 0, amt // b_unit * b_unit)

    subtotal = np.zeros(n, dtype=np.int64)
    live = start <= until_d
    if live.any():
        y_lo = _year_of(int(start[live].min()))
        y_hi = _year_of(int(until_d[live].max()))
        later_start = fpe + 1
        for year in range(y_lo, y_hi + 1):
            jan1 = (date(year, 1, 1) - _EPOCH).days
            dec31 = (date(year, 12, 31) - _EPOCH).days
            end = np.minimum(until_d, dec31)
            d1 = np.minimum(fpe, end) - np.maximum(start, jan1) + 1
            d2 = end - np.maximum(later_start, np.maximum(start, jan1)) + 1
            np.maximum(d1, 0, out=d1)
            np.maximum(d2, 0, out=d2)
            if not (d1.any() or d2.any()):
                continue
            yr = rates.get(year)
            subtotal += base * yr.first_bp * d1 // _DENOM
            subtotal += base * yr.later_bp * d2 // _DENOM

    total = np.where(subtotal < r_thr, 0, subtotal // r_unit * r_unit)

    for row, pays in (payments or {}).items():
        if not_due[row] and clip_until:
            continue
        total[row] = compute(
            int(amt[row]),
            _to_date(int(due_d[row])),
            _to_date(int(until_d[row])),
            payments=pays,
            rules=sets[int(inv[row])],
            rates=rates,
            demand_notice=None if dn_d is None or missing[row] else _to_date(int(dn_d[row])),
        ).total
    return total
