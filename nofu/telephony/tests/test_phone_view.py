"""/telephony/: the softphone on its own page, with my calls of today."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import payer_with_phone, ready
from nofu.test import BaseTestCase


class PhoneViewTests(BaseTestCase):
    def test_the_softphone_and_my_calls(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        r = self.client.get("/telephony/")
        self.assertContains(r, 'id="softphone"')
        self.assertContains(r, "通話中")  # the state, rendered before any script runs
        self.assertContains(r, "終話")
        self.assertContains(r, "千葉 花子")
        self.assertContains(r, "telephony/softphone.js")

    def test_supervisors_see_the_way_to_the_simulator(self) -> None:
        self.login(self.sam)
        self.assertContains(self.client.get("/telephony/"), "/telephony/simulator")
        self.login(self.olivia)
        self.assertNotContains(self.client.get("/telephony/"), "/telephony/simulator")
