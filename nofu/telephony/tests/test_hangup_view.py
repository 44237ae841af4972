"""POST /telephony/hangup: ending my call."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.telephony.models import AgentState, AgentStatus, CallEvent, EventKind
from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import ready
from nofu.test import BaseTestCase

URL = "/telephony/hangup"
JSON = {"HTTP_ACCEPT": "application/json"}


class HangupViewTests(BaseTestCase):
    def setUp(self) -> None:
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        self.call = simulate_inbound("0432455000", force_open=True)

    def test_my_call_ends_with_a_recording_and_I_am_in_wrap_up(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"call_id": self.call.call_id}, **JSON)
        self.assertEqual(r.json()["me"]["state"], "wrap_up")
        ended = CallEvent.objects.get(call_id=self.call.call_id, kind=EventKind.ENDED)
        self.assertGreaterEqual(ended.talk_seconds, 0)
        self.assertIn(self.call.call_id, ended.recording_ref)

    def test_a_supervisor_may_end_an_operators_call(self) -> None:
        self.login(self.sam)
        r = self.client.post(URL, {"call_id": self.call.call_id}, **JSON)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.WRAP_UP)

    def test_operators_only_their_own(self) -> None:
        from nofu.accounts.models import Role
        from nofu.test import make_user

        oscar = make_user("oscar", Role.OPERATOR)
        self.login(oscar)
        r = self.client.post(URL, {"call_id": self.call.call_id}, **JSON)
        self.assertEqual(r.status_code, 400)
        self.assertIn("自分の通話", r.json()["message"])
        self.assertFalse(CallEvent.objects.filter(kind=EventKind.ENDED).exists())
