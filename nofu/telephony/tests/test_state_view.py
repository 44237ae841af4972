"""POST /telephony/state: the operator changes their own state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.audit.models import AuditEvent
from nofu.telephony.models import AgentState, AgentStatus
from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import set_state
from nofu.test import BaseTestCase

URL = "/telephony/state"
JSON = {"HTTP_ACCEPT": "application/json"}


class StateViewTests(BaseTestCase):
    def test_ready_then_break_each_audited(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"state": "ready", "next": "/telephony/"})
        self.assertRedirects(r, "/telephony/", fetch_redirect_response=False)
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.READY)
        r = self.client.post(URL, {"state": "break"}, **JSON)
        self.assertEqual(r.json()["me"]["state_label"], "休憩")
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action="telephony.state")
                .order_by("id")
                .values_list("summary", flat=True)
            ),
            ["状態をログオフから待機に変更", "状態を待機から休憩に変更"],
        )

    def test_on_call_is_not_a_choice_and_a_call_cannot_be_left_by_a_button(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"state": "on_call"}, **JSON)
        self.assertEqual(r.status_code, 400)
        set_state(self.olivia, AgentState.ON_CALL, timezone.now(), call_id="c-1")
        r = self.client.post(URL, {"state": "break"}, **JSON)
        self.assertEqual(r.status_code, 400)
        self.assertIn("終話してから", r.json()["message"])
        r = self.client.post(URL, {"state": "break"}, follow=True)
        self.assertContains(r, "終話してから")

    def test_becoming_ready_takes_the_waiting_call(self) -> None:
        call = simulate_inbound("0432455000", force_open=True)
        set_state(self.olivia, AgentState.BREAK, timezone.now() - timedelta(minutes=3))
        self.login(self.olivia)
        me = self.client.post(URL, {"state": "ready"}, **JSON).json()["me"]
        self.assertEqual(me["state"], "on_call")
        self.assertEqual(me["call"]["call_id"], call.call_id)

    def test_the_same_state_twice_records_once(self) -> None:
        self.login(self.olivia)
        self.client.post(URL, {"state": "ready"})
        self.client.post(URL, {"state": "ready"})
        self.assertEqual(AuditEvent.objects.filter(action="telephony.state").count(), 1)
