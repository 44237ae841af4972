"""The engine's state is saved after commit, loaded by a later process, caught up when the
database has rows it lacks, and dropped when the transaction that changed it rolls back."""

from __future__ import annotations

import shutil

from django.db import transaction

from nofu.matching import engine
from nofu.matching.models import EngineState
from nofu.matching.tests.helpers import import_background, import_rows, other, payer_of, unified
from nofu.payers.assign import ResidentNoAssigner
from nofu.test import BaseTestCase

TAKAGI_LUNCH = dict(address="平山町３－２７－２４", phone1="(043)650-0651", phone2="080(5330)6926")


class EngineStateTests(BaseTestCase):
    def setUp(self) -> None:
        engine.forget()
        self.addCleanup(engine.forget)

    def tearDown(self) -> None:
        for token in EngineState.objects.values_list("token", flat=True):
            if token:
                shutil.rmtree(engine.state_root() / token, ignore_errors=True)

    def test_saved_after_commit_and_loaded_by_a_later_process(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            import_background(self.mia)
        row = EngineState.objects.get()
        self.assertTrue((engine.state_root() / row.token / "nofu.json").exists())
        self.assertEqual(row.records, 119)
        engine.forget()  # another process
        import_rows(self.mia, other("給食費", "TY1", "高木達哉", "タカギタツヤ", **TAKAGI_LUNCH))
        self.assertEqual(payer_of("TY1"), payer_of("U00000087"))

    def test_rows_added_by_another_path_are_caught_up(self) -> None:
        import_background(self.mia)
        import_rows(
            self.mia,
            unified("TU5", "山本　健", "ヤマモト ケン", "1970/02/02", resident="8600000055",
                    address="千葉市若葉区貝塚2丁目1番1号", phone1="090-5555-0055"),
            assigner=ResidentNoAssigner(),
        )  # fmt: skip
        import_rows(
            self.mia,
            other("国保返納金", "TK5", "山本　健", "ﾔﾏﾓﾄ ｹﾝ", "1970/02/02",
                  address="若葉区貝塚2-1-1", phone1="09055550055"),
        )  # fmt: skip
        self.assertEqual(payer_of("TK5"), payer_of("TU5"))

    def test_a_rolled_back_import_leaves_nothing_behind(self) -> None:
        import_background(self.mia)
        try:
            with transaction.atomic():
                import_rows(
                    self.mia, other("給食費", "TY1", "高木達哉", "タカギタツヤ", **TAKAGI_LUNCH)
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        # the same key again: the engine must not think it knows it already
        import_rows(self.mia, other("給食費", "TY1", "高木達哉", "タカギタツヤ", **TAKAGI_LUNCH))
        self.assertEqual(payer_of("TY1"), payer_of("U00000087"))
