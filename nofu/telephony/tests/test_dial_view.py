"""POST /telephony/dial: click-to-call through the gateway."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, EventKind
from nofu.telephony.tests.helpers import payer_with_phone
from nofu.test import BaseTestCase

URL = "/telephony/dial"
JSON = {"HTTP_ACCEPT": "application/json"}


class DialViewTests(BaseTestCase):
    def test_dial_returns_the_call_id_and_puts_me_on_the_call(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        self.login(self.olivia)
        r = self.client.post(URL, {"number": "043-245-5000", "payer_id": payer.pk}, **JSON)
        self.assertEqual(r.status_code, 201)
        body = r.json()
        dialed = CallEvent.objects.get(call_id=body["call_id"])
        self.assertEqual(
            (dialed.kind, dialed.agent, dialed.payer), (EventKind.DIALED, self.olivia, payer)
        )
        self.assertEqual(body["me"]["call"]["payers"][0]["name"], "千葉 花子")
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.ON_CALL)
        audit = AuditEvent.objects.get(action="telephony.dial")
        self.assertEqual((audit.target_type, audit.target_id), ("payer", str(payer.pk)))

    def test_without_javascript_it_goes_back_with_the_call_id(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"number": "0432455000", "next": "/payers/"}, follow=True)
        self.assertEqual(r.redirect_chain[0][0], "/payers/")
        self.assertContains(r, "発信しました")

    def test_an_outside_next_is_not_followed(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"number": "0432455000", "next": "https://evil.example/"})
        self.assertEqual(r["Location"], "/telephony/")

    def test_bad_numbers_are_refused_in_japanese(self) -> None:
        self.login(self.olivia)
        r = self.client.post(URL, {"number": ""}, **JSON)
        self.assertEqual(
            (r.status_code, r.json()["message"]), (400, "発信する電話番号を指定してください。")
        )
        r = self.client.post(URL, {"number": "12"}, **JSON)
        self.assertIn("発信できません", r.json()["message"])
        self.assertFalse(CallEvent.objects.exists())

    def test_one_call_at_a_time(self) -> None:
        self.login(self.olivia)
        self.client.post(URL, {"number": "0432455000"}, **JSON)
        r = self.client.post(URL, {"number": "0432455001"}, **JSON)
        self.assertIn("通話中", r.json()["message"])
