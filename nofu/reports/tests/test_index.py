"""The reports page: who sees it, the day's figures with links to their records."""

from __future__ import annotations

from django.urls import reverse

from nofu.reports.tests import scenario
from nofu.test import BaseTestCase

URL = reverse("reports:index")


class IndexTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def test_access(self) -> None:
        for user, status in (
            (self.olivia, 403),
            (self.sam, 200),
            (self.mia, 200),
            (self.chika, 200),
        ):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, status, user.role)

    def test_the_days_figures_link_to_their_records(self) -> None:
        self.login(self.chika)
        r = self.client.get(URL, {"date": "2025-12-01"})
        html = r.content.decode()
        self.assertContains(r, "日報の内容 — 令和7年12月1日（月）")
        self.assertIn(
            '<a href="/reports/records/?set=contacts&amp;from=2025-12-01&amp;to=2025-12-01'
            '&amp;item=outbound">7</a>',
            html,
        )
        self.assertIn("50,000", html)  # the promised amount
        self.assertIn("60.0%", html)  # the answer rate
        self.assertContains(r, "提出期限: 翌営業日 午前10時")

    def test_only_managers_get_the_generate_forms(self) -> None:
        self.login(self.chika)
        self.assertNotContains(self.client.get(URL), "Excelを作成")
        self.login(self.mia)
        r = self.client.get(URL)
        self.assertContains(r, 'id="make-daily"')
        self.assertContains(r, 'id="make-monthly"')
        self.assertContains(r, 'id="make-annual"')

    def test_a_bad_date_gets_a_message_not_an_error(self) -> None:
        self.login(self.sam)
        r = self.client.get(URL, {"date": "2025-02-30", "month": "x", "fy": "20x5"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "日付「2025-02-30」を読めません")
        self.assertContains(r, "月「x」を読めません")
        self.assertContains(r, "年度「20x5」を読めません")
