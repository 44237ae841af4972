"""`nofu matching reconcile` applies the engine to payers made by 宛名番号 only."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from nofu.matching import engine
from nofu.matching.models import PayerChange
from nofu.matching.tests.helpers import import_background, import_rows, other, payer_of, unified
from nofu.payers.assign import ResidentNoAssigner
from nofu.test import BaseTestCase


class ReconcileTests(BaseTestCase):
    def test_reconcile_merges_what_the_engine_is_sure_of_and_queues_the_rest(self) -> None:
        engine.forget()
        old = ResidentNoAssigner()
        import_background(self.mia)
        import_rows(
            self.mia,
            unified("TU3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", resident="8600000003",
                    address="千葉市中央区富士見1丁目1番1号", phone1="090-1111-0001"),
            assigner=old,
        )  # fmt: skip
        import_rows(
            self.mia,
            other("給食費", "TY1", "高木達哉", "タカギタツヤ", address="平山町３－２７－２４",
                  phone1="(043)650-0651", phone2="080(5330)6926"),
            other("国保返納金", "TK2", "鈴木　一郎", "スズキ イチロウ", "1980/01/01",
                  address="千葉市緑区おゆみ野3丁目1番1号", phone1="090-9999-0002"),
            assigner=old,
        )  # fmt: skip
        self.assertNotEqual(payer_of("TY1"), payer_of("U00000087"))
        out = StringIO()
        call_command("matching", "reconcile", stdout=out)
        self.assertEqual(payer_of("TY1"), payer_of("U00000087"))  # 髙木 達哉 of the sample file
        self.assertTrue(PayerChange.objects.filter(automatic=True).exists())
        self.assertIn("確認待ちに追加 1組", out.getvalue())
        call_command("matching", "status", stdout=out)
        self.assertIn("確認待ち 1組", out.getvalue())
