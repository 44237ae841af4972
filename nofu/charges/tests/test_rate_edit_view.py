from __future__ import annotations

from decimal import Decimal
from typing import Any

from nofu.audit.models import AuditEvent
from nofu.charges.models import RuleChange, YearRate
from nofu.test import BaseTestCase

URL = "/charges/rules/rates/2026"


class RateEditViewTests(BaseTestCase):
    def post(self, **data: str) -> Any:
        rate = YearRate.objects.get(year=2026)
        body = {
            "special_base": "1.8",
            "first_rate": "2.8",
            "later_rate": "9.1",
            "note": "",
            "reason": "誤りの訂正",
            "version": str(rate.version),
        }
        return self.client.post(URL, {**body, **data})

    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.assertEqual(self.client.get("/charges/rules/rates/1999").status_code, 404)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.client.post(URL, {}).status_code, 403, user)

    def test_change_is_saved_with_history_and_audit(self) -> None:
        self.login(self.mia)
        r = self.post(special_base="1.9", first_rate="", later_rate="")
        self.assertRedirects(r, "/charges/rules/", fetch_redirect_response=False)
        rate = YearRate.objects.get(year=2026)
        self.assertEqual((rate.first_rate, rate.later_rate), (Decimal("2.9"), Decimal("9.2")))
        self.assertEqual(rate.version, 2)
        change = RuleChange.objects.filter(kind="rate", key="2026").first()
        self.assertEqual(change.old["first_rate"], "2.80")
        self.assertEqual(change.new["first_rate"], "2.90")
        self.assertEqual(change.reason, "誤りの訂正")
        event = AuditEvent.objects.get(action="charges.rate_update")
        self.assertIn("1か月以内 2.80→2.90", event.summary)
        r = self.client.get(URL)
        self.assertContains(r, "2.80 → <b>2.90</b>", html=False)

    def test_stale_edit_is_refused(self) -> None:
        self.login(self.mia)
        rate = YearRate.objects.get(year=2026)
        self.post(special_base="1.9", first_rate="", later_rate="")
        r = self.post(special_base="2.0", first_rate="", later_rate="", version=str(rate.version))
        self.assertContains(r, "他の利用者が先に変更しました")
        self.assertEqual(YearRate.objects.get(year=2026).special_base, Decimal("1.9"))

    def test_no_change_is_not_recorded(self) -> None:
        self.login(self.mia)
        r = self.post()
        self.assertContains(r, "変更された項目がありません")
        self.assertFalse(AuditEvent.objects.filter(action="charges.rate_update").exists())

    def test_bad_rate(self) -> None:
        self.login(self.mia)
        r = self.post(first_rate="2.555")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(YearRate.objects.get(year=2026).version, 1)
