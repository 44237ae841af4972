from __future__ import annotations

import io

import openpyxl

from nofu.audit.models import AuditEvent, DataExchange
from nofu.intake.importer import file_import
from nofu.intake.models import BatchStatus, ImportBatch, RowError
from nofu.intake.tests.helpers import (
    HEADER,
    LUNCH_SAMPLE,
    NHI_SAMPLE,
    UNIFIED_SAMPLE,
    csv_bytes,
    row,
)
from nofu.payers.models import Installment, Payer, Payment, Phone
from nofu.test import BaseTestCase


def count_rows(path) -> int:
    return len(path.read_bytes().splitlines()) - 1


class SampleFilesTests(BaseTestCase):
    def test_the_citys_sample_files_import_completely(self) -> None:
        for path in (UNIFIED_SAMPLE, NHI_SAMPLE, LUNCH_SAMPLE):
            batch = file_import(data=path.read_bytes(), file_name=path.name, actor=self.mia)
            self.assertEqual(batch.rows_read, count_rows(path), path.name)
            self.assertEqual(batch.rows_imported + batch.rows_rejected, batch.rows_read)
            self.assertEqual(
                batch.rows_rejected,
                0,
                list(
                    RowError.objects.filter(batch=batch, severity="error").values_list(
                        "row_no", "column", "message"
                    )
                ),
            )
        self.assertEqual(
            Installment.objects.count(),
            sum(count_rows(p) for p in (UNIFIED_SAMPLE, NHI_SAMPLE, LUNCH_SAMPLE)),
        )

    def test_encodings_are_detected(self) -> None:
        cp = file_import(data=UNIFIED_SAMPLE.read_bytes(), file_name="u.csv", actor=self.mia)
        bom = file_import(data=LUNCH_SAMPLE.read_bytes(), file_name="l.csv", actor=self.mia)
        self.assertEqual(cp.encoding, "cp932")
        self.assertEqual(bom.encoding, "utf-8-sig")
        inst = Installment.objects.get(source_system="給食費", receivable_key="Y00000131")
        self.assertEqual(inst.child_name, "高木　翔也")
        self.assertEqual(inst.school_name, "千葉市立稲毛小学校")

    def test_rows_of_one_resident_number_form_one_payer(self) -> None:
        file_import(data=UNIFIED_SAMPLE.read_bytes(), file_name="u.csv", actor=self.mia)
        payer_ids = set(
            Installment.objects.filter(resident_no="7692038103").values_list("payer_id", flat=True)
        )
        self.assertEqual(len(payer_ids), 1)
        payer = Payer.objects.get(pk=payer_ids.pop())
        self.assertEqual(
            payer.total_unpaid,
            sum(Installment.objects.filter(payer=payer).values_list("unpaid", flat=True)),
        )
        corp = Installment.objects.filter(resident_no="8820996718").first()
        self.assertEqual(corp.payer.kind, "corporation")


class ReimportTests(BaseTestCase):
    def test_reimporting_the_same_file_changes_nothing(self) -> None:
        data = UNIFIED_SAMPLE.read_bytes()
        first = file_import(data=data, file_name="u.csv", actor=self.mia)
        n_inst, n_payers, n_phones = (
            Installment.objects.count(),
            Payer.objects.count(),
            Phone.objects.count(),
        )
        second = file_import(data=data, file_name="u.csv", actor=self.mia)
        self.assertEqual(second.rows_inserted, 0)
        self.assertEqual(second.rows_updated, 0)
        self.assertEqual(second.rows_unchanged, first.rows_inserted)
        self.assertEqual(
            (Installment.objects.count(), Payer.objects.count(), Phone.objects.count()),
            (n_inst, n_payers, n_phones),
        )

    def test_an_updated_row_updates_the_earlier_row(self) -> None:
        file_import(
            data=csv_bytes(row(key="U1", unpaid="50000")), file_name="a.csv", actor=self.mia
        )
        inst = Installment.objects.get(receivable_key="U1")
        batch = file_import(
            data=csv_bytes(row(key="U1", unpaid="20000"), row(key="U2")),
            file_name="b.csv",
            actor=self.mia,
        )
        self.assertEqual((batch.rows_inserted, batch.rows_updated), (1, 1))
        inst2 = Installment.objects.get(receivable_key="U1")
        self.assertEqual(inst2.pk, inst.pk)
        self.assertEqual(inst2.unpaid, 20000)
        self.assertEqual(inst2.unpaid_at_handover, 50000)  # the delinquency as first handed over
        self.assertEqual(inst2.payer_id, inst.payer_id)
        self.assertEqual(Payer.objects.get(pk=inst.payer_id).total_unpaid, 20000 + 50000)


class RowErrorTests(BaseTestCase):
    def import_bad_file(self) -> ImportBatch:
        return file_import(
            data=csv_bytes(
                row(key="U1"),
                row(key="U2", code="99"),
                row(key="U3", due="2025-02-30"),
                row(key="U4", unpaid="60000", assessed="50000"),
                row(key="U1", unpaid="1"),
                row(key="U6", phone1="12345"),
                row(key="U7", year="昭和"),
                row(key="U8", assessed="五万円"),
                "統一滞納管理,1,U9,01",
            ),
            file_name="bad.csv",
            actor=self.mia,
        )

    def test_bad_rows_are_reported_and_good_rows_imported(self) -> None:
        batch = self.import_bad_file()
        self.assertEqual(batch.status, BatchStatus.PARTIAL)
        self.assertEqual(batch.rows_read, 9)
        errors = {e.row_no: e for e in RowError.objects.filter(batch=batch, severity="error")}
        self.assertEqual(sorted(errors), [3, 4, 5, 6, 8, 9, 10])
        self.assertIn("科目コード", errors[3].column)
        self.assertIn("99", errors[3].message)
        self.assertEqual(errors[4].column, "納期限")
        self.assertIn("調定額", errors[5].message)
        self.assertIn("2行目", errors[6].message)  # duplicate key in one file
        self.assertEqual(errors[8].column, "年度")
        self.assertEqual(errors[9].column, "調定額")
        self.assertIn("列の数", errors[10].message)
        self.assertEqual(
            sorted(Installment.objects.values_list("receivable_key", flat=True)), ["U1", "U6"]
        )
        self.assertEqual(
            Installment.objects.get(receivable_key="U1").unpaid, 50000
        )  # the first row won
        self.assertEqual(batch.rows_rejected, 7)

    def test_an_unreadable_phone_is_a_warning_and_the_row_is_kept(self) -> None:
        batch = self.import_bad_file()
        warning = RowError.objects.get(batch=batch, row_no=7)
        self.assertEqual(warning.severity, "warning")
        self.assertEqual(warning.column, "電話番号1")
        inst = Installment.objects.get(receivable_key="U6")
        self.assertEqual(inst.phone1, "")
        self.assertEqual(inst.raw["電話番号1"], "12345")  # nothing is lost

    def test_error_list_downloads_as_csv(self) -> None:
        batch = self.import_bad_file()
        self.login(self.mia)
        r = self.client.get(f"/intake/{batch.pk}/errors.csv")
        text = r.content.decode("utf-8-sig")
        self.assertIn("行番号,列,値,区分,内容", text)
        self.assertIn("科目コード「99」は不明です", text)


class UnusableFileTests(BaseTestCase):
    def assert_rejected(self, data: bytes, message: str) -> ImportBatch:
        batch = file_import(data=data, file_name="x.csv", actor=self.mia)
        self.assertEqual(batch.status, BatchStatus.REJECTED)
        self.assertIn(message, batch.file_error)
        self.assertEqual(Installment.objects.count(), 0)
        self.assertEqual(Payer.objects.count(), 0)
        entry = DataExchange.objects.get(file_name="x.csv")
        self.assertEqual(entry.status, "取込不可")
        return batch

    def test_missing_required_columns(self) -> None:
        header = HEADER.replace("債権番号,", "").replace("納期限,", "")
        self.assert_rejected(
            csv_bytes("a", header=header), "必須の列がありません: 債権番号、納期限"
        )

    def test_not_a_table(self) -> None:
        self.assert_rejected(
            "これは表ではありません\r\n".encode("cp932"), "表形式のデータではありません"
        )

    def test_unknown_encoding(self) -> None:
        self.assert_rejected(csv_bytes(row(), encoding="utf-16"), "文字コード")

    def test_empty_file(self) -> None:
        self.assert_rejected(b"", "ファイルが空です")


class FormatTests(BaseTestCase):
    def test_xlsx_first_sheet(self) -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER.split(","))
        ws.append(row(key="X1").split(","))
        values = row(key="X2").split(",")
        values[3] = 1  # 科目コード typed as a number loses its leading zero in Excel
        values[8] = 50000
        ws.append(values)
        buf = io.BytesIO()
        wb.save(buf)
        batch = file_import(data=buf.getvalue(), file_name="x.xlsx", actor=self.mia)
        self.assertEqual(batch.rows_rejected, 0)
        self.assertEqual(batch.encoding, "xlsx")
        self.assertEqual(Installment.objects.get(receivable_key="X2").subject_code, "01")

    def test_unknown_columns_are_kept(self) -> None:
        batch = file_import(
            data=csv_bytes(row(extra="メモ,ABC001"), header=HEADER + ",担当者コード"),
            file_name="x.csv",
            actor=self.mia,
        )
        self.assertEqual(batch.rows_rejected, 0)
        inst = Installment.objects.get()
        self.assertEqual(inst.raw["担当者コード"], "ABC001")

    def test_register_and_audit_record_the_file(self) -> None:
        data = UNIFIED_SAMPLE.read_bytes()
        batch = file_import(data=data, file_name="統一.csv", actor=self.mia)
        entry = DataExchange.objects.get(file_name="統一.csv")
        import hashlib

        self.assertEqual(entry.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(entry.direction, "in")
        self.assertEqual(entry.rows_read, batch.rows_read)
        self.assertEqual(entry.rows_imported, batch.rows_imported)
        self.assertEqual(entry.actor, self.mia)
        self.assertTrue(
            AuditEvent.objects.filter(action="import", target_id=str(batch.pk)).exists()
        )


PAY_HEADER = "抽出元,債権番号,収納日,収納額,収納方法"


class PaymentImportTests(BaseTestCase):
    def test_payments_import_once_and_link_to_installments(self) -> None:
        file_import(data=csv_bytes(row(key="U1")), file_name="t.csv", actor=self.mia)
        data = csv_bytes(
            "統一滞納管理,U1,2025-07-10,10000,コンビニ",
            "統一滞納管理,U1,2025-07-10,10000,コンビニ",
            "統一滞納管理,U404,2025-07-11,500,窓口",
            "統一滞納管理,U1,2025-07-12,abc,窓口",
            header=PAY_HEADER,
        )
        first = file_import(data=data, file_name="pay.csv", actor=self.mia)
        self.assertEqual(first.kind, "payments")
        self.assertEqual(first.rows_inserted, 3)
        self.assertEqual(first.rows_rejected, 1)
        self.assertEqual(Payment.objects.filter(installment__receivable_key="U1").count(), 2)
        self.assertTrue(
            RowError.objects.filter(batch=first, severity="warning", value="U404").exists()
        )
        second = file_import(data=data, file_name="pay.csv", actor=self.mia)
        self.assertEqual(second.rows_inserted, 0)
        self.assertEqual(Payment.objects.count(), 3)


class PaymentsSettlePromisesTests(BaseTestCase):
    def test_a_payments_import_settles_promises_that_are_due(self) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from nofu.calls.models import ContactEvent, PaymentPromise

        file_import(
            data=csv_bytes(row(key="U1", unpaid="30000")), file_name="t.csv", actor=self.mia
        )
        inst = Installment.objects.get(receivable_key="U1")
        today = timezone.localdate()
        contact = ContactEvent.objects.create(
            payer=inst.payer,
            kind="outbound",
            result="reached_payer",
            at=timezone.now() - timedelta(days=20),
            operator=self.olivia,
            note="本人と通話。",
        )
        promised = today - timedelta(days=10)
        promise = PaymentPromise.objects.create(
            payer=inst.payer,
            contact=contact,
            promised_on=promised,
            amount=30000,
            created_by=self.olivia,
            unpaid_at_promise=30000,
        )
        promise.installments.add(inst)
        data = csv_bytes(
            f"統一滞納管理,U1,{promised.isoformat()},30000,コンビニ", header=PAY_HEADER
        )
        file_import(data=data, file_name="pay.csv", actor=self.mia)
        promise.refresh_from_db()
        self.assertEqual(promise.status, "kept")
        self.assertEqual(promise.paid_amount, 30000)


class SlicedFileTests(BaseTestCase):
    """A large file is read and imported slice by slice; what the user sees is the same
    as for a file read whole (cut here into slices of a few rows and blocks of bytes)."""

    def import_in_slices(self, data: bytes) -> ImportBatch:
        from unittest import mock

        with (
            mock.patch("nofu.intake.importer.CHUNK_ROWS", 2),
            mock.patch("nofu.lib.readers.BLOCK", 300),
        ):
            return file_import(data=data, file_name="big.csv", actor=self.mia)

    def test_a_key_repeated_in_a_later_slice_keeps_its_first_row(self) -> None:
        batch = self.import_in_slices(
            csv_bytes(
                row(key="U1", unpaid="50000"),
                row(key="U2"),
                row(key="U3", name='"山田,太郎"'),
                "統一滞納管理,1,U9,01",
                row(key="U4"),
                row(key="Ｕ１", unpaid="1"),  # the same key once normalized
                row(key="U5"),
            )
        )
        errors = {e.row_no: e for e in RowError.objects.filter(batch=batch, severity="error")}
        self.assertEqual(sorted(errors), [5, 7])
        self.assertIn("列の数", errors[5].message)
        self.assertIn("2行目", errors[7].message)
        self.assertEqual((batch.rows_read, batch.rows_rejected), (7, 2))
        self.assertEqual(
            sorted(Installment.objects.values_list("receivable_key", flat=True)),
            ["U1", "U2", "U3", "U4", "U5"],
        )
        self.assertEqual(Installment.objects.get(receivable_key="U1").unpaid, 50000)
        self.assertEqual(Installment.objects.get(receivable_key="U5").row_no, 8)
        self.assertEqual(Installment.objects.get(receivable_key="U3").name, "山田,太郎")

    def test_a_key_read_as_the_same_key_once_stripped_is_a_repeated_key(self) -> None:
        # the key parser strips as Python does: the unit separator too, not only spaces
        batch = self.import_in_slices(
            csv_bytes(row(key="U1"), row(key="U2"), row(key="U3"), row(key="U1\x1f"))
        )
        errors = RowError.objects.filter(batch=batch, severity="error")
        self.assertEqual([(e.row_no, "2行目" in e.message) for e in errors], [(5, True)])
        self.assertEqual(Installment.objects.count(), 3)

    def test_rows_of_one_resident_number_in_several_slices_form_one_payer(self) -> None:
        self.import_in_slices(
            csv_bytes(*(row(key=f"U{i}", resident="1111111111") for i in range(7)))
        )
        self.assertEqual(Payer.objects.count(), 1)
        self.assertEqual(Payer.objects.get().total_unpaid, 7 * 50000)

    def test_a_failed_write_of_a_slice_leaves_nothing_of_the_file(self) -> None:
        from unittest import mock

        from nofu.intake import bulk

        run = bulk.Copy.run
        slices: list[str] = []

        def failing(step: bulk.Copy, cur: object) -> None:
            if step.table == "payers_installment":
                slices.append(step.table)
                if len(slices) == 2:
                    raise RuntimeError("disk full")
            run(step, cur)

        # the second slice's installments fail while the third slice is being read
        with mock.patch.object(bulk.Copy, "run", failing), self.assertRaises(RuntimeError):
            self.import_in_slices(csv_bytes(*(row(key=f"U{i}") for i in range(7))))
        self.assertEqual((Installment.objects.count(), Payer.objects.count()), (0, 0))

    def test_an_unusable_file_imports_nothing(self) -> None:
        data = csv_bytes(*(row(key=f"U{i}") for i in range(7))) + "（壊れた行）".encode("utf-16")
        batch = self.import_in_slices(data)
        self.assertEqual(batch.status, BatchStatus.REJECTED)
        self.assertIn("文字コード", batch.file_error)
        self.assertEqual(Installment.objects.count(), 0)
