"""`nofu export results`: 架電結果データ and 電話番号情報 byte for byte, and the register."""

from __future__ import annotations

import hashlib
import io
import tempfile
from datetime import datetime
from pathlib import Path

import openpyxl
from django.core.management import call_command
from django.core.management.base import CommandError

from nofu.audit.models import AuditEvent, DataExchange
from nofu.reports.results import PHONE_COLUMNS, RESULT_COLUMNS, to_cp932
from nofu.reports.tests import scenario
from nofu.test import BaseTestCase

FIXTURES = Path(__file__).parent / "fixtures"
RESULTS = "架電結果データ_20251201"
PHONES = "電話番号情報_20251201"


class ResultsExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def export(self) -> tuple[Path, str]:
        out = Path(tempfile.mkdtemp()) / "out"
        stdout = io.StringIO()
        call_command(
            "export", "results", "--date", "2025-12-01", "--out", str(out), "--user", "mia",
            stdout=stdout,
        )  # fmt: skip
        return out, stdout.getvalue()

    def test_csv_files_match_the_hand_written_fixtures_byte_for_byte(self) -> None:
        out, _ = self.export()
        for name in (f"{RESULTS}.csv", f"{PHONES}.csv"):
            self.assertEqual((out / name).read_bytes(), (FIXTURES / name).read_bytes(), name)

    def test_csv_is_cp932_with_crlf_and_the_spec_columns(self) -> None:
        out, _ = self.export()
        data = (out / f"{RESULTS}.csv").read_bytes()
        text = data.decode("cp932")
        self.assertNotIn("\n", text.replace("\r\n", ""))  # no bare line feeds anywhere
        self.assertEqual(text.split("\r\n")[0], ",".join(RESULT_COLUMNS))
        self.assertEqual(
            RESULT_COLUMNS,
            [
                "抽出元",
                "宛名番号",
                "債権番号",
                "対応日時",
                "対応区分",
                "結果",
                "相手",
                "電話番号",
                "交渉記事",
                "納付約束日",
                "納付約束額",
                "納付書発送",
                "発送先住所",
                "口座振替案内",
                "取次先課",
                "対応者ID",
            ],
        )
        self.assertEqual(
            PHONE_COLUMNS,
            ["抽出元", "宛名番号", "債権番号", "電話番号", "種別", "取得方法", "取得日"],
        )

    def test_the_geta_count_is_reported_and_the_xlsx_keeps_the_character(self) -> None:
        out, stdout = self.export()
        self.assertIn(f"{RESULTS}.csv: 11件、〓に置換 1文字", stdout)
        self.assertIn(f"{PHONES}.csv: 2件、〓に置換 0文字", stdout)
        wb = openpyxl.load_workbook(out / f"{RESULTS}.xlsx")
        ws = wb.active
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), RESULT_COLUMNS)
        self.assertEqual(len(rows), 12)
        self.assertTrue(rows[4][8].startswith("𠮷子様本人と通話。"))
        # same content as the CSV, typed: the time as a date-time, amounts as numbers
        self.assertEqual(rows[1][3], datetime(2025, 12, 1, 0, 0))
        self.assertEqual(rows[2][9], "2025/12/10;2026/01/10")
        self.assertEqual(rows[2][10], "20000;30000")
        self.assertEqual(rows[2][8].split("\n")[1], "納付書の再発行を希望、登録住所へ送付。")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        phones = openpyxl.load_workbook(out / f"{PHONES}.xlsx").active
        self.assertEqual(
            [list(r) for r in phones.iter_rows(values_only=True)],
            [
                PHONE_COLUMNS,
                [
                    "統一滞納管理",
                    "1000000002",
                    "U0003",
                    "090-1111-2222",
                    "携帯",
                    "本人聴取",
                    datetime(2025, 12, 1),
                ],
                [
                    "統一滞納管理",
                    "1000000004",
                    "U0004",
                    "03-1234-5678",
                    "勤務先",
                    "調査",
                    datetime(2025, 12, 1),
                ],
            ],
        )

    def test_every_file_is_entered_in_the_register_with_its_hash(self) -> None:
        out, _ = self.export()
        entries = {e.file_name: e for e in DataExchange.objects.all()}
        self.assertEqual(
            sorted(entries),
            sorted([f"{RESULTS}.csv", f"{RESULTS}.xlsx", f"{PHONES}.csv", f"{PHONES}.xlsx"]),
        )
        for name, e in entries.items():
            data = (out / name).read_bytes()
            self.assertEqual(e.direction, "out")
            self.assertEqual(e.sha256, hashlib.sha256(data).hexdigest())
            self.assertEqual(e.size_bytes, len(data))
            self.assertEqual(e.actor, self.mia)
            self.assertEqual(e.rows_read, 11 if name.startswith("架電") else 2)
        self.assertIn("〓に置換 1文字", entries[f"{RESULTS}.csv"].note)
        self.assertEqual(entries[f"{RESULTS}.csv"].kind, "架電結果データ")
        self.assertEqual(entries[f"{PHONES}.csv"].kind, "電話番号情報")
        audit = AuditEvent.objects.get(action="export.results")
        self.assertEqual(
            audit.detail["files"][0], {"name": f"{RESULTS}.csv", "rows": 11, "replaced": 1}
        )

    def test_a_day_without_contacts_gives_files_with_only_the_header(self) -> None:
        out = Path(tempfile.mkdtemp())
        call_command(
            "export", "results", "--date", "2025-12-03", "--out", str(out), stdout=io.StringIO()
        )
        self.assertEqual(
            (out / "架電結果データ_20251203.csv").read_bytes(),
            (",".join(RESULT_COLUMNS) + "\r\n").encode("cp932"),
        )

    def test_bad_arguments_get_a_japanese_message(self) -> None:
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            call_command("export", "results", "--date", "2025/13/01", "--out", "/tmp/x")
        with self.assertRaisesMessage(CommandError, "存在しません"):
            call_command(
                "export", "results", "--date", "2025-12-01", "--out", "/tmp/x", "--user", "nobody"
            )
        self.assertFalse(DataExchange.objects.exists())


class MailingRowTests(BaseTestCase):
    def test_a_mailing_contact_carries_the_address_it_was_sent_to(self) -> None:
        from django.utils import timezone

        from nofu.calls.models import (
            ContactEvent,
            ContactKind,
            ContactResult,
            MailingBatch,
            ReissueStatus,
            SlipReissue,
        )
        from nofu.payers.models import Payer
        from nofu.reports.results import result_rows

        payer = Payer.objects.create(name="発送 花子")
        b = scenario.batch()
        inst = scenario.installment(payer, "M1", b=b, resident="2000000001")
        ask = ContactEvent.objects.create(
            payer=payer,
            kind=ContactKind.OUTBOUND,
            result=ContactResult.REACHED_PAYER,
            at=timezone.now() - timezone.timedelta(days=1),
            operator=self.olivia,
            note="再発行を依頼",
        )
        batch = MailingBatch.objects.create(created_by=self.mia, items=1)
        r = SlipReissue.objects.create(
            payer=payer,
            contact=ask,
            postal_code="260-0001",
            address="千葉市中央区都町1-1",
            addressee="発送 花子",
            flyer_enclosed=True,
            status=ReissueStatus.PRINTED,
            batch=batch,
            created_by=self.olivia,
        )
        r.installments.set([inst])
        mail = ContactEvent.objects.create(
            payer=payer,
            kind=ContactKind.MAIL,
            result=ContactResult.SENT,
            at=timezone.now(),
            operator=self.mia,
            account_transfer_recommended=True,
            note="納付書を発送",
        )
        mail.installments.set([inst])
        (row,) = result_rows(timezone.localdate())
        self.assertEqual(row[4:6], ["発送", "発送済"])
        self.assertEqual(row[11:14], ["有", "〒260-0001 千葉市中央区都町1-1", "有"])
        self.assertEqual(row[:3], ["統一滞納管理", "2000000001", "M1"])


class Cp932Tests(BaseTestCase):
    def test_characters_cp932_cannot_hold_become_geta_and_are_counted(self) -> None:
        self.assertEqual(to_cp932("𠮷野家😀"), ("〓野家〓".encode("cp932"), 2))

    def test_characters_with_a_cp932_twin_are_mapped_not_replaced(self) -> None:
        # wave dash, minus, em dash and broken bar all have a Shift_JIS form
        data, replaced = to_cp932("1〜2−3—4¦")
        self.assertEqual(replaced, 0)
        self.assertEqual(data.decode("cp932"), "1～2－3―4￤")

    def test_ibm_and_nec_extensions_are_kept(self) -> None:
        self.assertEqual(to_cp932("髙﨑①㈱"), ("髙﨑①㈱".encode("cp932"), 0))
