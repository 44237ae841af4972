"""/calls/settings: the manager's promise limits, grace days and return-call window."""

from __future__ import annotations

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
        }
        r = self.client.post("/calls/settings", data, follow=True)
        self.assertContains(r, "保存しました")
        self.assertEqual(CallSettings.current().promise_grace_days, 4)
        r = self.client.post("/calls/settings", {**data, "promise_grace_days": "x"})
        self.assertContains(r, "数字で入力してください。")

    def test_supervisor_may_not(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.client.get("/calls/settings").status_code, 403)
