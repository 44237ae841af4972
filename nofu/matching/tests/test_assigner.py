"""The matching engine assigns payers on import: people join across systems, and only them."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.matching import engine
from nofu.matching.actions import review_decide
from nofu.matching.models import MatchDecision, PayerChange, ReviewPair, ReviewStatus
from nofu.matching.tests.helpers import (
    import_background,
    import_rows,
    other,
    payer_of,
    unified,
)
from nofu.payers.actions import payer_split
from nofu.payers.assign import ResidentNoAssigner, default_assigner
from nofu.payers.models import Installment, Payer
from nofu.test import BaseTestCase

TAKAGI = dict(address="千葉県千葉市緑区平山町3丁目27番24号", phone1="080-5330-6926")


def takagi(key: str = "TU1") -> str:
    return unified(
        key, "髙木　達哉", "タカギ タツヤ", "1989/10/02", resident="8676169212", **TAKAGI
    )


def lunch(key: str = "TY1", **kw: str) -> str:
    fields = dict(
        address="平山町３－２７－２４", phone1="(043)650-0651", phone2="080(5330)6926",
        child="高木　翔也", school="千葉市立稲毛小学校",
    ) | kw  # fmt: skip
    return other("給食費", key, "高木達哉", "タカギタツヤ", **fields)


def owed(payer: Payer) -> int:
    payer.refresh_from_db()
    return sum(payer.installments.values_list("unpaid", flat=True))


def change_other_total() -> int:
    return PayerChange.objects.get(kind="merge").other.total_unpaid


class AssignerTests(BaseTestCase):
    def setUp(self) -> None:
        engine.forget()
        import_background(self.mia)

    def test_the_engine_is_the_default(self) -> None:
        self.assertEqual(type(default_assigner()).__name__, "MatchingAssigner")

    def test_school_lunch_row_without_resident_number_joins_the_unified_payer(self) -> None:
        import_rows(self.mia, takagi())
        import_rows(self.mia, lunch())
        payer = payer_of("TU1")
        self.assertEqual(payer_of("TY1"), payer)
        self.assertEqual(payer.total_unpaid, owed(payer))  # the sample file's rows, and these
        self.assertIn("髙木", payer.name)  # the unified system's row names the payer

    def test_rows_of_one_file_join_each_other_too(self) -> None:
        import_rows(
            self.mia,
            other("国保返納金", "K1", "佐々木　健", "ササキ ケン", "1975/03/03",
                  address="千葉市稲毛区小仲台2丁目3番4号", phone1="090-7777-1234"),
            other("国保返納金", "K2", "佐々木 健", "ｻｻｷ ｹﾝ", "昭和50年3月3日",
                  address="稲毛区小仲台2-3-4", phone1="09077771234"),
        )  # fmt: skip
        self.assertEqual(payer_of("K1"), payer_of("K2"))

    def test_twins_and_a_same_name_same_birth_pair_stay_apart(self) -> None:
        import_rows(
            self.mia,
            unified("TU2", "佐藤　翔太", "サトウ ショウタ", "2001/04/05", resident="8600000001",
                    address="千葉市花見川区幕張町2丁目5番1号", phone1="043-111-2222"),
            unified("TU3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", resident="8600000003",
                    address="千葉市中央区富士見1丁目1番1号", phone1="090-1111-0001"),
        )  # fmt: skip
        import_rows(
            self.mia,
            # the twin brother: same birth date, address and landline, another given name
            other("国保返納金", "TK1", "佐藤　大翔", "サトウ ヒロト", "2001/04/05",
                  address="千葉市花見川区幕張町2丁目5番1号", phone1="043-111-2222"),
            # the same name and birth date, elsewhere in the city with another phone
            other("国保返納金", "TK2", "鈴木　一郎", "スズキ イチロウ", "1980/01/01",
                  address="千葉市緑区おゆみ野3丁目1番1号", phone1="090-9999-0002"),
        )  # fmt: skip
        self.assertNotEqual(payer_of("TU2"), payer_of("TK1"))
        self.assertNotEqual(payer_of("TU3"), payer_of("TK2"))
        # the namesakes are worth a look by a person: one review pair, both records named
        pair = ReviewPair.objects.get()
        self.assertEqual(
            {(pair.a_source, pair.a_key), (pair.b_source, pair.b_key)},
            {("統一滞納管理", "TU3"), ("国保返納金", "TK2")},
        )
        self.assertIn("生年月日: 一致", pair.reasons)
        self.assertEqual(pair.status, ReviewStatus.OPEN)

    def test_a_review_pair_is_asked_once_and_never_again_once_decided(self) -> None:
        import_rows(
            self.mia,
            unified("TU3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", resident="8600000003",
                    address="千葉市中央区富士見1丁目1番1号", phone1="090-1111-0001"),
        )  # fmt: skip
        namesake = dict(address="千葉市緑区おゆみ野3丁目1番1号", phone1="090-9999-0002")
        import_rows(
            self.mia,
            other("国保返納金", "TK2", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", **namesake),
        )
        review = ReviewPair.objects.get()
        review_decide(actor=self.sam, review=review, verdict="different", reason="別人と確認")
        import_rows(
            self.mia,
            other("国保返納金", "TK3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", **namesake),
        )
        self.assertEqual(payer_of("TK3"), payer_of("TK2"))
        self.assertNotEqual(payer_of("TK3"), payer_of("TU3"))
        self.assertEqual(ReviewPair.objects.count(), 1)  # not asked again
        self.assertEqual(ReviewPair.objects.get().status, ReviewStatus.DIFFERENT)

    def test_a_remembered_different_is_respected_on_the_next_import(self) -> None:
        import_rows(self.mia, takagi())
        import_rows(self.mia, lunch())
        payer = payer_of("TU1")
        lunch_row = Installment.objects.get(receivable_key="TY1")
        new = payer_split(
            actor=self.sam,
            payer=payer,
            installment_ids=[lunch_row.pk],
            reason="保護者は同姓同名の別人",
        )
        self.assertTrue(MatchDecision.objects.filter(same=False).exists())
        # the next month's lunch bill of the same guardian, and another unified row
        import_rows(self.mia, lunch("TY2"))
        import_rows(self.mia, takagi("TU9"))
        self.assertEqual(payer_of("TY2"), new)
        self.assertEqual(payer_of("TU9"), payer)
        self.assertNotEqual(payer_of("TY1"), payer_of("TU1"))
        self.assertFalse(PayerChange.objects.filter(kind="merge").exists())

    def test_a_remembered_same_is_respected_on_the_next_import(self) -> None:
        import_rows(
            self.mia,
            unified("TU3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", resident="8600000003",
                    address="千葉市中央区富士見1丁目1番1号", phone1="090-1111-0001"),
        )  # fmt: skip
        moved = dict(address="千葉市緑区おゆみ野3丁目1番1号", phone1="090-9999-0002")
        import_rows(
            self.mia,
            other("国保返納金", "TK2", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", **moved),
        )
        review_decide(
            actor=self.sam, review=ReviewPair.objects.get(), verdict="same", reason="転居を確認"
        )
        payer = payer_of("TU3")
        self.assertEqual(payer_of("TK2"), payer)
        engine.forget()  # a later process: the state is rebuilt from the database
        import_rows(
            self.mia,
            other("国保返納金", "TK4", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", **moved),
        )
        self.assertEqual(payer_of("TK4"), payer)
        self.assertEqual(payer_of("TK2"), payer)
        self.assertEqual(ReviewPair.objects.filter(status__in=["open", "later"]).count(), 0)

    def test_reimport_keeps_payers(self) -> None:
        rows = (takagi(), takagi("TU2").replace(",01,", ",02,"))
        import_rows(self.mia, *rows)
        import_rows(self.mia, lunch())
        before = dict(Installment.objects.values_list("receivable_key", "payer_id"))
        payers = Payer.objects.count()
        batch = import_rows(self.mia, *rows)
        self.assertEqual(batch.rows_unchanged, 2)
        self.assertEqual(
            dict(Installment.objects.values_list("receivable_key", "payer_id")), before
        )
        self.assertEqual(Payer.objects.count(), payers)

    def test_a_new_bill_written_exactly_like_a_known_one_joins_its_payer(self) -> None:
        import_rows(self.mia, takagi())
        import_rows(self.mia, takagi("TU9"))  # every identity field as before, a new 債権番号
        self.assertEqual(payer_of("TU9"), payer_of("TU1"))
        self.assertFalse(AuditEvent.objects.filter(action="matching.fallback").exists())

    def test_a_new_row_that_surely_joins_two_payers_merges_them_with_an_audit_row(self) -> None:
        # both rows came with the old assigner (宛名番号 only): two payers for one person
        import_rows(self.mia, takagi(), assigner=ResidentNoAssigner())
        import_rows(self.mia, lunch(), assigner=ResidentNoAssigner())
        self.assertNotEqual(payer_of("TU1"), payer_of("TY1"))
        import_rows(self.mia, lunch("TY2"))
        payer = payer_of("TU1")
        self.assertEqual({payer_of("TY1"), payer_of("TY2")}, {payer})
        self.assertEqual(payer.total_unpaid, owed(payer))
        self.assertEqual(change_other_total(), 0)
        change = PayerChange.objects.get(kind="merge")
        self.assertTrue(change.automatic)
        self.assertEqual(change.payer, payer)
        self.assertIn("自動名寄せ", change.reason)
        event = AuditEvent.objects.get(action="payer.merge")
        self.assertEqual(event.target_id, str(payer.pk))
        self.assertEqual(change.other.installments.count(), 0)  # kept, empty, says where it went
        self.assertFalse(MatchDecision.objects.exists())  # the engine's own: not a person's
