"""GET /calls/mailing/<pk>/pdf serves the printed labels and audits the download."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls import actions
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.test_mailing import queue_one


class MailingPdfTests(WorkspaceCase):
    def test_pdf(self) -> None:
        queue_one(self)
        batch = actions.mailing_batch_create(actor=self.mia)
        self.login(self.mia)
        r = self.client.get(f"/calls/mailing/{batch.pk}/pdf")
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertTrue(AuditEvent.objects.filter(action="mailing.download").exists())
        self.assertEqual(self.client.get("/calls/mailing/999999/pdf").status_code, 404)
