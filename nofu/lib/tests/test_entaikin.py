from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nofu.lib.entaikin import (
    DEFAULT_RATES,
    LOCAL_TAX,
    AmountTooLarge,
    DemandNoticeBeforeDue,
    EntaikinError,
    InvalidPayment,
    InvalidRate,
    InvalidRule,
    NegativeAmount,
    RateNotFound,
    RateTable,
    RuleSet,
    Start,
    UnknownRuleSet,
    UntilBeforeDue,
    compute,
    compute_many,
    first_period_end,
    parse_payments,
    rates_from_special_base,
)

NO_SHIFT = replace(LOCAL_TAX, shift_closed_due=False)


def segs(r: object) -> list[tuple[date, date, int, str, int]]:
    return [(s.start, s.end, s.days, str(s.rate), s.amount) for s in r.segments]  # type: ignore[attr-defined]


# --- the published worked examples (shared/reference/entaikin.md) ---------------------


class TestPublishedExamples:
    def test_toyohashi_fixed_asset_tax(self) -> None:
        r = compute(65000, date(2021, 5, 31), date(2022, 1, 31))
        assert segs(r) == [
            (date(2021, 6, 1), date(2021, 6, 30), 30, "2.5", 133),
            (date(2021, 7, 1), date(2021, 12, 31), 184, "8.8", 2883),
            (date(2022, 1, 1), date(2022, 1, 31), 31, "8.7", 480),
        ]
        assert r.subtotal == 3496
        assert r.total == 3400

    def test_yabuki_nhi_tax_base_truncated(self) -> None:
        r = compute(64300, date(2022, 8, 1), date(2022, 11, 1))
        assert [s.base for s in r.segments] == [64000, 64000]
        assert segs(r) == [
            (date(2022, 8, 2), date(2022, 9, 1), 31, "2.4", 130),
            (date(2022, 9, 2), date(2022, 11, 1), 61, "8.7", 930),
        ]
        assert r.total == 1000

    def test_miyakonojo_fee_due_date_taken_as_given(self) -> None:
        # The example counts from 2017-04-30 (a Sunday) as printed: the fee's rule set
        # does not move due dates, and the first month runs 05-01..05-31.
        r = compute(45000, date(2017, 4, 30), date(2017, 8, 31), rules=NO_SHIFT)
        assert segs(r) == [
            (date(2017, 5, 1), date(2017, 5, 31), 31, "2.7", 103),
            (date(2017, 6, 1), date(2017, 8, 31), 92, "9.0", 1020),
        ]
        assert r.total == 1100

    def test_miyakonojo_under_the_local_tax_rule_moves_the_due_date(self) -> None:
        r = compute(45000, date(2017, 4, 30), date(2017, 8, 31))
        assert r.effective_due == date(2017, 5, 1)
        assert segs(r)[0] == (date(2017, 5, 2), date(2017, 6, 1), 31, "2.7", 103)
        assert r.total == 1100
        assert "休日" in r.notes[0]

    def test_bulk_reproduces_the_examples(self) -> None:
        got = compute_many(
            [65000, 64300, 45000],
            np.array(["2021-05-31", "2022-08-01", "2017-04-30"], dtype="datetime64[D]"),
            np.array(["2022-01-31", "2022-11-01", "2017-08-31"], dtype="datetime64[D]"),
            [0, 0, 1],
            rule_sets=[LOCAL_TAX, NO_SHIFT],
        )
        assert got.tolist() == [3400, 1000, 1100]


# --- the calendar month of 民法 §143 ---------------------------------------------------


@pytest.mark.parametrize(
    ("due", "end"),
    [
        (date(2021, 5, 31), date(2021, 6, 30)),
        (date(2026, 2, 2), date(2026, 3, 2)),
        (date(2025, 1, 31), date(2025, 2, 28)),  # month-end due date, common year
        (date(2024, 1, 31), date(2024, 2, 29)),  # … leap year
        (date(2025, 1, 30), date(2025, 2, 28)),  # start 01-31: February has no 31st
        (date(2024, 1, 28), date(2024, 2, 28)),  # start 01-29: the day before 02-29
        (date(2024, 2, 29), date(2024, 3, 31)),  # leap day due date
        (date(2024, 2, 28), date(2024, 3, 28)),  # start on the leap day
        (date(2025, 3, 30), date(2025, 4, 30)),
        (date(2025, 12, 31), date(2026, 1, 31)),
        (date(2025, 12, 15), date(2026, 1, 15)),
    ],
)
def test_first_month(due: date, end: date) -> None:
    assert first_period_end(due + timedelta(days=1), 1) == end


def test_first_period_of_three_months_and_of_none() -> None:
    assert first_period_end(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert first_period_end(date(2025, 6, 1), 0) == date(2025, 5, 31)


# --- the rules, one by one ------------------------------------------------------------


class TestRules:
    def test_leap_year_divides_by_365(self) -> None:
        r = compute(100000, date(2024, 1, 31), date(2024, 12, 31))
        assert segs(r) == [
            (date(2024, 2, 1), date(2024, 2, 29), 29, "2.4", 190),  # 100000*.024*29/365
            (date(2024, 3, 1), date(2024, 12, 31), 306, "8.7", 7293),
        ]
        assert r.total == 7400

    def test_leap_day_due_date(self) -> None:
        r = compute(100000, date(2024, 2, 29), date(2024, 4, 30))
        assert segs(r) == [
            (date(2024, 3, 1), date(2024, 3, 31), 31, "2.4", 203),
            (date(2024, 4, 1), date(2024, 4, 30), 30, "8.7", 715),
        ]
        assert r.total == 0  # 918 < 1,000
        assert r.subtotal == 918

    def test_year_end_splits_the_first_month(self) -> None:
        r = compute(100000, date(2021, 12, 15), date(2022, 3, 1))
        assert segs(r) == [
            (date(2021, 12, 16), date(2021, 12, 31), 16, "2.5", 109),
            (date(2022, 1, 1), date(2022, 1, 15), 15, "2.4", 98),
            (date(2022, 1, 16), date(2022, 3, 1), 45, "8.7", 1072),
        ]
        assert r.total == 1200

    def test_year_end_split_even_with_equal_rates(self) -> None:
        r = compute(1_000_000, date(2015, 5, 29), date(2016, 6, 30))
        assert [(s.start.year, str(s.rate)) for s in r.segments] == [
            (2015, "2.8"),
            (2015, "9.1"),
            (2016, "9.1"),
        ]

    def test_many_years(self) -> None:
        r = compute(500000, date(2014, 6, 30), date(2026, 3, 31))
        assert [s.start.year for s in r.segments] == [2014, 2014, *range(2015, 2027)]
        assert sum(s.days for s in r.segments) == (date(2026, 3, 31) - date(2014, 6, 30)).days

    def test_holiday_moves_the_due_date(self) -> None:
        r = compute(100000, date(2026, 5, 3), date(2026, 8, 31))
        assert r.effective_due == date(2026, 5, 7)
        assert r.start == date(2026, 5, 8)
        assert r.first_period_end == date(2026, 6, 7)

    def test_paid_on_the_moved_due_date_bears_nothing(self) -> None:
        r = compute(100000, date(2026, 5, 3), date(2026, 5, 7))
        assert r.segments == () and r.total == 0

    def test_until_equal_to_due_is_zero(self) -> None:
        assert compute(65000, date(2021, 5, 31), date(2021, 5, 31)).total == 0

    def test_tax_thresholds(self) -> None:
        late = date(2025, 12, 31)
        assert compute(1999, date(2022, 5, 31), late).total == 0
        assert "2,000円未満" in compute(1999, date(2022, 5, 31), late).notes[0]
        r = compute(2999, date(2022, 5, 31), late)
        assert {s.base for s in r.segments} == {2000}

    def test_result_thresholds(self) -> None:
        r = compute(20000, date(2025, 4, 30), date(2025, 9, 30))
        assert 0 < r.subtotal < 1000 and r.total == 0
        assert any("1,000円未満" in n for n in r.notes)
        r = compute(65000, date(2021, 5, 31), date(2022, 1, 31))
        assert r.total == r.subtotal // 100 * 100

    def test_rules_are_data(self) -> None:
        three_months = RuleSet(first_period_months=3, name="保険料条例")
        r = compute(65000, date(2021, 5, 31), date(2022, 1, 31), rules=three_months)
        assert segs(r)[0] == (date(2021, 6, 1), date(2021, 8, 31), 92, "2.5", 409)
        yen = RuleSet(base_unit=1, base_threshold=0, result_unit=1, result_threshold=0)
        r = compute(64300, date(2022, 8, 1), date(2022, 11, 1), rules=yen)
        assert r.total == r.subtotal == 131 + 934  # 64300*.024*31/365, 64300*.087*61/365

    def test_start_after_demand_notice(self) -> None:
        rules = RuleSet(start=Start.AFTER_DEMAND_NOTICE)
        r = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), rules=rules, demand_notice=date(2021, 7, 5)
        )
        assert r.start == date(2021, 7, 6)
        assert r.first_period_end == date(2021, 8, 5)
        # A notice deadline on a Saturday moves as well.
        r = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), rules=rules, demand_notice=date(2021, 7, 3)
        )
        assert r.start == date(2021, 7, 6)

    def test_start_after_demand_notice_without_one_is_zero_with_a_note(self) -> None:
        rules = RuleSet(start=Start.AFTER_DEMAND_NOTICE)
        r = compute(65000, date(2021, 5, 31), date(2022, 1, 31), rules=rules)
        assert r.total == 0 and r.start is None
        assert "督促状" in r.notes[-1]


class TestPayments:
    def test_partial_payment_lowers_the_base_from_the_next_day(self) -> None:
        r = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), payments=[(date(2021, 7, 15), 30000)]
        )
        assert [(s.start, s.end, s.days, s.base, s.amount) for s in r.segments] == [
            (date(2021, 6, 1), date(2021, 6, 30), 30, 65000, 133),
            (date(2021, 7, 1), date(2021, 7, 15), 15, 65000, 235),
            (date(2021, 7, 16), date(2021, 12, 31), 169, 35000, 1426),
            (date(2022, 1, 1), date(2022, 1, 31), 31, 35000, 258),
        ]
        assert r.total == 2000
        assert r.tax_remaining == 35000

    def test_payment_that_keeps_the_truncated_base_does_not_split(self) -> None:
        plain = compute(65000, date(2021, 5, 31), date(2022, 1, 31))
        r = compute(
            65300, date(2021, 5, 31), date(2022, 1, 31), payments=[(date(2021, 8, 10), 300)]
        )
        assert segs(r) == segs(plain)

    def test_full_payment_stops_the_charge_and_excess_goes_to_the_charge(self) -> None:
        r = compute(
            65000, date(2021, 5, 31), date(2022, 3, 31), payments=[(date(2022, 1, 31), 70000)]
        )
        assert r.segments[-1].end == date(2022, 1, 31)
        assert r.total == 3400
        assert r.tax_remaining == 0
        assert r.paid_to_charge == 3400 and r.charge_remaining == 0

    def test_payment_after_until_is_ignored(self) -> None:
        base = compute(65000, date(2021, 5, 31), date(2022, 1, 31))
        r = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), payments=[(date(2022, 2, 1), 65000)]
        )
        assert r.total == base.total and r.tax_remaining == 65000

    def test_payment_before_due_lowers_the_whole_base(self) -> None:
        r = compute(
            65000, date(2021, 5, 31), date(2022, 1, 31), payments=[(date(2021, 5, 20), 15000)]
        )
        assert {s.base for s in r.segments} == {50000}

    def test_payments_out_of_order(self) -> None:
        a = compute(
            90000,
            date(2021, 5, 31),
            date(2022, 1, 31),
            payments=[(date(2021, 10, 1), 10000), (date(2021, 8, 1), 20000)],
        )
        b = compute(
            90000,
            date(2021, 5, 31),
            date(2022, 1, 31),
            payments=[(date(2021, 8, 1), 20000), (date(2021, 10, 1), 10000)],
        )
        assert a == b


class TestErrors:
    def test_negative_amount(self) -> None:
        with pytest.raises(NegativeAmount, match="マイナス"):
            compute(-1, date(2021, 5, 31), date(2022, 1, 31))

    def test_too_large(self) -> None:
        with pytest.raises(AmountTooLarge):
            compute(10**13, date(2021, 5, 31), date(2022, 1, 31))

    def test_until_before_due(self) -> None:
        with pytest.raises(UntilBeforeDue, match="納期限.*より前"):
            compute(65000, date(2021, 5, 31), date(2021, 5, 30))

    @pytest.mark.parametrize(
        "payments", [[(date(2021, 6, 1), 0)], [(date(2021, 6, 1), -5)], [("2021-06-01", 5)]]
    )
    def test_bad_payment(self, payments: list) -> None:
        with pytest.raises(InvalidPayment):
            compute(65000, date(2021, 5, 31), date(2022, 1, 31), payments=payments)

    def test_year_without_rate(self) -> None:
        with pytest.raises(RateNotFound, match="2013年の延滞金割合が登録されていません"):
            compute(65000, date(2013, 5, 31), date(2014, 1, 31))
        with pytest.raises(RateNotFound, match="2027年"):
            compute(65000, date(2026, 5, 29), date(2027, 1, 4))

    def test_demand_notice_before_due(self) -> None:
        with pytest.raises(DemandNoticeBeforeDue):
            compute(
                65000,
                date(2021, 5, 31),
                date(2022, 1, 31),
                rules=RuleSet(start=Start.AFTER_DEMAND_NOTICE),
                demand_notice=date(2021, 5, 1),
            )

    def test_bad_rules(self) -> None:
        with pytest.raises(InvalidRule):
            RuleSet(base_unit=0)
        with pytest.raises(InvalidRule):
            RuleSet(first_period_months=-1)

    def test_errors_are_value_errors_with_japanese_text(self) -> None:
        assert issubclass(EntaikinError, ValueError)


class TestRates:
    def test_default_table_matches_the_reference(self) -> None:
        expected = {
            2014: ("2.9", "9.2"),
            2015: ("2.8", "9.1"),
            2016: ("2.8", "9.1"),
            2017: ("2.7", "9.0"),
            2018: ("2.6", "8.9"),
            2020: ("2.6", "8.9"),
            2021: ("2.5", "8.8"),
            2022: ("2.4", "8.7"),
            2025: ("2.4", "8.7"),
            2026: ("2.8", "9.1"),
        }
        for year, (first, later) in expected.items():
            yr = DEFAULT_RATES.get(year)
            assert (str(yr.first), str(yr.later)) == (first, later), year
        assert DEFAULT_RATES.years == list(range(2014, 2027))

    def test_statutory_caps(self) -> None:
        assert rates_from_special_base("1.4") == (Decimal("2.4"), Decimal("8.7"))
        assert rates_from_special_base("6.5") == (Decimal("7.3"), Decimal("13.8"))
        assert rates_from_special_base("7.3") == (Decimal("7.3"), Decimal("14.6"))
        assert rates_from_special_base("9") == (Decimal("7.3"), Decimal("14.6"))

    def test_rates_finer_than_a_hundredth_are_refused(self) -> None:
        with pytest.raises(InvalidRate):
            RateTable.from_rates({2027: ("2.555", "9.1")})
        with pytest.raises(InvalidRate):
            RateTable.from_rates({2027: ("-1", "9.1")})

    def test_a_custom_table_is_used(self) -> None:
        table = RateTable.from_rates({2021: ("7.3", "14.6"), 2022: ("7.3", "14.6")})
        r = compute(65000, date(2021, 5, 31), date(2022, 1, 31), rates=table)
        assert [str(s.rate) for s in r.segments] == ["7.3", "14.6", "14.6"]

    def test_as_dict_is_json(self) -> None:
        d = compute(65000, date(2021, 5, 31), date(2022, 1, 31)).as_dict()
        assert json.loads(json.dumps(d))["segments"][0] == {
            "start": "2021-06-01",
            "end": "2021-06-30",
            "days": 30,
            "rate": "2.5",
            "base": 65000,
            "amount": 133,
            "first_period": True,
        }


# --- properties -----------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=50_000_000)
dues = st.dates(min_value=date(2014, 1, 1), max_value=date(2025, 12, 31))
rule_sets = st.sampled_from(
    [
        LOCAL_TAX,
        NO_SHIFT,
        RuleSet(first_period_months=3),
        RuleSet(first_period_months=0, result_unit=1, result_threshold=0),
        RuleSet(base_unit=100, base_threshold=1000, result_unit=10, result_threshold=500),
    ]
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, date, date, list[tuple[date, int]], RuleSet]:
    amount = draw(amounts)
    due = draw(dues)
    until = due + timedelta(days=draw(st.integers(0, min(2000, (date(2026, 12, 31) - due).days))))
    n = draw(st.integers(0, 3))
    span = (until - due).days + 60
    payments = [
        (
            due - timedelta(days=30) + timedelta(days=draw(st.integers(0, span))),
            draw(st.integers(1, max(1, amount))),
        )
        for _ in range(n)
    ]
    return amount, due, until, payments, draw(rule_sets)


class TestProperties:
    @given(cases())
    @settings(max_examples=300, deadline=None)
    def test_rounding_invariants(self, case: tuple) -> None:
        amount, due, until, payments, rules = case
        r = compute(amount, due, until, payments=payments, rules=rules)
        assert r.total >= 0
        assert r.total % rules.result_unit == 0
        assert r.total == 0 or r.total >= rules.result_threshold
        assert r.total <= r.subtotal
        assert all(s.amount >= 0 and s.days > 0 for s in r.segments)
        if amount < rules.base_threshold:
            assert r.total == 0
        assert 0 <= r.paid_to_charge <= r.total

    @given(cases(), st.integers(1, 400))
    @settings(max_examples=300, deadline=None)
    def test_never_decreasing_with_a_later_date(self, case: tuple, more: int) -> None:
        amount, due, until, payments, rules = case
        later = min(until + timedelta(days=more), date(2026, 12, 31))
        a = compute(amount, due, until, payments=payments, rules=rules)
        b = compute(amount, due, later, payments=payments, rules=rules)
        assert b.subtotal >= a.subtotal and b.total >= a.total

    @given(cases(), st.integers(0, 2000), st.integers(1, 10_000_000))
    @settings(max_examples=300, deadline=None)
    def test_a_payment_never_raises_the_charge(self, case: tuple, offset: int, paid: int) -> None:
        amount, due, until, payments, rules = case
        extra = (due + timedelta(days=offset - 30), paid)
        a = compute(amount, due, until, payments=payments, rules=rules)
        b = compute(amount, due, until, payments=[*payments, extra], rules=rules)
        assert b.subtotal <= a.subtotal and b.total <= a.total

    @given(cases())
    @settings(max_examples=200, deadline=None)
    def test_bulk_agrees_with_compute(self, case: tuple) -> None:
        amount, due, until, payments, rules = case
        want = compute(amount, due, until, rules=rules).total
        assert compute_many([amount], [due], [until], rule_sets=[rules]).tolist() == [want]


# --- bulk -----------------------------------------------------------------------------

BULK_RULES: dict[str, RuleSet] = {
    "01": LOCAL_TAX,
    "10": RuleSet(first_period_months=3),
    "13": RuleSet(start=Start.AFTER_DEMAND_NOTICE),
    "14": RuleSet(
        start=Start.AFTER_DEMAND_NOTICE, first_period_months=2, base_unit=100, base_threshold=500
    ),
    "15": replace(NO_SHIFT, result_unit=1, result_threshold=0),
}


def random_installments(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2014-01-01")
    due = lo + rng.integers(0, (np.datetime64("2025-12-31") - lo).astype(int), n)
    until = np.minimum(due + rng.integers(0, 3000, n), np.datetime64("2026-12-31"))
    amount = np.where(
        rng.random(n) < 0.1, rng.integers(0, 3000, n), rng.integers(0, 2_000_000, n)
    ).astype(np.int64)
    subject = rng.choice(np.array(list(BULK_RULES)), n)
    notice = due + rng.integers(5, 40, n)
    notice = np.where(rng.random(n) < 0.1, np.datetime64("NaT"), notice).astype("datetime64[D]")
    return {"amount": amount, "due": due, "until": until, "subject": subject, "notice": notice}


def py_date(x: np.datetime64) -> date:
    return date.fromisoformat(str(x))


class TestBulk:
    def test_agrees_with_compute_on_thousands_of_random_cases(self) -> None:
        n = 5000
        d = random_installments(n, seed=20260506)
        rng = np.random.default_rng(7)
        payments: dict[int, list[tuple[date, int]]] = {}
        for row in rng.choice(n, 300, replace=False).tolist():
            pays = int(rng.integers(1, 4))
            payments[row] = [
                (
                    py_date(d["due"][row]) + timedelta(days=int(rng.integers(-20, 1500))),
                    int(rng.integers(1, max(2, int(d["amount"][row])))),
                )
                for _ in range(pays)
            ]
        got = compute_many(
            d["amount"],
            d["due"],
            d["until"],
            d["subject"],
            rule_sets=BULK_RULES,
            demand_notice=d["notice"],
            payments=payments,
        )
        for i in range(n):
            notice = None if np.isnat(d["notice"][i]) else py_date(d["notice"][i])
            want = compute(
                int(d["amount"][i]),
                py_date(d["due"][i]),
                py_date(d["until"][i]),
                payments=payments.get(i, ()),
                rules=BULK_RULES[str(d["subject"][i])],
                demand_notice=notice,
            ).total
            assert got[i] == want, (i, d["amount"][i], d["due"][i], d["until"][i])
        assert (got > 0).sum() > n // 2  # the sample is not trivially zero

    def test_accepts_polars_series_and_one_until_date(self) -> None:
        df = pl.DataFrame(
            {
                "amount": [65000, 64300],
                "due": [date(2021, 5, 31), date(2022, 8, 1)],
                "subject": ["01", "02"],
            }
        )
        got = compute_many(
            df["amount"],
            df["due"],
            date(2022, 11, 1),
            df["subject"],
            rule_sets={"01": LOCAL_TAX},
            default_rules=LOCAL_TAX,
        )
        want = [
            compute(65000, date(2021, 5, 31), date(2022, 11, 1)).total,
            compute(64300, date(2022, 8, 1), date(2022, 11, 1)).total,
        ]
        assert got.tolist() == want

    def test_unknown_rule_set(self) -> None:
        with pytest.raises(UnknownRuleSet, match="99"):
            compute_many([1], [date(2021, 5, 31)], date(2022, 1, 31), ["99"], rule_sets={})

    def test_errors_name_the_row(self) -> None:
        with pytest.raises(NegativeAmount, match="1行目"):
            compute_many([1000, -1], [date(2021, 5, 31)] * 2, date(2022, 1, 31))
        with pytest.raises(UntilBeforeDue, match="0行目"):
            compute_many([1000], [date(2021, 5, 31)], date(2021, 5, 1))
        with pytest.raises(RateNotFound):
            compute_many([65000], [date(2013, 5, 31)], date(2014, 1, 31))
        with pytest.raises(EntaikinError, match="空"):
            compute_many([1000], np.array(["NaT"], dtype="datetime64[D]"), date(2022, 1, 31))

    def test_clip_until_gives_zero_for_not_yet_due(self) -> None:
        got = compute_many(
            [65000, 65000],
            [date(2021, 5, 31), date(2026, 5, 29)],
            date(2022, 1, 31),
            clip_until=True,
        )
        assert got.tolist() == [3400, 0]

    def test_empty(self) -> None:
        assert compute_many([], [], date(2022, 1, 31)).tolist() == []


class TestParsePayments:
    def test_cli_form(self) -> None:
        assert parse_payments("2021-07-15:30000,2021-09-01:10000") == [
            (date(2021, 7, 15), 30000),
            (date(2021, 9, 1), 10000),
        ]

    def test_page_form_with_separators_and_full_width(self) -> None:
        text = "2021/07/15 30,000円\n\n２０２１－０９－０１　１０，０００\n2021.10.01:5,000,2021-11-01:1"
        assert parse_payments(text) == [
            (date(2021, 7, 15), 30000),
            (date(2021, 9, 1), 10000),
            (date(2021, 10, 1), 5000),
            (date(2021, 11, 1), 1),
        ]

    def test_empty(self) -> None:
        assert parse_payments("") == [] and parse_payments(" \n ") == []

    @pytest.mark.parametrize("text", ["2021-07-15", "30000", "2021-02-30 100", "2021-07-15 0"])
    def test_unreadable(self, text: str) -> None:
        with pytest.raises(InvalidPayment):
            parse_payments(text)
