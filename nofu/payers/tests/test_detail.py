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


class BuildingWrittenOnceTests(BaseTestCase):
    """The building arrives inside 住所 or in 方書; a page, a label or a file that writes the
    address and the building writes it once."""

    def test_payer_page_shows_the_building_once_per_address(self) -> None:
        file_import(
            data=csv_bytes(row(key="B1", address="千葉市中央区千葉港1-1　サンハイツ蘇我209号")),
            file_name="b.csv",
            actor=self.mia,
        )
        payer = Installment.objects.get(receivable_key="B1").payer
        self.assertEqual(
            (payer.address, payer.building), ("千葉県千葉市中央区千葉港1-1", "サンハイツ蘇我209号")
        )
        self.login(self.olivia)
        html = self.client.get(f"/payers/{payer.pk}/").content.decode()
        # the identity block and the table of known addresses: once each
        self.assertEqual(html.count("サンハイツ蘇我209号"), 2)

    def test_rows_stored_before_lose_the_repeated_building(self) -> None:
        import importlib

        from django.db import connection

        from nofu.payers.models import Address

        file_import(data=csv_bytes(row(key="B2")), file_name="b.csv", actor=self.mia)
        payer = Installment.objects.get(receivable_key="B2").payer
        Address.objects.filter(payer=payer).update(
            address="千葉県千葉市中央区千葉港1-1\u3000レオパレス203号室",
            building="レオパレス203号室",
        )
        Address.objects.create(
            payer=payer,
            address="千葉県千葉市緑区平山町1-2",  # no building in the text: left alone
            building="平山荘101",
            key="other",
            origin="city_data",
            first_seen=date(2026, 1, 1),
            last_seen=date(2026, 1, 1),
        )
        migration = importlib.import_module("nofu.payers.migrations.0004_address_without_building")
        with connection.cursor() as cur:
            cur.execute(migration.STRIP.format(table="payers_address"))
        got = sorted(Address.objects.filter(payer=payer).values_list("address", "building"))
        self.assertEqual(
            got,
            [
                ("千葉県千葉市中央区千葉港1-1", "レオパレス203号室"),
                ("千葉県千葉市緑区平山町1-2", "平山荘101"),
            ],
        )
