"""The records behind each figure: the count on the page equals the figure that links there."""

from __future__ import annotations

import re

from django.urls import reverse

from nofu.audit.models import AuditEvent
from nofu.reports import documents
from nofu.reports import figures as F
from nofu.reports.layout import Pct
from nofu.reports.tests import scenario
from nofu.reports.views import records_url
from nofu.test import BaseTestCase

URL = reverse("reports:records")


def count_on(html: str) -> int:
    m = re.search(r'<p id="count"><b>(\d+)件</b>', html)
    assert m, html[:2000]
    return int(m.group(1))


class RecordsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def test_every_figure_of_the_day_opens_exactly_its_records(self) -> None:
        self.login(self.chika)
        day = scenario.DAY
        fig = F.day_figures(day, day)[day]
        items = [
            *documents.daily_items(fig, day, day),
            *documents.answer_items(fig, day, day, "応答率"),
        ]
        checked = 0
        for it in items:
            if not it.records or isinstance(it.value, Pct):
                continue
            r = self.client.get(records_url(it.records))
            self.assertEqual(r.status_code, 200, it.label)
            expected = it.value
            if it.records["set"] == "promises":
                expected = fig.promise_rows  # the list shows each promised payment
            self.assertEqual(count_on(r.content.decode()), expected, f"{it.item} {it.label}")
            checked += 1
        self.assertGreater(checked, 25)

    def test_unanswered_calls_and_the_collection_records(self) -> None:
        self.login(self.mia)
        r = self.client.get(URL, {"set": "calls", "from": "2025-12-01", "status": "unanswered"})
        self.assertEqual(count_on(r.content.decode()), 2)  # the busy message and the abandoned
        self.assertContains(r, "混雑時アナウンス（応答に含めない）")
        r = self.client.get(URL, {"set": "payments", "fy": "2025"})
        self.assertEqual(count_on(r.content.decode()), 3)
        self.assertContains(r, "算入額の合計 35,000円")
        r = self.client.get(URL, {"set": "delinquency", "fy": "2025"})
        self.assertEqual(count_on(r.content.decode()), 5)
        self.assertContains(r, "滞納額の合計 157,000円")

    def test_names_link_to_the_payer_and_the_view_is_audited(self) -> None:
        self.login(self.sam)
        r = self.client.get(URL, {"set": "contacts", "item": "reached", "from": "2025-12-01"})
        payer = scenario.Payer.objects.get(name="山田 太郎")
        self.assertContains(r, reverse("payers:detail", args=[payer.pk]))
        a = AuditEvent.objects.get(action="reports.records")
        self.assertEqual(a.summary, "着信件数（通話）（2025/12/01）を表示（3件）")

    def test_bad_parameters_get_a_message(self) -> None:
        self.login(self.chika)
        for params, message in (
            ({}, "開始日の日付「」を読めません"),
            ({"set": "nope", "from": "2025-12-01"}, "一覧の種類「nope」はありません"),
            ({"set": "contacts", "item": "x", "from": "2025-12-01"}, "項目「x」はありません"),
            ({"from": "2025-12-02", "to": "2025-12-01"}, "終了日が開始日より前です"),
            ({"set": "payments", "fy": "R7"}, "年度「R7」を読めません"),
            ({"set": "handovers", "from": "2025-12-01", "dept": "x"}, "取次先課「x」はありません"),
        ):
            r = self.client.get(URL, params)
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, message)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.login(self.olivia)
        self.assertEqual(self.client.get(URL).status_code, 403)
