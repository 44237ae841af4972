from __future__ import annotations

from nofu.calllists.models import AnnualTarget
from nofu.test import BaseTestCase


class TargetTests(BaseTestCase):
    def test_manager_sets_a_prorated_first_year_target(self) -> None:
        self.login(self.mia)
        r = self.client.post(
            "/lists/targets",
            {
                "fiscal_year": "2026",
                "outbound_calls": "40000",
                "note": "10月稼働開始",
                "next": "/lists/sessions/2026/10",
            },
        )
        self.assertRedirects(r, "/lists/sessions/2026/10")
        self.assertEqual(AnnualTarget.objects.get(fiscal_year=2026).outbound_calls, 40000)
        r = self.client.post(
            "/lists/targets", {"fiscal_year": "2026", "outbound_calls": "0"}, follow=True
        )
        self.assertContains(r, "年度と架電件数目標を正しく入力してください。")
        self.assertEqual(AnnualTarget.objects.get(fiscal_year=2026).outbound_calls, 40000)

    def test_post_only_and_managers_only(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get("/lists/targets").status_code, 405)
        self.login(self.sam)
        self.assertEqual(self.client.post("/lists/targets", {}).status_code, 403)
