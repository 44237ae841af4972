"""収納率 exactly as 第2章 Ⅰ.4(2) defines it, month by month, with its edge cases."""

from __future__ import annotations

from datetime import date

from nofu.intake.models import FileKind
from nofu.payers.models import Payer
from nofu.reports.documents import annual_workbook
from nofu.reports.figures import collection_by_month
from nofu.reports.tests.helpers import NOW, grid, workbook
from nofu.reports.tests.scenario import batch, installment, payment
from nofu.test import BaseTestCase


class CollectionRateTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        b, pb = batch(), batch(FileKind.PAYMENTS)
        payer = Payer.objects.create(name="収納 花子")

        def inst(key: str, on: date, unpaid: int):  # type: ignore[no-untyped-def]
            return installment(
                payer, key, b=b, handed_over_on=on, unpaid=unpaid, unpaid_at_handover=unpaid
            )

        # handed over on the first day of the fiscal year: counts for FY2025
        a = inst("A", date(2025, 4, 1), 100_000)
        payment(a, date(2025, 4, 10), 10_000, pb)
        payment(a, date(2026, 5, 31), 20_000, pb)  # the last day of May next year: counts
        payment(a, date(2026, 6, 1), 30_000, pb)  # June next year: does not
        # handed over on the last day of the fiscal year, paid in April next year
        b_ = inst("B", date(2026, 3, 31), 50_000)
        payment(b_, date(2026, 4, 15), 50_000, pb)
        # handed over in April 2026: the next fiscal year's delinquency
        c = inst("C", date(2026, 4, 1), 70_000)
        payment(c, date(2026, 4, 20), 70_000, pb)
        # handed over in March 2025: the previous fiscal year's
        d = inst("D", date(2025, 3, 31), 90_000)
        payment(d, date(2025, 4, 2), 90_000, pb)
        # paid before the handover (not part of what was handed over), then overpaid
        e = inst("E", date(2025, 6, 10), 40_000)
        payment(e, date(2025, 6, 1), 5_000, pb)
        payment(e, date(2025, 7, 1), 60_000, pb)  # counts up to the 40,000 handed over

    def test_final_rate_of_fiscal_2025(self) -> None:
        months = collection_by_month(2025)
        last = months[-1]
        self.assertEqual((last.year, last.month), (2026, 5))
        self.assertEqual(last.delinquency, 100_000 + 50_000 + 40_000)
        self.assertEqual(last.paid_cumulative, 10_000 + 20_000 + 50_000 + 40_000)
        self.assertAlmostEqual(last.rate, 120_000 / 190_000)

    def test_month_by_month_from_april_to_may_next_year(self) -> None:
        rows = [
            (c.year, c.month, c.handed_over, c.delinquency, c.paid, c.paid_cumulative)
            for c in collection_by_month(2025)
        ]
        self.assertEqual(
            rows,
            [
                (2025, 4, 100_000, 100_000, 10_000, 10_000),
                (2025, 5, 0, 100_000, 0, 10_000),
                (2025, 6, 40_000, 140_000, 0, 10_000),  # the 5,000 of 6/1 predates 6/10
                (2025, 7, 0, 140_000, 40_000, 50_000),  # 60,000 paid, 40,000 counted
                (2025, 8, 0, 140_000, 0, 50_000),
                (2025, 9, 0, 140_000, 0, 50_000),
                (2025, 10, 0, 140_000, 0, 50_000),
                (2025, 11, 0, 140_000, 0, 50_000),
                (2025, 12, 0, 140_000, 0, 50_000),
                (2026, 1, 0, 140_000, 0, 50_000),
                (2026, 2, 0, 140_000, 0, 50_000),
                (2026, 3, 50_000, 190_000, 0, 50_000),
                (2026, 4, 0, 190_000, 50_000, 100_000),
                (2026, 5, 0, 190_000, 20_000, 120_000),  # 5/31 counts; 6/1 does not
            ],
        )

    def test_the_next_fiscal_year_takes_what_was_handed_over_from_april(self) -> None:
        last = collection_by_month(2026)[-1]
        self.assertEqual((last.delinquency, last.paid_cumulative), (70_000, 70_000))
        previous = collection_by_month(2024)[-1]
        self.assertEqual((previous.delinquency, previous.paid_cumulative), (90_000, 90_000))

    def test_annual_report_sheet(self) -> None:
        wb = workbook(annual_workbook(2025, as_of=date(2026, 6, 30), now=NOW))
        rows = grid(wb["収納率（SLA）"])
        self.assertEqual(
            rows[3],
            [
                "月",
                "当月受領\n滞納額（円）",
                "滞納額\n累計（円）",
                "当月収納額（円）",
                "収納額\n累計（円）",
                "収納率\n（累計）",
            ],
        )
        self.assertEqual(rows[4], ["2025年4月", 100_000, 100_000, 10_000, 10_000, 0.1])
        self.assertEqual(rows[17], ["2026年5月", 0, 190_000, 20_000, 120_000, 120_000 / 190_000])
        summary = grid(wb["年報"])
        self.assertIn([None, "収納率", 120_000 / 190_000, None, "目標60%以上：達成"], summary)
        self.assertIn(
            [
                "収納率（SLA）",
                "滞納額",
                None,
                190_000,
                "4月～翌3月に受領した架電対象者データの滞納額の合計",
            ],
            summary,
        )
