from __future__ import annotations

import io

import openpyxl

from nofu.audit.models import DataExchange
from nofu.intake.importer import file_import
from nofu.intake.tests.helpers import UNIFIED_SAMPLE
from nofu.test import BaseTestCase


class RegisterTests(BaseTestCase):
    def test_register_lists_files_and_exports_excel(self) -> None:
        batch = file_import(
            data=UNIFIED_SAMPLE.read_bytes(), file_name="統一滞納管理_1201.csv", actor=self.mia
        )
        self.login(self.chika)  # the city reads the register too
        r = self.client.get("/audit/register/")
        self.assertContains(r, "統一滞納管理_1201.csv")
        r = self.client.get("/audit/register.xlsx")
        self.assertEqual(r.status_code, 200)
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("日時", "区分", "データ種別", "ファイル名"))
        row = next(x for x in rows if x[3] == "統一滞納管理_1201.csv")
        self.assertEqual(row[1], "受領")
        self.assertEqual(row[5], batch.rows_read)
        self.assertEqual(row[9], DataExchange.objects.get(file_name="統一滞納管理_1201.csv").sha256)
        # the export itself is an outgoing file, entered in the register
        self.assertTrue(
            DataExchange.objects.filter(direction="out", kind="データ授受管理簿").exists()
        )
