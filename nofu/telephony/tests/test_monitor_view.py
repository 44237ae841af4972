"""POST /telephony/monitor: a supervisor listens in on an operator's call."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.audit.models import AuditEvent
from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import ready
from nofu.test import BaseTestCase

URL = "/telephony/monitor"


class MonitorViewTests(BaseTestCase):
    def test_monitoring_a_call_is_started_and_audited(self) -> None:
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        call = simulate_inbound("0432455000", force_open=True)
        self.login(self.sam)
        r = self.client.post(URL, {"agent": self.olivia.pk}, follow=True)
        self.assertContains(r, "モニタリングを開始しました")
        audit = AuditEvent.objects.get(action="telephony.monitor")
        self.assertEqual((audit.actor, audit.detail["call_id"]), (self.sam, call.call_id))

    def test_an_operator_not_on_a_call_cannot_be_monitored(self) -> None:
        self.login(self.sam)
        r = self.client.post(URL, {"agent": self.olivia.pk}, follow=True)
        self.assertContains(r, "通話中ではありません")
        r = self.client.post(URL, {}, follow=True)
        self.assertContains(r, "オペレーターを指定してください")

    def test_operators_may_not_monitor(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.post(URL, {"agent": self.sam.pk}).status_code, 403)
