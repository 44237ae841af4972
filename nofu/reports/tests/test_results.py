"""The results export page and its downloads."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from nofu.audit.models import AuditEvent, DataExchange
from nofu.reports.tests import scenario
from nofu.test import BaseTestCase

PAGE = reverse("reports:results")
DOWNLOAD = reverse("reports:results_download")
FIXTURES = Path(__file__).parent / "fixtures"


class ResultsPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def test_access(self) -> None:
        for user, status in (
            (self.olivia, 403),
            (self.sam, 403),
            (self.mia, 200),
            (self.chika, 200),
        ):
            self.login(user)
            self.assertEqual(self.client.get(PAGE).status_code, status, user.role)
            if status == 403:
                r = self.client.post(DOWNLOAD, {"date": "2025-12-01", "file": "results_csv"})
                self.assertEqual(r.status_code, 403)

    def test_page_shows_counts_and_the_geta_warning(self) -> None:
        self.login(self.chika)
        r = self.client.get(PAGE, {"date": "2025-12-01"})
        self.assertContains(r, '<b id="result-count">11件</b>', html=True)
        self.assertContains(r, "1文字")
        self.assertContains(r, '<b id="phone-count">2件</b>', html=True)
        self.assertContains(r, "𠮷子様本人と通話")  # the page shows the text as recorded
        self.assertContains(r, "架電結果データ_20251201.csv")
        self.assertTrue(AuditEvent.objects.filter(action="results.view").exists())

    def test_download_is_the_export_and_is_registered(self) -> None:
        self.login(self.chika)
        r = self.client.post(DOWNLOAD, {"date": "2025-12-01", "file": "results_csv"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content, (FIXTURES / "架電結果データ_20251201.csv").read_bytes())
        self.assertEqual(r["Content-Type"], "text/csv; charset=Shift_JIS")
        e = DataExchange.objects.get()
        self.assertEqual(
            (e.file_name, e.rows_read, e.actor), ("架電結果データ_20251201.csv", 11, self.chika)
        )
        r = self.client.post(DOWNLOAD, {"date": "2025-12-01", "file": "phones_xlsx"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(DataExchange.objects.count(), 2)

    def test_bad_requests(self) -> None:
        self.login(self.mia)
        r = self.client.post(DOWNLOAD, {"date": "2025-12-01", "file": "all.zip"}, follow=True)
        self.assertContains(r, "出力するファイルを選んでください")
        r = self.client.post(DOWNLOAD, {"date": "12/1", "file": "results_csv"}, follow=True)
        self.assertContains(r, "日付「12/1」を読めません")
        self.assertFalse(DataExchange.objects.exists())
        self.assertRedirects(self.client.get(DOWNLOAD), PAGE)
