"""/calls/: the outbound preview shows everything before dialing."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls import actions
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import make_payer


class WorkspaceTests(WorkspaceCase):
    def test_empty_screen_offers_the_next_key(self) -> None:
        self.login(self.olivia)
        r = self.client.get("/calls/")
        self.assertContains(r, "次の対象者を表示")
        self.assertNotContains(r, "未納の内訳")

    def test_preview_shows_identity_phones_owed_late_charge_history_and_script(self) -> None:
        actions.contact_record(
            actor=self.sam,
            payer=self.payer,
            kind="outbound",
            result="no_answer",
            phone_number="09012345678",
        )
        self.login(self.olivia)
        self.take()
        r = self.client.get("/calls/")
        text = r.content.decode()
        for expected in (
            "山田 太郎",
            "090-1234-5678",
            "不在1回",
            "未納の内訳",
            "延滞金を含む合計",
            "50,000円",
            "トークスクリプト",
            "市県民税",
            "応答なし",
            "テスト用の架電リスト",
        ):
            self.assertIn(expected, text)
        self.assertTrue(
            AuditEvent.objects.filter(action="payer.view", target_id=str(self.payer.pk)).exists()
        )

    def test_reached_mode_shows_the_form(self) -> None:
        self.login(self.olivia)
        self.take()
        r = self.client.get("/calls/?reached=1&phone=09012345678")
        self.assertContains(r, 'id="conversation"')
        self.assertContains(r, "交渉記事")

    def test_a_given_payer_can_be_opened(self) -> None:
        other = make_payer("佐藤 花子", phones=("0432221111",))
        self.login(self.olivia)
        r = self.client.get(f"/calls/?payer={other.pk}")
        self.assertContains(r, "佐藤 花子")
        self.assertContains(r, "043-222-1111")

    def test_city_staff_may_not(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get("/calls/").status_code, 403)

    def test_a_payer_opened_by_a_colleague_is_flagged(self) -> None:
        other = make_payer("佐藤 花子", phones=("0432221111",))
        self.login(self.olivia)
        self.client.get(f"/calls/?payer={other.pk}")
        self.login(self.sam)
        r = self.client.get(f"/calls/?payer={other.pk}")
        self.assertContains(r, "佐藤 花子さんは現在")
        self.assertContains(r, str(self.olivia))
        self.login(self.olivia)  # the holder sees no warning on a reload
        self.assertNotContains(self.client.get(f"/calls/?payer={other.pk}"), "対応中です")
