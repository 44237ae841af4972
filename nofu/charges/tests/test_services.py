from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np

from nofu.charges.models import SubjectRule, YearRate
from nofu.charges.services import LoadedRules, installment_late_charge, late_charges, load_rules
from nofu.lib.entaikin import DEFAULT_RATES, LOCAL_TAX, Start, compute
from nofu.test import BaseTestCase


def installment(**kw: object) -> SimpleNamespace:
    pays = kw.pop("payments", [])
    base = {
        "subject_code": "02",
        "due_date": date(2021, 5, 31),
        "unpaid_at_handover": 65000,
        "handed_over_on": date(2021, 7, 1),
        "demand_notice_date": None,
        "payments": SimpleNamespace(all=lambda: pays),
    }
    return SimpleNamespace(**{**base, **kw})


class LoadRulesTests(BaseTestCase):
    def test_seeded_rules_equal_the_library_defaults(self) -> None:
        rates, rules = load_rules()
        self.assertEqual(rates.by_year, DEFAULT_RATES.by_year)
        self.assertEqual(
            sorted(rules),
            ["01", "02", "03", "04", "05", "06", "07", "10", "11", "12", "13", "14", "15"],
        )
        for rule in rules.values():
            self.assertEqual(rule.first_period_months, LOCAL_TAX.first_period_months)
            self.assertEqual(
                (rule.base_unit, rule.base_threshold, rule.result_unit, rule.result_threshold),
                (1000, 2000, 100, 1000),
            )

    def test_edited_rows_become_dataclasses(self) -> None:
        YearRate.objects.create(year=2027, special_base="2", first_rate="3", later_rate="9.3")
        SubjectRule.objects.filter(subject_code="13").update(start="demand_notice")
        rates, rules = load_rules()
        self.assertEqual(rates.get(2027).later_bp, 930)
        self.assertIs(rules["13"].start, Start.AFTER_DEMAND_NOTICE)


class InstallmentChargeTests(BaseTestCase):
    def test_payments_after_handover_count(self) -> None:
        pays = [
            SimpleNamespace(paid_on=date(2021, 6, 20), amount=5000),  # before handover: inside
            SimpleNamespace(paid_on=date(2021, 7, 15), amount=30000),
        ]
        r = installment_late_charge(installment(payments=pays), date(2022, 1, 31))
        want = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), payments=[(date(2021, 7, 15), 30000)]
        )
        self.assertEqual(r, want)

    def test_not_yet_due_is_zero(self) -> None:
        r = installment_late_charge(installment(), date(2021, 5, 1))
        self.assertEqual(r.total, 0)

    def test_notice_deadline_from_the_date_sent(self) -> None:
        SubjectRule.objects.filter(subject_code="13").update(start="demand_notice")
        r = installment_late_charge(
            installment(subject_code="13", demand_notice_date=date(2021, 6, 18)),
            date(2022, 1, 31),
        )
        self.assertEqual(r.start, date(2021, 6, 29))  # deadline 06-28 (sent + 10 days)


class LateChargesBulkTests(BaseTestCase):
    def test_agrees_with_one_at_a_time(self) -> None:
        SubjectRule.objects.filter(subject_code="10").update(first_period_months=3)
        SubjectRule.objects.filter(subject_code="13").update(start="demand_notice")
        loaded = LoadedRules.load()
        amount = [65000, 65000, 65000, 65000, 1500]
        due = [date(2021, 5, 31)] * 5
        codes = ["02", "10", "13", "99", "01"]
        sent = np.array(["NaT", "NaT", "2021-06-18", "NaT", "NaT"], dtype="datetime64[D]")
        got = late_charges(
            amount, due, codes, date(2022, 1, 31), demand_notice_sent=sent, loaded=loaded
        )
        want = [
            compute(
                a,
                d,
                date(2022, 1, 31),
                rules=loaded.rule_for(c),
                demand_notice=date(2021, 6, 28) if c == "13" else None,
            ).total
            for a, d, c in zip(amount, due, codes, strict=True)
        ]
        self.assertEqual(got.tolist(), want)
        self.assertEqual(got.tolist()[3], 3400)  # an unknown code takes the local-tax rule

    def test_not_yet_due_rows_are_zero(self) -> None:
        got = late_charges([65000], [date(2026, 12, 31)], ["01"], date(2026, 6, 1))
        self.assertEqual(got.tolist(), [0])
