"""The operator's list page: what they may work, take the next payer, release."""

from __future__ import annotations

from datetime import date

from nofu.calllists import actions
from nofu.calllists.extract import Conditions
from nofu.calllists.models import Lease
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase

WED = jst(2026, 6, 10, 10)


class MineTests(BaseTestCase):
    def test_take_the_next_payer_and_release(self) -> None:
        p = make_payer("架電 先子", owed=[("01", 2024, 70_000, date(2025, 1, 31))])
        with frozen(WED):
            v = actions.list_version_create(actor=self.mia, conditions=Conditions(), name="6月")
            actions.list_version_publish(actor=self.mia, version=v, audience="shared")
        self.login(self.olivia)
        with frozen(WED):
            r = self.client.get("/lists/mine")
            self.assertContains(r, "6月（第1版）")
            self.client.post("/lists/mine/next")
            r = self.client.get("/lists/mine")
        self.assertContains(r, "架電先：架電 先子")
        self.assertContains(r, "6月 1番目・対象未納額 70,000円")
        self.assertEqual(Lease.objects.get().payer, p)
        with frozen(WED):
            self.client.post("/lists/mine/release")
        self.assertFalse(Lease.objects.exists())

    def test_says_why_there_is_nobody(self) -> None:
        self.login(self.olivia)
        with frozen(jst(2026, 6, 10, 21)):
            r = self.client.post("/lists/mine/next", follow=True)
        self.assertContains(r, "架電時間外です。次の架電可能時刻は 6/11 09:00 です。")

    def test_city_staff_cannot(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get("/lists/mine").status_code, 403)
        self.assertEqual(self.client.post("/lists/mine/next").status_code, 403)
