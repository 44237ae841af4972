"""/calls/complaints: open complaints with their content, for supervisors and managers."""

from __future__ import annotations

from nofu.calls import actions
from nofu.calls.tests.base import WorkspaceCase


class ComplaintsTests(WorkspaceCase):
    def test_supervisor_and_manager_see_open_complaints(self) -> None:
        actions.complaint_create(
            actor=self.olivia, payer=self.payer, contact=None, content="言い方がきつい"
        )
        for user in (self.sam, self.mia):
            self.login(user)
            r = self.client.get("/calls/complaints")
            self.assertContains(r, "言い方がきつい")
            self.assertContains(r, "未対応 1件")

    def test_operator_may_not(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get("/calls/complaints").status_code, 403)
