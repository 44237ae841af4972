"""What a payer owes now, per installment: the principal still unpaid and the late charge.

`Installment.unpaid` is the city's figure at extraction. Payments imported after the row
(a later import batch) are not yet inside it, so they are taken off here; once the city
sends the row again, its new 未納額 has them and the row's batch is the newer one. The late
charge is today's, from the charges app (on the amount at handover with payments since).
With `on` (the day the payer says they will pay), each installment also carries the charge
on that day, so the operator can quote the sum to bring. A charge that cannot be computed
(next year's rate not yet entered) is shown as 計算不可 with the reason, never a failure.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from django.db.models import Prefetch

from nofu.charges.services import LoadedRules, installment_late_charge
from nofu.lib.entaikin import EntaikinError
from nofu.lib.subjects import SUBJECTS
from nofu.lib.wareki import to_wareki_fiscal_year
from nofu.payers.models import Installment, Payment


@dataclass
class OwedInstallment:
    inst: Installment
    principal: int  # 未納額 less payments the city has not yet reflected
    late_charge: int  # current 延滞金 still owed (0 when it cannot be computed)
    paid_since: int  # payments not yet in the city's figure
    late_error: str = ""  # why the charge cannot be computed, in Japanese
    late_charge_on: int | None = None  # the charge if paid on `Owed.on`
    late_error_on: str = ""

    @property
    def total(self) -> int:
        return self.principal + self.late_charge

    @property
    def total_on(self) -> int | None:
        return None if self.late_charge_on is None else self.principal + self.late_charge_on

    @property
    def open(self) -> bool:
        return self.principal > 0

    @property
    def label(self) -> str:
        return installment_label(self.inst)


@dataclass
class OwedReceivable:
    subject: str
    fiscal_year: int
    items: list[OwedInstallment]

    @property
    def principal(self) -> int:
        return sum(i.principal for i in self.items)

    @property
    def late_charge(self) -> int:
        return sum(i.late_charge for i in self.items)


@dataclass
class Owed:
    items: list[OwedInstallment] = field(default_factory=list)
    on: date | None = None  # the chosen payment day, when one was asked for

    @property
    def by_id(self) -> dict[int, OwedInstallment]:
        return {o.inst.pk: o for o in self.items}

    @property
    def principal(self) -> int:
        return sum(o.principal for o in self.items)

    @property
    def late_charge(self) -> int:
        return sum(o.late_charge for o in self.items)

    @property
    def total(self) -> int:
        return self.principal + self.late_charge

    @property
    def late_charge_on(self) -> int | None:
        if self.on is None:
            return None
        return sum(o.late_charge_on or 0 for o in self.items)

    @property
    def total_on(self) -> int | None:
        on = self.late_charge_on
        return None if on is None else self.principal + on

    @property
    def errors(self) -> list[str]:
        """Distinct reasons some charge is missing; totals then leave those out."""
        found = [e for o in self.items for e in (o.late_error, o.late_error_on) if e]
        return list(dict.fromkeys(found))

    @property
    def open_items(self) -> list[OwedInstallment]:
        return [o for o in self.items if o.open]

    def receivables(self) -> list[OwedReceivable]:
        key = lambda o: (o.inst.subject_code, o.inst.fiscal_year)  # noqa: E731
        return [
            OwedReceivable(subject_short(code), year, list(group))
            for (code, year), group in groupby(sorted(self.items, key=key), key=key)
        ]


def subject_short(code: str) -> str:
    s = SUBJECTS.get(code)
    return s.short if s else code


def installment_label(inst: Installment) -> str:
    """市県民税 令和7年度 1期 — how people name an installment."""
    period = inst.installment if inst.installment == "随時" else f"{inst.installment}期"
    return f"{subject_short(inst.subject_code)} {to_wareki_fiscal_year(inst.fiscal_year)} {period}"


def installments_phrase(insts: Iterable[Installment]) -> str:
    """市県民税 令和7年度 1・2期、国保料 令和6年度 3期 — several installments, grouped."""
    rows = sorted(insts, key=lambda i: (i.subject_code, i.fiscal_year, i.due_date, i.pk or 0))
    parts = []
    for (code, year), group in groupby(rows, key=lambda i: (i.subject_code, i.fiscal_year)):
        periods = [i.installment for i in group]
        text = "・".join(p for p in periods)
        suffix = "" if periods == ["随時"] else "期"
        parts.append(f"{subject_short(code)} {to_wareki_fiscal_year(year)} {text}{suffix}")
    return "、".join(parts)


_rules: tuple[float, LoadedRules] | None = None
RULES_SECONDS = 60.0


def rules_loaded() -> LoadedRules:
    """The late-charge rules, reloaded at most once a minute per process (they change a few
    times a year, through the charges app's audited actions)."""
    global _rules
    now = time.monotonic()
    if _rules is None or _rules[0] < now:
        _rules = (now + RULES_SECONDS, LoadedRules.load())
    return _rules[1]


def owed_compute(
    installments: Iterable[Installment],
    *,
    today: date,
    on: date | None = None,
    loaded: LoadedRules | None = None,
) -> Owed:
    """Installments need their payments prefetched (`installments_owed_queryset`)."""
    loaded = loaded or rules_loaded()
    out = []
    for inst in installments:
        later = sum(p.amount for p in inst.payments.all() if p.batch_id > inst.batch_id)
        item = OwedInstallment(inst, max(0, int(inst.unpaid) - int(later)), 0, int(later))
        try:
            item.late_charge = _charge(inst, today, loaded)
        except EntaikinError as exc:  # e.g. this year's rate not yet registered
            item.late_error = str(exc)
        if on is not None:
            try:
                item.late_charge_on = _charge(inst, on, loaded)
            except EntaikinError as exc:  # e.g. next year's rate not yet registered
                item.late_error_on = str(exc)
        out.append(item)
    return Owed(out, on=on)


def _charge(inst: Installment, until: date, loaded: LoadedRules) -> int:
    return max(0, installment_late_charge(inst, until, loaded=loaded).charge_remaining)


OWED_FIELDS = (
    "id",
    "payer_id",
    "batch_id",
    "source_system",
    "receivable_key",
    "resident_no",
    "subject_code",
    "subject_name",
    "fiscal_year",
    "installment",
    "due_date",
    "assessed",
    "unpaid",
    "demand_notice_date",
    "handed_over_on",
    "unpaid_at_handover",
    "child_name",
    "school_name",
)


def installments_owed_queryset(payer: Any) -> Any:
    return (
        Installment.objects.filter(payer=payer)
        .only(*OWED_FIELDS)  # not `raw` and the identity columns: a preview reads many
        .order_by("subject_code", "fiscal_year", "due_date", "id")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=Payment.objects.only(
                    "id", "installment_id", "paid_on", "amount", "batch_id"
                ).order_by("paid_on", "id"),
            )
        )
    )


def payer_owed(
    payer: Any, *, today: date, on: date | None = None, loaded: LoadedRules | None = None
) -> Owed:
    return owed_compute(installments_owed_queryset(payer), today=today, on=on, loaded=loaded)
