from __future__ import annotations

from decimal import Decimal

from nofu.audit.models import AuditEvent
from nofu.charges.models import RuleChange, YearRate
from nofu.test import BaseTestCase

URL = "/charges/rules/rates/new"


class RateNewViewTests(BaseTestCase):
    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.client.post(URL, {}).status_code, 403, user)

    def test_registers_a_new_year_with_derived_rates(self) -> None:
        self.login(self.mia)
        r = self.client.post(
            URL, {"year": "2027", "special_base": "1.9", "reason": "令和9年の告示"}
        )
        self.assertRedirects(r, "/charges/rules/", fetch_redirect_response=False)
        rate = YearRate.objects.get(year=2027)
        self.assertEqual((rate.first_rate, rate.later_rate), (Decimal("2.9"), Decimal("9.2")))
        self.assertTrue(
            AuditEvent.objects.filter(action="charges.rate_create", actor=self.mia).exists()
        )
        change = RuleChange.objects.get(kind="rate", key="2027")
        self.assertIsNone(change.old)
        self.assertEqual(change.actor, self.mia)

    def test_errors(self) -> None:
        self.login(self.mia)
        r = self.client.post(URL, {"year": "2026", "special_base": "1.9", "reason": "x"})
        self.assertContains(r, "2026年の割合は登録済みです")
        r = self.client.post(URL, {"year": "2027", "special_base": "1.9", "reason": ""})
        self.assertContains(r, "このフィールドは必須です")
        r = self.client.post(
            URL, {"year": "2027", "special_base": "1.9", "first_rate": "10", "reason": "x"}
        )
        self.assertContains(r, "上回っています")
        self.assertFalse(YearRate.objects.filter(year=2027).exists())
