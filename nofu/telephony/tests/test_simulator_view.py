"""/telephony/simulator: the supervisors' simulated phone."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import payer_with_phone, ready
from nofu.test import BaseTestCase


class SimulatorViewTests(BaseTestCase):
    def test_shows_operators_waiting_calls_events_and_the_answer_rate(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        simulate_inbound("0432455000", force_open=True)
        simulate_inbound("09011112222", force_open=True)
        self.login(self.sam)
        r = self.client.get("/telephony/simulator")
        self.assertContains(r, "大野 オリビア")
        self.assertContains(r, "モニター")
        self.assertContains(r, "090-1111-2222")  # waiting, as people read it
        self.assertContains(r, "千葉 花子")  # the datalist of known numbers
        self.assertContains(r, "本日の応答率")

    def test_operators_and_city_staff_are_refused(self) -> None:
        for user in (self.olivia, self.chika):
            self.login(user)
            self.assertEqual(self.client.get("/telephony/simulator").status_code, 403)

    @override_settings(NOFU_PHONE_GATEWAY="webhook+https://:t@pbx.example.jp/c")
    def test_with_a_real_phone_system_it_says_so(self) -> None:
        self.login(self.sam)
        self.assertContains(
            self.client.get("/telephony/simulator"), "実際の電話システムに接続しています"
        )

    def test_the_menu_leads_supervisors_to_it_only_while_the_phone_is_simulated(self) -> None:
        self.login(self.sam)
        self.assertContains(self.client.get("/calls/complaints"), 'href="/telephony/simulator"')
        self.login(self.olivia)
        self.assertNotContains(self.client.get("/calls/"), 'href="/telephony/simulator"')
        self.login(self.sam)
        with override_settings(NOFU_PHONE_GATEWAY="webhook+https://:t@pbx.example.jp/c"):
            self.assertNotContains(
                self.client.get("/calls/complaints"), 'href="/telephony/simulator"'
            )
