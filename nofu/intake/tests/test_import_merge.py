"""A re-sent row in the same file as a row that makes the engine merge two payers."""

from __future__ import annotations

from nofu.matching import engine
from nofu.matching.tests.helpers import import_background, import_rows, other, payer_of, unified
from nofu.payers.assign import ResidentNoAssigner
from nofu.payers.models import Phone
from nofu.test import BaseTestCase

HOME = dict(address="千葉県千葉市緑区平山町3丁目27番24号", phone1="080-5330-6926")


def takagi(key: str) -> str:
    return unified(key, "髙木　達哉", "タカギ タツヤ", "1989/10/02", resident="8676169212", **HOME)


def lunch(key: str, **kw: str) -> str:
    fields = dict(
        address="平山町３－２７－２４", phone1="(043)650-0651", phone2="080(5330)6926",
        child="高木　翔也", school="千葉市立稲毛小学校",
    ) | kw  # fmt: skip
    return other("給食費", key, "高木達哉", "タカギタツヤ", **fields)


class ChangedRowBesideAnAutomaticMergeTests(BaseTestCase):
    def setUp(self) -> None:
        engine.forget()
        import_background(self.mia)
        # grouped by 宛名番号 only: one person, two payers (the lunch row has no 宛名番号)
        import_rows(self.mia, takagi("TU1"), assigner=ResidentNoAssigner())
        import_rows(self.mia, lunch("TY1"), assigner=ResidentNoAssigner())
        self.assertNotEqual(payer_of("TU1"), payer_of("TY1"))

    def test_the_changed_rows_new_phone_goes_to_the_payer_it_was_merged_into(self) -> None:
        batch = import_rows(self.mia, lunch("TY1", phone1="090-1234-5678"), lunch("TY2"))
        self.assertEqual((batch.rows_inserted, batch.rows_updated), (1, 1))
        payer = payer_of("TU1")
        self.assertEqual({payer_of("TY1"), payer_of("TY2")}, {payer})
        phone = Phone.objects.get(number="09012345678")
        self.assertEqual(phone.payer_id, payer.pk)
        payer.refresh_from_db()
        self.assertEqual(
            payer.total_unpaid, sum(payer.installments.values_list("unpaid", flat=True))
        )
