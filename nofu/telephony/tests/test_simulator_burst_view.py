"""POST /telephony/simulator/burst: many simulated calls for a demo."""

from __future__ import annotations

from nofu.telephony.models import AgentStatus, CallEvent, EventKind
from nofu.test import BaseTestCase

URL = "/telephony/simulator/burst"


class SimulatorBurstViewTests(BaseTestCase):
    def test_history_of_the_last_hour(self) -> None:
        self.login(self.mia)
        data = {"count": 12, "mode": "history", "minutes": 60, "known_share": 0, "force_open": "on"}
        r = self.client.post(URL, data, follow=True)
        self.assertContains(r, "12件の着信を発生させました")
        self.assertEqual(CallEvent.objects.filter(kind=EventKind.OFFERED).count(), 12)
        self.assertFalse(AgentStatus.objects.exists())

    def test_live_calls_wait_for_operators(self) -> None:
        self.login(self.sam)
        data = {"count": 3, "mode": "live", "minutes": 60, "known_share": 70, "force_open": "on"}
        r = self.client.post(URL, data, follow=True)
        self.assertContains(r, "待ち呼（待機中のオペレーターなし） 3件")

    def test_bad_input_is_explained(self) -> None:
        self.login(self.sam)
        r = self.client.post(
            URL, {"count": 5000, "mode": "live", "minutes": 60, "known_share": 70}, follow=True
        )
        self.assertContains(r, "200")
        self.assertFalse(CallEvent.objects.exists())
