"""The payer page's 「名寄せの根拠」: the links that joined the rows, history, buttons."""

from __future__ import annotations

from nofu.matching import engine
from nofu.matching.tests.helpers import import_background, import_rows, other, payer_of, unified
from nofu.payers.actions import payer_split
from nofu.test import BaseTestCase


class PayerPageSectionTests(BaseTestCase):
    def setUp(self) -> None:
        engine.forget()
        import_background(self.mia)
        import_rows(
            self.mia,
            unified("TU1", "髙木　達哉", "タカギ タツヤ", "1989/10/02", resident="8676169212",
                    address="千葉県千葉市緑区平山町3丁目27番24号", phone1="080-5330-6926"),
        )  # fmt: skip
        import_rows(
            self.mia,
            other("給食費", "TY1", "高木達哉", "タカギタツヤ", address="平山町３－２７－２４",
                  phone1="(043)650-0651", phone2="080(5330)6926"),
        )  # fmt: skip
        self.payer = payer_of("TU1")

    def test_links_and_reasons_that_joined_the_rows(self) -> None:
        self.login(self.olivia)
        r = self.client.get(f"/payers/{self.payer.pk}/")
        self.assertContains(r, "名寄せの根拠")
        self.assertContains(r, "8676169212")
        self.assertContains(r, "給食費 TY1")
        self.assertContains(r, "電話番号")
        self.assertNotContains(r, "分割…")  # operators do not split or merge

    def test_supervisor_sees_split_and_merge_and_history(self) -> None:
        lunch = self.payer.installments.get(receivable_key="TY1")
        new = payer_split(
            actor=self.sam, payer=self.payer, installment_ids=[lunch.pk], reason="別人"
        )
        self.login(self.sam)
        r = self.client.get(f"/payers/{self.payer.pk}/")
        self.assertContains(r, "分割…")
        self.assertContains(r, "この納付義務者と統合")
        self.assertContains(r, f"{new.payer_no}</a> に期別を分割")
