"""POST /calls/mailing/print makes a batch once, however often it is clicked."""

from __future__ import annotations

from nofu.calls.models import ContactEvent, MailingBatch
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.test_mailing import queue_one


class MailingPrintTests(WorkspaceCase):
    def test_print_once(self) -> None:
        queue_one(self)
        self.login(self.mia)
        r = self.client.post("/calls/mailing/print", {"idem": "p1"}, follow=True)
        self.assertContains(r, "発送バッチ第")
        self.client.post("/calls/mailing/print", {"idem": "p1"})
        self.assertEqual(MailingBatch.objects.count(), 1)
        self.assertEqual(ContactEvent.objects.filter(kind="mail").count(), 1)

    def test_empty_queue_message(self) -> None:
        self.login(self.mia)
        r = self.client.post("/calls/mailing/print", {"idem": "p2"}, follow=True)
        self.assertContains(r, "発送待ちの納付書はありません。")
