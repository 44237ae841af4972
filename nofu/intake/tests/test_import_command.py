from __future__ import annotations

import io

from django.core.management import CommandError, call_command

from nofu.intake.tests.helpers import NHI_SAMPLE, csv_bytes, row
from nofu.payers.models import Installment
from nofu.test import BaseTestCase


class ImportCommandTests(BaseTestCase):
    def test_imports_files_and_writes_row_errors(self) -> None:
        bad = self.tmp / "bad.csv"
        bad.write_bytes(csv_bytes(row(key="A1"), row(key="A2", code="99")))
        out = io.StringIO()
        call_command(
            "import",
            str(NHI_SAMPLE),
            str(bad),
            "--user",
            "mia",
            "--errors-dir",
            str(self.tmp / "errors"),
            stdout=out,
        )
        text = out.getvalue()
        self.assertIn("国保返納金.csv: 架電対象者データ 読込9件", text)
        self.assertIn("3行目 科目コード「99」", text)
        errors = (self.tmp / "errors" / "bad.csv.errors.csv").read_text(encoding="utf-8-sig")
        self.assertIn("科目コード「99」は不明です", errors)
        self.assertEqual(Installment.objects.count(), 9 + 1)

    def test_an_unusable_file_fails_the_command_and_imports_nothing(self) -> None:
        junk = self.tmp / "junk.csv"
        junk.write_bytes("見出しなし\r\n".encode("cp932"))
        with self.assertRaises(CommandError):
            call_command("import", str(junk), stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(Installment.objects.count(), 0)

    def setUp(self) -> None:
        import tempfile
        from pathlib import Path

        self._dir = tempfile.TemporaryDirectory()
        self.tmp = Path(self._dir.name)

    def tearDown(self) -> None:
        self._dir.cleanup()
