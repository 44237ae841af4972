"""/calls/inbound: the caller's number finds the payer; a number we rang is a return call."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.calls import actions
from nofu.calls.models import ContactEvent
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import make_payer
from nofu.telephony.models import CallEvent, Direction, EventKind


class InboundTests(WorkspaceCase):
    def test_known_number_opens_the_payer_and_the_form(self) -> None:
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=090-1234-5678")
        self.assertContains(r, "山田 太郎")
        self.assertContains(r, 'name="kind" value="inbound"')
        self.assertNotContains(r, "返電：")

    def test_number_we_rang_is_a_return_call(self) -> None:
        actions.contact_record(
            actor=self.sam,
            payer=self.payer,
            kind="outbound",
            result="no_answer",
            phone_number="09012345678",
        )
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=09012345678")
        self.assertContains(r, "返電：")
        self.assertContains(r, 'name="kind" value="return_call"')

    def test_a_call_the_phone_system_dialed_is_a_return_call_without_a_contact_record(
        self,
    ) -> None:
        # the operator rang from the softphone and hung up before recording anything
        CallEvent.objects.create(
            call_id="sim-1",
            kind=EventKind.DIALED,
            direction=Direction.OUTBOUND,
            at=timezone.now() - timedelta(hours=2),
            callee="09012345678",
            agent=self.sam,
            payer=self.payer,
        )
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=090-1234-5678")
        self.assertContains(r, "返電：")
        self.assertContains(r, self.sam.display_name or self.sam.username)

    def test_shared_number_lists_candidates(self) -> None:
        make_payer("山田 花子", phones=("09012345678",))
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=09012345678")
        self.assertContains(r, "候補（2人）")
        self.assertNotContains(r, 'id="conversation"')

    def test_unknown_number_can_be_recorded_without_a_payer(self) -> None:
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=0312345678")
        self.assertContains(r, "一致する納付義務者はいません")
        r = self.client.post(
            "/calls/conversation",
            {
                "kind": "inbound",
                "result": "handled",
                "phone_number": "0312345678",
                "counterpart": "unknown",
                "inquiry_category": "due_dates",
                "operator_words": "納期限を説明",
                "idem": "i1",
                "action": "save",
            },
            follow=True,
        )
        self.assertContains(r, "不明の相手との受電を記録しました。")
        e = ContactEvent.objects.get()
        self.assertIsNone(e.payer)
        self.assertIn("イ 納期・納期限後の取扱い", e.note)

    def test_inbound_save_with_inquiry(self) -> None:
        self.login(self.olivia)
        self.client.post(
            "/calls/conversation",
            {
                "payer": self.payer.pk,
                "kind": "inbound",
                "result": "handled",
                "phone_number": "09012345678",
                "counterpart": "payer",
                "inquiry_category": "late_charge",
                "idem": "i2",
                "action": "save",
                "new_phone": "043-222-3333",
                "new_phone_origin": "heard",
            },
        )
        e = ContactEvent.objects.get()
        self.assertEqual((e.kind, e.inquiry_category), ("inbound", "late_charge"))
        self.assertTrue(self.payer.phones.filter(number="0432223333", origin="heard").exists())

    def test_inquiry_category_is_required(self) -> None:
        self.login(self.olivia)
        r = self.client.post(
            "/calls/conversation",
            {
                "payer": self.payer.pk,
                "kind": "inbound",
                "result": "handled",
                "idem": "i3",
                "action": "save",
            },
        )
        self.assertContains(r, "問合せ内容（ア〜ケ）を選んでください。", status_code=422)
        self.assertFalse(ContactEvent.objects.exists())

    def test_call_id_from_the_softphone_is_kept_on_the_record(self) -> None:
        self.login(self.olivia)
        r = self.client.get("/calls/inbound?number=09012345678&call_id=sim-42")
        self.assertContains(r, 'name="call_id" value="sim-42"')
        self.client.post(
            "/calls/conversation",
            {
                "payer": self.payer.pk,
                "kind": "inbound",
                "result": "handled",
                "call_id": "sim-42",
                "inquiry_category": "other",
                "idem": "i4",
                "action": "save",
            },
        )
        self.assertEqual(ContactEvent.objects.get().call_id, "sim-42")
