"""POST /calls/skip gives the payer back without a contact."""

from __future__ import annotations

from nofu.calls.models import ContactEvent
from nofu.calls.tests.base import WorkspaceCase


class SkipTests(WorkspaceCase):
    def test_releases_and_clears(self) -> None:
        self.login(self.olivia)
        self.take()
        r = self.client.post("/calls/skip", follow=True)
        self.assertContains(r, "架電せずに戻しました")
        self.assertNotIn("calls_offer", self.client.session)
        self.assertEqual(self.released, [self.olivia])
        self.assertFalse(ContactEvent.objects.exists())
