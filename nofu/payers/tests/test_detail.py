from __future__ import annotations

from datetime import date

from nofu.audit.models import AuditEvent
from nofu.intake.importer import file_import
from nofu.intake.tests.helpers import csv_bytes, row
from nofu.payers.models import Installment
from nofu.test import BaseTestCase


class PayerPageTests(BaseTestCase):
    def setUp(self) -> None:
        file_import(
            data=csv_bytes(
                row(
                    key="U1",
                    due="2021-05-31",
                    assessed="65000",
                    unpaid="65000",
                    resident="1111111111",
                ),
                row(key="U2", code="02", unpaid="0", assessed="8000", resident="1111111111"),
            ),
            file_name="t.csv",
            actor=self.mia,
        )
        self.payer = Installment.objects.get(receivable_key="U1").payer

    def test_shows_every_installment_with_totals_and_is_audited(self) -> None:
        self.login(self.olivia)
        r = self.client.get(f"/payers/{self.payer.pk}/")
        self.assertContains(r, "市県民税（森林環境税含む）")
        self.assertContains(r, "固定資産税・都市計画税")
        self.assertContains(r, "完納")
        self.assertContains(r, "65,000")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="payer.view", target_id=str(self.payer.pk), actor=self.olivia
            ).exists()
        )

    def test_current_late_charge_matches_the_calculator(self) -> None:
        from nofu.lib.entaikin import compute

        self.login(self.olivia)
        r = self.client.get(f"/payers/{self.payer.pk}/")
        expected = compute(65000, date(2021, 5, 31), r.context["today"]).total
        inst = next(i for i in r.context["installments"] if i.receivable_key == "U1")
        self.assertEqual(inst.late_now, expected)
        self.assertGreater(expected, 10000)  # more than five years overdue
        self.assertContains(r, f"{expected:,}")

    def test_city_staff_may_read_but_unknown_payer_is_404(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get(f"/payers/{self.payer.pk}/").status_code, 200)
        self.assertEqual(self.client.get("/payers/999999/").status_code, 404)
