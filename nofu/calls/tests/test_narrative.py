"""The 交渉記事 must read well on its own: who, which number, what was said and promised."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from nofu.calls.narrative import (
    HandoverNote,
    Outcome,
    PhoneNote,
    PromiseNote,
    ReissueNote,
    draft_note,
    mailing_note,
)


class NarrativeTests(SimpleTestCase):
    def test_no_answer(self) -> None:
        self.assertEqual(
            draft_note(Outcome(kind="outbound", result="no_answer", phone="0432221111")),
            "【架電】043-222-1111へ架電したが応答なし（不在）。",
        )

    def test_dead_number_says_it_was_marked(self) -> None:
        text = draft_note(
            Outcome(
                kind="outbound", result="invalid_number", phone="09012345678", invalid_marked=True
            )
        )
        self.assertEqual(
            text,
            "【架電】090-1234-5678へ架電したが不通（番号誤り・現在使われていない）。"
            "この番号は使用不可として登録した。",
        )

    def test_message_left_with_family(self) -> None:
        text = draft_note(
            Outcome(
                kind="outbound", result="reached_other", phone="0432221111", counterpart="family"
            )
        )
        self.assertEqual(
            text,
            "【架電】043-222-1111へ架電し、家族が応答。本人への伝言（センターへの連絡）を依頼した。",
        )

    def test_reached_payer_with_promise_reissue_and_guidance(self) -> None:
        text = draft_note(
            Outcome(
                kind="outbound",
                result="reached_payer",
                phone="09012345678",
                counterpart="payer",
                owed_phrase="市県民税 令和7年度 1・2期",
                owed_amount=50000,
                promises=(PromiseNote(date(2026, 12, 10), 30000),),
                promised_for="市県民税 令和7年度 1期",
                reissue=ReissueNote("市県民税 令和7年度 2期", "登録住所", True),
                account_transfer=True,
                words="給料日の後に払う",
            )
        )
        self.assertEqual(
            text,
            "【架電】090-1234-5678へ架電し、本人と通話。"
            "市県民税 令和7年度 1・2期（未納額計50,000円）の納付について案内した。"
            "本人は市県民税 令和7年度 1期について、令和8年12月10日までに30,000円を納付すると約束。"
            "納付書の再発行の依頼を受け、市県民税 令和7年度 2期の納付書を登録住所へ送付する"
            "（口座振替案内を同封）。口座振替を勧奨した。（オペレーター記）給料日の後に払う。",
        )

    def test_instalment_plan_lists_every_part_and_the_total(self) -> None:
        text = draft_note(
            Outcome(
                kind="outbound",
                result="reached_payer",
                promises=(
                    PromiseNote(date(2026, 12, 10), 20000),
                    PromiseNote(date(2027, 1, 10), 15000),
                ),
            )
        )
        self.assertIn(
            "本人は2回に分けて納付すると約束（令和8年12月10日までに20,000円、"
            "令和9年1月10日までに15,000円、計35,000円）。",
            text,
        )

    def test_inbound_with_category_handover_complaint_language_and_new_phone(self) -> None:
        text = draft_note(
            Outcome(
                kind="inbound",
                result="handled",
                phone="08011112222",
                counterpart="payer",
                inquiry="ク 延滞金の計算",
                language="英語",
                handovers=(HandoverNote("健康保険課", "分納の承認", "月5,000円の分納を希望"),),
                complaint="督促状の文面が威圧的だ",
                new_phones=(PhoneNote("0432223333", "勤務先"),),
                nhi_loss=True,
            )
        )
        self.assertEqual(
            text,
            "【受電】本人より080-1111-2222から電話。「ク 延滞金の計算」について問合せがあり、説明した。"
            "英語で対応した。"
            "国民健康保険の資格喪失手続きについて説明・案内した。"
            "分納の承認は市の判断を要するため、健康保険課へ取り次いだ（月5,000円の分納を希望）。"
            "苦情の申出あり：督促状の文面が威圧的だ。スーパーバイザーへ報告した。"
            "新しい連絡先 043-222-3333（勤務先）を聴取し登録した。",
        )

    def test_return_call_names_when_we_rang(self) -> None:
        text = draft_note(
            Outcome(
                kind="return_call",
                result="handled",
                phone="09012345678",
                counterpart="payer",
                rung_on=date(2026, 11, 20),
            )
        )
        self.assertTrue(
            text.startswith(
                "【返電】当センターからの着信（令和8年11月20日）を見た本人より"
                "090-1234-5678から折り返しの電話。"
            )
        )

    def test_unknown_withheld_caller(self) -> None:
        self.assertEqual(
            draft_note(Outcome(kind="inbound", result="handled")),
            "【受電】氏名不詳の方より番号非通知で電話。",
        )

    def test_child_allowance_form_promise_and_income_declaration(self) -> None:
        text = draft_note(
            Outcome(
                kind="outbound",
                result="reached_payer",
                child_allowance_form=True,
                income_declaration=True,
            )
        )
        self.assertIn("所得申告を勧奨した。", text)
        self.assertIn(
            "「児童手当・特例給付に係る学校給食費等の徴収に関する申出書」を提出すると約束。", text
        )

    def test_mailing(self) -> None:
        self.assertEqual(
            mailing_note(
                what="国保料 令和7年度 3期",
                destination="登録住所（〒260-0026 千葉市中央区千葉港1-1）",
                flyer=False,
                batch_no=4,
            ),
            "【発送】国保料 令和7年度 3期の納付書を登録住所（〒260-0026 千葉市中央区千葉港1-1）へ発送した"
            "（口座振替案内は同封なし、発送バッチ第4号）。",
        )
