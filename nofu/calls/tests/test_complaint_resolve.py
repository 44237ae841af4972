"""POST /calls/complaints/<pk>/resolve."""

from __future__ import annotations

from nofu.calls import actions
from nofu.calls.models import ComplaintStatus
from nofu.calls.tests.base import WorkspaceCase


class ComplaintResolveTests(WorkspaceCase):
    def test_resolve_with_resolution(self) -> None:
        c = actions.complaint_create(actor=self.olivia, payer=self.payer, contact=None, content="x")
        self.login(self.sam)
        r = self.client.post(f"/calls/complaints/{c.pk}/resolve", {"resolution": ""}, follow=True)
        self.assertContains(r, "対応結果を入力してください。")
        r = self.client.post(
            f"/calls/complaints/{c.pk}/resolve", {"resolution": "SVが謝罪"}, follow=True
        )
        self.assertContains(r, "解決済みにしました")
        c.refresh_from_db()
        self.assertEqual(c.status, ComplaintStatus.RESOLVED)
