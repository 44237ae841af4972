"""KPI board: the three contract numbers, pace and forecast, charts, links to records."""

from __future__ import annotations

from datetime import date
from unittest import mock

from django.urls import reverse

from nofu.reports.board import kpi
from nofu.reports.tests import scenario
from nofu.test import BaseTestCase

URL = reverse("reports:board")
TODAY = date(2026, 1, 5)


class BoardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def get(self, **params: str):  # type: ignore[no-untyped-def]
        with mock.patch("nofu.reports.views.timezone.localdate", return_value=TODAY):
            return self.client.get(URL, params)

    def test_access(self) -> None:
        for user, status in (
            (self.olivia, 403),
            (self.sam, 200),
            (self.mia, 200),
            (self.chika, 200),
        ):
            self.login(user)
            self.assertEqual(self.get().status_code, status, user.role)

    def test_the_three_numbers_with_pace_and_forecast(self) -> None:
        k = kpi(2025, TODAY)
        self.assertEqual(k.as_of, TODAY)
        self.assertEqual(k.calls, 11)  # 11/30, and 10 in December
        # business days 2025-04-01 .. 2026-01-05: the target spread over the year's
        self.assertEqual(k.business_days_total, 242)
        self.assertEqual(k.business_days_elapsed, 185)
        self.assertAlmostEqual(k.calls_expected_now, 80_000 * 185 / 242)
        self.assertAlmostEqual(k.calls_forecast, 11 / 185 * 242)
        self.assertEqual((k.delinquency, k.collected), (157_000, 35_000))
        self.assertAlmostEqual(k.collection_rate, 35_000 / 157_000)
        self.assertEqual((k.offered, k.answered), (6, 4))
        self.assertAlmostEqual(k.answer_rate, 4 / 6)
        self.assertEqual([m.label for m in k.months][:2], ["4月", "5月"])
        self.assertEqual(len(k.months), 14)  # April to May of the next year
        december = k.months[8]
        self.assertEqual((december.calls, december.calls_cumulative), (10, 11))
        self.assertFalse(k.months[10].started)  # February 2026 is still to come

    def test_page_shows_the_figures_linked_to_their_records(self) -> None:
        self.login(self.chika)
        r = self.get(fy="2025")
        html = r.content.decode()
        self.assertContains(r, "KPIボード — 令和7年度")
        self.assertIn(
            '<a class="big" href="/reports/records/?set=contacts&amp;item=outbound'
            '&amp;from=2025-04-01&amp;to=2026-01-05">11<small> 件</small></a>',
            html,
        )
        self.assertIn("22.3%", html)  # collection rate
        self.assertIn("66.7%", html)  # answer rate
        self.assertIn("/reports/records/?set=payments&amp;fy=2025&amp;to=2026-01-05", html)
        self.assertIn("/reports/records/?set=delinquency&amp;fy=2025", html)
        self.assertIn("基準に届かない見込み", html)
        self.assertEqual(html.count('<svg class="chart"'), 3)
        # each bar of a month that has begun links to that month's records
        self.assertIn(
            'href="/reports/records/?set=contacts&amp;item=outbound&amp;from=2025-12-01'
            '&amp;to=2025-12-31"',
            html,
        )

    def test_a_year_without_data_and_a_bad_year(self) -> None:
        self.login(self.mia)
        r = self.get(fy="2030")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "KPIボード — 令和12年度")
        r = self.get(fy="x")
        self.assertContains(r, "年度「x」を読めません")
