"""/calls/settings: the manager's promise limits, grace days and return-call window."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls.models import CallSettings
from nofu.calls.tests.base import WorkspaceCase


class CallSettingsTests(WorkspaceCase):
    def test_manager_saves_and_bad_values_are_refused(self) -> None:
        self.login(self.mia)
        data = {
            "promise_max_days": "20",
            "promise_max_parts": "2",
            "promise_grace_days": "4",
            "return_call_days": "7",
            "max_calls_per_day": "2",
            "max_calls_per_week": "4",
            "retry_after_hours": "3",
            "max_unanswered": "6",
        }
        r = self.client.post("/calls/settings", data, follow=True)
        self.assertContains(r, "保存しました")
        self.assertEqual(CallSettings.current().promise_grace_days, 4)
        r = self.client.post("/calls/settings", {**data, "promise_grace_days": "x"})
        self.assertContains(r, "数字で入力してください。")

    def test_call_list_rules_are_saved_with_their_history(self) -> None:
        self.login(self.mia)
        data = {
            "promise_max_days": "31",
            "promise_max_parts": "3",
            "promise_grace_days": "5",
            "return_call_days": "14",
            "max_calls_per_day": "1",
            "max_calls_per_week": "3",
            "retry_after_hours": "4",
            "max_unanswered": "5",
        }
        r = self.client.get("/calls/settings")
        self.assertContains(r, "同じ納付者への架電（1日の上限）")
        r = self.client.post("/calls/settings", data, follow=True)
        self.assertContains(r, "保存しました")
        s = CallSettings.current()
        self.assertEqual(
            (s.max_calls_per_day, s.max_calls_per_week, s.retry_after_hours, s.max_unanswered),
            (1, 3, 4, 5),
        )
        entry = AuditEvent.objects.filter(action="calls.settings").latest("id")
        self.assertEqual(entry.detail["before"]["max_calls_per_day"], 2)
        self.assertEqual(entry.detail["after"]["max_calls_per_day"], 1)
        # a week's cap below the day's is refused and nothing changes
        r = self.client.post("/calls/settings", {**data, "max_calls_per_week": "0"})
        self.assertContains(r, "直近7日の架電上限は1日の上限以上")
        self.assertEqual(CallSettings.current().max_calls_per_week, 3)

    def test_supervisor_may_not(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.client.get("/calls/settings").status_code, 403)
