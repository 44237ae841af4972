from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from nofu.intake.models import ImportBatch
from nofu.intake.tests.helpers import LUNCH_SAMPLE, csv_bytes, row
from nofu.payers.models import Installment
from nofu.test import BaseTestCase


class UploadTests(BaseTestCase):
    def test_one_file_leads_to_its_result_page(self) -> None:
        self.login(self.mia)
        f = SimpleUploadedFile("給食費.csv", LUNCH_SAMPLE.read_bytes())
        r = self.client.post("/intake/upload", {"files": [f]})
        batch = ImportBatch.objects.get()
        self.assertRedirects(r, f"/intake/{batch.pk}/")
        r = self.client.get(f"/intake/{batch.pk}/")
        self.assertContains(r, "utf-8-sig")
        self.assertEqual(Installment.objects.count(), 3)

    def test_several_files_and_an_unusable_one(self) -> None:
        self.login(self.mia)
        good = SimpleUploadedFile("a.csv", csv_bytes(row(key="A1")))
        bad = SimpleUploadedFile("b.csv", b"\x00\x01\x02 not a table")
        r = self.client.post("/intake/upload", {"files": [good, bad]}, follow=True)
        self.assertContains(r, "a.csv: 1件を取り込みました")
        self.assertContains(r, "b.csv: 取り込めませんでした")
        self.assertEqual(Installment.objects.count(), 1)

    def test_no_file_chosen(self) -> None:
        self.login(self.mia)
        r = self.client.post("/intake/upload", {}, follow=True)
        self.assertContains(r, "ファイルを選択してください")

    def test_operators_may_not_import(self) -> None:
        self.login(self.olivia)
        f = SimpleUploadedFile("a.csv", csv_bytes(row()))
        self.assertEqual(self.client.post("/intake/upload", {"files": [f]}).status_code, 403)
        self.assertEqual(Installment.objects.count(), 0)
