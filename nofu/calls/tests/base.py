"""View tests take the next payer through a stand-in for the call-list queue (its own app
tests the real choice) so the screen is tested on its own."""

from __future__ import annotations

from unittest import mock

from nofu.calllists.queue import Offer
from nofu.calls.tests.helpers import make_payer
from nofu.payers.models import Payer
from nofu.test import BaseTestCase


class WorkspaceCase(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()
        self.offered: list[Payer] = [self.payer]
        self.released: list[object] = []
        p1 = mock.patch("nofu.calls.views.next_payer", side_effect=self._next)
        p2 = mock.patch("nofu.calls.views.release", side_effect=self._release)
        p1.start()
        p2.start()
        self.addCleanup(p1.stop)
        self.addCleanup(p2.stop)

    def _next(self, *, operator: object) -> Offer | None:
        return Offer(self.offered.pop(0), "テスト用の架電リスト") if self.offered else None

    def _release(self, *, operator: object) -> None:
        self.released.append(operator)

    def take(self) -> None:
        self.client.post("/calls/next")
