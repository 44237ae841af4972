"""The late-charge rules from the database, and the calls other screens make.

- `load_rules()` → the calculator's `RateTable` and `{科目コード: RuleSet}`.
- `installment_late_charge(inst, until)` → one installment's `Result` (payer page, panel).
- `late_charges(...)` → the current charge of many installments at once (call lists, reports).

A subject code without a row takes the local-tax rule: premiums differ only where the city
has said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from nofu.charges.models import SubjectRule, YearRate
from nofu.lib.entaikin import (
    LOCAL_TAX,
    IntArray,
    RateTable,
    Result,
    RuleSet,
    Start,
    compute,
    compute_many,
)


def load_rules() -> tuple[RateTable, dict[str, RuleSet]]:
    """The rates and the rule set of every subject, as the calculator's dataclasses."""
    rows = list(YearRate.objects.all())
    rates = RateTable.from_rates(
        {r.year: (r.first_rate, r.later_rate) for r in rows},
        {r.year: r.special_base for r in rows},
    )
    return rates, {r.subject_code: r.rule_set() for r in SubjectRule.objects.all()}


@dataclass(frozen=True)
class LoadedRules:
    """Everything needed to compute any installment's charge, loaded once."""

    rates: RateTable
    rules: dict[str, RuleSet]
    notice_days: dict[str, int]

    @classmethod
    def load(cls) -> LoadedRules:
        rates, rules = load_rules()
        days = dict(SubjectRule.objects.values_list("subject_code", "notice_deadline_days"))
        return cls(rates, rules, days)

    def rule_for(self, subject_code: str) -> RuleSet:
        return self.rules.get(subject_code, LOCAL_TAX)

    def notice_deadline(self, subject_code: str, sent: date | None) -> date | None:
        """The 督促状's deadline from the day it was sent (the city sends only that date)."""
        if sent is None:
            return None
        return sent + timedelta(days=self.notice_days.get(subject_code, 10))


def installment_late_charge(
    inst: Any, until: date | None = None, *, loaded: LoadedRules | None = None
) -> Result:
    """The charge on one `payers.Installment` as of `until` (default today).

    Computed on the unpaid amount at handover, with the payments received since then as
    partial payments. Payments made before the handover are already inside that amount and
    their dates are unknown, so for those earlier days this is the charge on the remainder;
    the city's own figure stays in `late_charge_at_extraction`. Not yet due → zero.
    """
    loaded = loaded or LoadedRules.load()
    until = until or timezone.localdate()
    payments = [
        (p.paid_on, int(p.amount))
        for p in inst.payments.all()
        if p.paid_on >= inst.handed_over_on and p.amount > 0
    ]
    return compute(
        int(inst.unpaid_at_handover),
        inst.due_date,
        max(until, inst.due_date),
        payments=payments,
        rules=loaded.rule_for(inst.subject_code),
        rates=loaded.rates,
        demand_notice=loaded.notice_deadline(inst.subject_code, inst.demand_notice_date),
    )


def late_charges(
    amount: Any,
    due: Any,
    subject_code: Any,
    until: Any = None,
    *,
    demand_notice_sent: Any = None,
    loaded: LoadedRules | None = None,
) -> IntArray:
    """The charge of many installments at once (int64 yen per row), for lists and reports.

    Arrays (numpy, polars or lists) of the amount owed, due date and subject code; `until`
    defaults to today; installments not yet due give 0. `demand_notice_sent` is the
    督促状発付日 column (NaT/None where unknown), needed only by subjects whose charge starts
    after the notice's deadline.
    """
    loaded = loaded or LoadedRules.load()
    codes = np.asarray(
        subject_code.to_numpy() if hasattr(subject_code, "to_numpy") else subject_code
    )
    deadlines = None
    uses_notice = any(r.start is Start.AFTER_DEMAND_NOTICE for r in loaded.rules.values())
    if uses_notice and demand_notice_sent is not None:
        raw = (
            demand_notice_sent.to_numpy()
            if hasattr(demand_notice_sent, "to_numpy")
            else demand_notice_sent
        )
        sent = np.asarray(raw).astype("datetime64[D]")
        keys, inv = np.unique(codes, return_inverse=True)
        days = np.asarray([loaded.notice_days.get(str(k), 10) for k in keys.tolist()])
        deadlines = sent + days[inv.reshape(-1)].astype("timedelta64[D]")
    return compute_many(
        amount,
        due,
        until or timezone.localdate(),
        codes,
        rule_sets=loaded.rules,
        rates=loaded.rates,
        demand_notice=deadlines,
        clip_until=True,
        default_rules=LOCAL_TAX,
    )
