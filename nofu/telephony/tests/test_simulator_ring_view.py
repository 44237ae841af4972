"""POST /telephony/simulator/ring: ring one simulated call into the center."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from nofu.telephony.models import CallEvent
from nofu.telephony.tests.helpers import payer_with_phone, ready
from nofu.test import BaseTestCase

URL = "/telephony/simulator/ring"


class SimulatorRingViewTests(BaseTestCase):
    def test_ring_a_known_number_to_a_ready_operator(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        self.login(self.sam)
        r = self.client.post(
            URL, {"number": "043-245-5000", "patience": 90, "force_open": "on"}, follow=True
        )
        self.assertContains(
            r, "043-245-5000（千葉 花子）からの着信: 応答 — 大野 オリビア さんが応答"
        )

    def test_nobody_ready_queues(self) -> None:
        self.login(self.sam)
        r = self.client.post(URL, {"number": "", "patience": 90, "force_open": "on"}, follow=True)
        self.assertContains(r, "非通知（登録のない番号）からの着信: 待ち呼")

    def test_a_bad_number_is_refused(self) -> None:
        self.login(self.sam)
        r = self.client.post(URL, {"number": "abc", "patience": 90}, follow=True)
        self.assertContains(r, "「abc」は電話番号として読めません")
        self.assertFalse(CallEvent.objects.exists())

    @override_settings(NOFU_PHONE_GATEWAY="webhook+https://:t@pbx.example.jp/c")
    def test_never_into_a_real_phone_system(self) -> None:
        self.login(self.sam)
        r = self.client.post(URL, {"number": "0432455000", "patience": 90}, follow=True)
        self.assertContains(r, "模擬着信は使えません")
        self.assertFalse(CallEvent.objects.exists())
