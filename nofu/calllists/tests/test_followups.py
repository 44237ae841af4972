"""架電停止 and 折り返し予約 entered on their page, and their effect on the queue."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calllists import queue
from nofu.calllists.models import Callback, CallHold
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase

WED = jst(2026, 6, 10, 10)


class FollowupsTests(BaseTestCase):
    def setUp(self) -> None:
        self.p = make_payer("停止 希望子")

    def test_operator_sets_and_lifts_a_hold(self) -> None:
        self.login(self.olivia)
        with frozen(WED):
            r = self.client.post(
                "/lists/followups",
                {
                    "form": "hold",
                    "payer": self.p.payer_no,
                    "start": "2026-06-10",
                    "end": "2026-06-30",
                    "reason": "入院のため",
                },
                follow=True,
            )
        self.assertContains(r, "停止 希望子さんの架電停止を登録しました。")
        self.assertContains(r, "2026-06-10〜2026-06-30")
        hold = CallHold.objects.get()
        self.assertTrue(AuditEvent.objects.filter(action="callhold.set").exists())
        with frozen(WED):
            self.client.post("/lists/followups", {"form": "lift", "hold": hold.pk})
        hold.refresh_from_db()
        self.assertIsNotNone(hold.lifted_at)

    def test_bad_input_keeps_what_was_typed(self) -> None:
        self.login(self.olivia)
        with frozen(WED):
            r = self.client.post(
                "/lists/followups",
                {
                    "form": "hold",
                    "payer": "N99999999",
                    "start": "2026-06-10",
                    "end": "2026-06-01",
                    "reason": "x",
                },
            )
        self.assertContains(r, "名寄せ番号（例：N00000123）の納付義務者が見つかりません。")
        with frozen(WED):
            r = self.client.post(
                "/lists/followups",
                {
                    "form": "hold",
                    "payer": self.p.payer_no,
                    "start": "2026-06-10",
                    "end": "2026-06-01",
                    "reason": "本人申出",
                },
            )
        self.assertContains(r, "終了日は開始日以降の日付にしてください。")
        self.assertContains(r, 'value="本人申出"')
        self.assertFalse(CallHold.objects.exists())

    def test_callback_for_myself_is_offered_first_at_its_time(self) -> None:
        self.login(self.olivia)
        data = {
            "form": "callback",
            "payer": str(self.p.pk),
            "due_at": "2026-06-10T15:00",
            "mine": "on",
            "note": "夕方希望",
            "idem": "x1",
        }
        with frozen(WED):
            self.client.post("/lists/followups", data)
            self.client.post("/lists/followups", data)  # a double submit records once
        cb = Callback.objects.get()
        self.assertEqual((cb.operator, cb.due_at), (self.olivia, jst(2026, 6, 10, 15)))
        with frozen(jst(2026, 6, 10, 15, 1)):
            offer = queue.next_payer(operator=self.olivia)
        self.assertEqual(offer.payer, self.p)
        self.assertEqual(offer.reason, "折り返し予約（15:00）：夕方希望")

    def test_callback_outside_hours_says_so(self) -> None:
        self.login(self.olivia)
        with frozen(WED):
            r = self.client.post(
                "/lists/followups",
                {
                    "form": "callback",
                    "payer": self.p.payer_no,
                    "due_at": "2026-06-10T19:00",
                    "mine": "on",
                },
            )
        self.assertContains(r, "指定の日時は架電時間外です")

    def test_city_staff_cannot(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get("/lists/followups").status_code, 403)
