"""POST /calls/next asks the call-list queue for the next payer."""

from __future__ import annotations

from nofu.calls.tests.base import WorkspaceCase


class TakeNextTests(WorkspaceCase):
    def test_offer_is_kept_for_the_screen(self) -> None:
        self.login(self.olivia)
        r = self.client.post("/calls/next")
        self.assertRedirects(r, "/calls/")
        self.assertEqual(self.client.session["calls_offer"]["payer"], self.payer.pk)

    def test_nobody_left(self) -> None:
        self.offered.clear()
        self.login(self.olivia)
        r = self.client.post("/calls/next", follow=True)
        self.assertContains(r, "現在、架電できる対象者はいません。")

    def test_get_is_not_allowed(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get("/calls/next").status_code, 405)
