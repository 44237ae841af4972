from __future__ import annotations

from unittest.mock import patch

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

    def test_a_payer_merged_into_another_is_not_listed(self) -> None:
        from nofu.payers.actions import payer_merge
        from nofu.payers.models import Payer

        keep = Payer.objects.get(installments__resident_no="7000000001")
        other = Payer.objects.get(installments__resident_no="7000000002")
        before = self.names("山田花子")
        self.assertIn("山田　花子", before)
        payer_merge(actor=self.sam, keep=keep, other=other, reason="同一人と確認")
        # the merged-away payer keeps its name but has nothing left: listed no more
        self.assertEqual(len(self.names("山田花子")), len(before) - 1)
        self.assertEqual(self.names("7000000002"), ["髙木　達哉"])

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


class RankingAndFallbackTests(BaseTestCase):
    """What a user sees when many payers match, and for queries that are not a plain prefix."""

    def setUp(self) -> None:
        rows = [
            row(
                key=f"S{i}",
                name=f"佐藤　{'一二三四五六七八九'[i % 9]}{'郎助吉男介平蔵作治'[i // 9]}",
                kana="サトウ タロウ",
                birth=f"19{50 + i}/03/0{1 + i % 9}",
                resident=f"80000000{i:02d}",
                unpaid=str(1000 * (i + 1)),
                assessed=str(1000 * (i + 1)),
                phone1=f"043-300-{i:04d}",
                address=f"千葉市中央区千葉港{i + 1}-1",
            )
            for i in range(55)
        ]
        rows.append(
            row(
                key="P1",
                name="鈴木　一郎",
                kana="スズキ イチロウ",
                birth="1970/05/05",
                resident="9000000001",
                unpaid="0",
                phone1="090-1234-5678",
                address="千葉市緑区平山町三丁目二十七番二十四号",
            )
        )
        rows.append(
            row(
                key="P2",
                name="田村　花",
                kana="タムラ ハナ",
                birth="1975/06/06",
                resident="0901234",  # a 宛名番号 that looks like the start of a phone number
                unpaid="70000",
                assessed="70000",
                phone1="",
                address="千葉市美浜区幕張西3-21-14",
            )
        )
        file_import(data=csv_bytes(*rows), file_name="r.csv", actor=self.mia)
        self.login(self.olivia)

    def result(self, q: str):  # type: ignore[no-untyped-def]
        r = self.client.get("/payers/", {"q": q})
        self.assertEqual(r.status_code, 200)
        return r.context["result"]

    def test_many_matches_highest_unpaid_first_and_cut_at_fifty(self) -> None:
        from nofu.payers.models import Payer

        self.assertEqual(Payer.objects.filter(name__startswith="佐藤").count(), 55)
        res = self.result("佐藤")
        totals = [p.total_unpaid for p in res.payers]
        self.assertEqual(len(totals), 50)
        self.assertTrue(res.truncated)
        self.assertEqual(totals, sorted(totals, reverse=True))
        self.assertEqual(totals[0], 55000)
        self.assertEqual(totals[-1], 6000)

    def test_a_broad_address_is_ranked_by_unpaid_while_few_match(self) -> None:
        res = self.result("中央区")
        totals = [p.total_unpaid for p in res.payers]
        self.assertFalse(res.broad)
        self.assertEqual(totals, sorted(totals, reverse=True))
        self.assertEqual(totals[0], 55000)

    def test_too_many_matches_are_listed_in_address_order_and_the_page_says_so(self) -> None:
        from nofu.payers.models import Address

        with patch("nofu.payers.search.BROAD", 10):
            r = self.client.get("/payers/", {"q": "中央区"})
        res = r.context["result"]
        self.assertTrue(res.broad and res.truncated)
        self.assertEqual(len(res.payers), 50)
        by_key = sorted(Address.objects.filter(key__contains="中央区"), key=lambda a: a.key)
        self.assertEqual([p.pk for p in res.payers], [a.payer_id for a in by_key][:50])
        self.assertContains(r, "該当が多いため")

    def test_too_many_phones_keep_the_exact_resident_number_first(self) -> None:
        with patch("nofu.payers.search.BROAD", 0):
            res = self.result("090-1234")
        self.assertTrue(res.broad)
        self.assertEqual([p.name for p in res.payers], ["田村　花", "鈴木　一郎"])

    def test_a_payer_with_nothing_left_unpaid_is_still_found(self) -> None:
        self.assertEqual([p.name for p in self.result("鈴木一郎").payers], ["鈴木　一郎"])

    def test_phone_and_resident_number_both_listed_by_unpaid(self) -> None:
        # 0901234: the start of 鈴木's mobile number and 田村's 宛名番号
        self.assertEqual(
            [p.name for p in self.result("090-1234").payers], ["田村　花", "鈴木　一郎"]
        )

    def test_address_written_in_part_is_found_inside_the_key(self) -> None:
        # 「山町3-27」 is no prefix of 緑区平山町3-27-24: found by the substring fallback
        self.assertEqual([p.name for p in self.result("山町3-27").payers], ["鈴木　一郎"])
        self.assertEqual(self.result("山町3-27").kind, "住所")

    def test_wildcards_are_plain_characters(self) -> None:
        self.assertEqual(self.result("佐%").payers, [])
        self.assertEqual(self.result("佐_").payers, [])

    def test_short_or_odd_queries_list_nobody_and_do_not_fail(self) -> None:
        # none of these names anyone: no error page, and no list of every payer
        odd = "・ 株式会社 （株） ｶ) 1丁目 区 - % \\".split() + ["\x00", "　 ", "!" * 1000]
        for q in odd:
            with self.subTest(q=q):
                self.assertEqual(self.result(q).payers, [])

    def test_one_character_is_a_prefix_search(self) -> None:
        res = self.result("佐")
        self.assertEqual(len(res.payers), 50)
        self.assertTrue(all(p.name.startswith("佐") for p in res.payers))
