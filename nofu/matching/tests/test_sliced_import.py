"""A large file is assigned payers slice by slice (payers new in the file are written
once, at its end, with their totals): what the user sees is what the rows say."""

from __future__ import annotations

from unittest import mock

from nofu.intake.importer import file_import
from nofu.intake.models import ImportBatch
from nofu.matching import engine
from nofu.matching.models import PayerChange
from nofu.matching.tests.helpers import OTHER_HEADER, import_background, other, payer_of
from nofu.payers.models import Installment, Payer
from nofu.test import BaseTestCase

# X and Y are not surely one person (different places and phones, Y has no birth date);
# Z shares X's address and Y's mobile number: all three are one payer
X = other("国保返納金", "TK0", "蜂須賀　正勝", "ハチスカ マサカツ", "1989/10/02",
          address="千葉県千葉市緑区平山町3丁目27番24号", phone1="043-650-0651")  # fmt: skip
Y = other("国保返納金", "TK1", "蜂須賀正勝", "ハチスカマサカツ", address="千葉市中央区富士見2-2-2",
          phone1="080-5330-6926", unpaid=0)  # fmt: skip
Z = other("国保返納金", "TK2", "蜂須賀正勝", "ハチスカマサカツ", address="平山町３－２７－２４",
          phone1="080(5330)6926", unpaid=7000)  # fmt: skip


def import_sliced(actor: object, *rows: str, rows_per_slice: int = 1) -> ImportBatch:
    data = ("\r\n".join([OTHER_HEADER, *rows]) + "\r\n").encode("cp932")
    with mock.patch("nofu.intake.importer.CHUNK_ROWS", rows_per_slice):
        return file_import(data=data, file_name="big.csv", actor=actor)


def totals_agree() -> None:
    for payer in Payer.objects.all():
        rows = list(payer.installments.values_list("unpaid", "account_transfer"))
        assert payer.total_unpaid == sum(u for u, _ in rows), payer
        assert payer.open_installments == sum(1 for u, _ in rows if u > 0), payer
        assert payer.account_transfer == any(t for _, t in rows), payer


class SlicedAssignmentTests(BaseTestCase):
    def setUp(self) -> None:
        engine.forget()
        self.addCleanup(engine.forget)
        import_background(self.mia)

    def test_rows_of_one_person_in_several_slices_are_one_payer_with_the_right_totals(
        self,
    ) -> None:
        transfer = other("国保返納金", "TK3", "蜂須賀正勝", "ハチスカマサカツ", "1989/10/02",
                         address="千葉県千葉市緑区平山町3丁目27番24号", phone1="043-650-0651")  # fmt: skip
        transfer = transfer.replace(",無,", ",有,")
        import_sliced(
            self.mia, X, other("給食費", "TY9", "別人　花子", "ベツジン ハナコ"), transfer
        )
        self.assertEqual(payer_of("TK3"), payer_of("TK0"))
        payer = payer_of("TK0")
        self.assertEqual((payer.total_unpaid, payer.open_installments), (9000, 2))
        self.assertTrue(payer.account_transfer)
        totals_agree()

    def test_a_row_joining_payers_of_earlier_slices_merges_them(self) -> None:
        import_sliced(self.mia, X, Y, Z)
        payer = payer_of("TK0")
        self.assertEqual({payer_of("TK1"), payer_of("TK2")}, {payer})
        change = PayerChange.objects.get(kind="merge")
        self.assertTrue(change.automatic)
        self.assertEqual(change.other.installments.count(), 0)
        self.assertEqual((payer.total_unpaid, payer.open_installments), (4500 + 7000, 2))
        totals_agree()

    def test_rows_without_birth_dates_matched_a_few_at_a_time_make_the_same_payers(self) -> None:
        with mock.patch("nofu.intake.importer.NO_BIRTH_DATE_ROWS", 1):
            batch = import_sliced(self.mia, X, Y, Z, rows_per_slice=100)
        self.assertEqual(batch.rows_inserted, 3)
        self.assertEqual({payer_of("TK1"), payer_of("TK2")}, {payer_of("TK0")})
        totals_agree()

    def test_the_same_file_again_changes_nothing(self) -> None:
        import_sliced(self.mia, X, Y, Z, rows_per_slice=2)
        before = dict(Installment.objects.values_list("receivable_key", "payer_id"))
        payers = Payer.objects.count()
        batch = import_sliced(self.mia, X, Y, Z, rows_per_slice=2)
        self.assertEqual((batch.rows_unchanged, batch.rows_inserted), (3, 0))
        self.assertEqual(
            dict(Installment.objects.values_list("receivable_key", "payer_id")), before
        )
        self.assertEqual(Payer.objects.count(), payers)
        totals_agree()
