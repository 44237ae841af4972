from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.intake.importer import file_import
from nofu.intake.tests.helpers import UNIFIED_SAMPLE, csv_bytes, row
from nofu.test import BaseTestCase


class PayerSearchTests(BaseTestCase):
    def setUp(self) -> None:
        file_import(
            data=csv_bytes(
                row(
                    key="U1",
                    name="髙木　達哉",
                    kana="ﾀｶｷﾞ ﾀﾂﾔ",
                    resident="7000000001",
                    phone1="080(1111)2222",
                    address="千葉市緑区平山町三丁目二十七番二十四号",
                ),
                row(
                    key="U2",
                    name="山田 花子",
                    kana="ヤマダ ハナコ",
                    resident="7000000002",
                    phone1="",
                ),
            ),
            file_name="t.csv",
            actor=self.mia,
        )
        file_import(data=UNIFIED_SAMPLE.read_bytes(), file_name="u.csv", actor=self.mia)
        self.login(self.olivia)

    def names(self, q: str) -> list[str]:
        r = self.client.get("/payers/", {"q": q})
        self.assertEqual(r.status_code, 200)
        return [p.name for p in r.context["result"].payers]

    def test_name_in_any_width_spacing_or_variant_kanji(self) -> None:
        self.assertIn("髙木　達哉", self.names("高木達哉"))
        self.assertIn("髙木　達哉", self.names("髙木 達哉"))

    def test_reading_in_hiragana_or_half_width(self) -> None:
        self.assertIn("髙木　達哉", self.names("たかぎ　たつや"))
        self.assertIn("髙木　達哉", self.names("ﾀｶｷﾞ"))

    def test_phone_in_any_format(self) -> None:
        self.assertEqual(self.names("０８０－１１１１－２２２２"), ["髙木　達哉"])
        self.assertEqual(self.names("08011112222"), ["髙木　達哉"])

    def test_resident_number(self) -> None:
        self.assertEqual(self.names("7000000002"), ["山田　花子"])

    def test_address(self) -> None:
        self.assertIn("髙木　達哉", self.names("平山町3-27-24"))

    def test_no_hit_says_so_and_search_is_audited(self) -> None:
        r = self.client.get("/payers/", {"q": "存在しない名前"})
        self.assertContains(r, "該当する納付義務者はいません")
        self.assertTrue(
            AuditEvent.objects.filter(action="payer.search", actor=self.olivia).exists()
        )


class MergedAwayPayerTests(BaseTestCase):
    def test_a_payer_left_empty_by_a_merge_is_not_listed(self) -> None:
        from nofu.payers.models import Payer

        Payer.objects.create(name="統合済　太郎", name_key="統合済太郎")
        self.login(self.olivia)
        r = self.client.get("/payers/", {"q": "統合済太郎"})
        self.assertEqual(list(r.context["result"].payers), [])
