"""Generating a report from the page: the file, the register and the audit log."""

from __future__ import annotations

from django.urls import reverse

from nofu.audit.models import AuditEvent, DataExchange
from nofu.reports.tests import scenario
from nofu.reports.tests.helpers import grid, workbook
from nofu.test import BaseTestCase

URL = reverse("reports:generate")


class GenerateTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def test_manager_downloads_the_daily_report(self) -> None:
        self.login(self.mia)
        r = self.client.post(URL, {"kind": "daily", "date": "2025-12-01"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            r["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.assertIn("%E6%97%A5%E5%A0%B1_20251201.xlsx", r["Content-Disposition"])  # 日報_…
        wb = workbook(r.content)
        self.assertEqual(grid(wb["日報"])[5], ["ア 架電件数", "総架電件数", 7])
        e = DataExchange.objects.get()
        self.assertEqual(
            (e.kind, e.file_name, e.direction, e.actor),
            ("日報", "日報_20251201.xlsx", "out", self.mia),
        )
        a = AuditEvent.objects.get(action="report.daily")
        self.assertEqual(a.summary, "日報 令和7年12月1日（月） を作成（日報_20251201.xlsx）")

    def test_monthly_and_annual(self) -> None:
        self.login(self.mia)
        r = self.client.post(URL, {"kind": "monthly", "month": "2025-12"})
        self.assertEqual(workbook(r.content).sheetnames, ["月報", "日別集計", "納付約束結果"])
        r = self.client.post(URL, {"kind": "annual", "fy": "2025"})
        self.assertEqual(
            workbook(r.content).sheetnames, ["年報", "月別集計", "収納率（SLA）", "応答率"]
        )
        self.assertEqual(
            sorted(DataExchange.objects.values_list("file_name", flat=True)),
            ["年報_2025年度.xlsx", "月報_202512.xlsx"],
        )

    def test_bad_input_is_refused_with_a_message_and_nothing_recorded(self) -> None:
        self.login(self.mia)
        for data, message in (
            ({"kind": "daily", "date": "2025-12-32"}, "日付「2025-12-32」を読めません"),
            ({"kind": "monthly", "month": ""}, "月「?」を読めません"),
            ({"kind": "annual", "fy": "令和7"}, "年度「令和7」を読めません"),
            ({"kind": "weekly"}, "作成する報告書の種類を選んでください"),
        ):
            r = self.client.post(URL, data, follow=True)
            self.assertContains(r, message)
        self.assertFalse(DataExchange.objects.exists())

    def test_only_managers_generate(self) -> None:
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(
                self.client.post(URL, {"kind": "daily", "date": "2025-12-01"}).status_code, 403
            )
        self.login(self.mia)
        self.assertRedirects(self.client.get(URL), reverse("reports:index"))
