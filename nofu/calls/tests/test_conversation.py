"""POST /calls/conversation: the reached payer's promise(s), reissue, guidance, handover."""

from __future__ import annotations

from datetime import timedelta

from nofu.calls.models import Complaint, ContactEvent, PaymentPromise, SlipReissue
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import insts, pay, today


class ConversationTests(WorkspaceCase):
    def data(self, **kw: object) -> dict[str, object]:
        return {
            "payer": self.payer.pk,
            "kind": "outbound",
            "result": "reached_payer",
            "phone_number": "09012345678",
            "counterpart": "payer",
            "language": "ja",
            "idem": "c1",
            "action": "save",
            **kw,
        }

    def test_promise_and_reissue_saved_with_a_drafted_note(self) -> None:
        i1, i2 = insts(self.payer)
        self.login(self.olivia)
        self.take()
        d = today() + timedelta(days=7)
        r = self.client.post(
            "/calls/conversation",
            self.data(
                promise_date_1=d.isoformat(),
                promise_amount_1="３０，０００",
                promise_inst=[i1.pk],
                reissue="1",
                reissue_inst=[i2.pk],
                reissue_to="registered",
                account_transfer="1",
            ),
            follow=True,
        )
        self.assertContains(r, "山田 太郎との架電を記録しました。")
        e = ContactEvent.objects.get()
        self.assertIn("30,000円を納付すると約束", e.note)
        self.assertEqual(PaymentPromise.objects.get().amount, 30000)
        self.assertEqual(SlipReissue.objects.get().installments.get(), i2)
        self.assertTrue(e.account_transfer_recommended)
        self.assertEqual(self.released, [self.olivia])

    def test_draft_shows_the_note_without_saving(self) -> None:
        self.login(self.olivia)
        self.take()
        r = self.client.post(
            "/calls/conversation", self.data(action="draft", income_declaration="1")
        )
        self.assertContains(r, "所得申告を勧奨した。")
        self.assertFalse(ContactEvent.objects.exists())

    def test_edited_note_is_saved_as_edited(self) -> None:
        self.login(self.olivia)
        self.take()
        self.client.post(
            "/calls/conversation",
            self.data(note="本人と話した。来週入金予定。", note_draft="【架電】…"),
        )
        self.assertEqual(ContactEvent.objects.get().note, "本人と話した。来週入金予定。")

    def test_bad_input_is_refused_clearly_and_kept_on_screen(self) -> None:
        i1, _ = insts(self.payer)
        pay(i1, 30000, today())
        self.login(self.olivia)
        self.take()
        r = self.client.post(
            "/calls/conversation",
            self.data(
                promise_date_1=(today() - timedelta(days=1)).isoformat(),
                promise_amount_1="99999999",
                reissue="1",
                reissue_inst=[i1.pk],
                operator_words="メモは消えない",
            ),
        )
        self.assertEqual(r.status_code, 422)
        text = r.content.decode()
        self.assertIn("過去の日付です", text)
        self.assertIn("超えています", text)
        self.assertIn("完納済みのため、納付書を再発行できません", text)
        self.assertIn("メモは消えない", text)
        self.assertFalse(ContactEvent.objects.exists())

    def test_unreadable_date_and_amount(self) -> None:
        self.login(self.olivia)
        self.take()
        r = self.client.post(
            "/calls/conversation", self.data(promise_date_1="あした", promise_amount_1="三万")
        )
        self.assertContains(r, "日付として読めません")
        self.assertContains(r, "円単位の数字で入力してください")

    def test_complaint_reaches_the_supervisors_page(self) -> None:
        self.login(self.olivia)
        self.take()
        self.client.post(
            "/calls/conversation", self.data(result="refused", complaint="何度も電話してくるな")
        )
        self.assertEqual(Complaint.objects.get().content, "何度も電話してくるな")
        self.login(self.sam)
        self.assertContains(self.client.get("/calls/complaints"), "何度も電話してくるな")

    def test_double_submit_records_once(self) -> None:
        self.login(self.olivia)
        self.take()
        self.client.post("/calls/conversation", self.data())
        self.client.post("/calls/conversation", self.data())
        self.assertEqual(ContactEvent.objects.count(), 1)
