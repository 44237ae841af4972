"""/telephony/me: the softphone's poll (state, the ringing call, waiting callers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nofu.audit.models import AuditEvent
from nofu.telephony.models import CallEvent, Direction, EventKind
from nofu.telephony.simulator import simulate_inbound
from nofu.telephony.tests.helpers import payer_with_phone, ready
from nofu.test import BaseTestCase

URL = "/telephony/me"


class MeViewTests(BaseTestCase):
    def test_nothing_yet_is_logged_off(self) -> None:
        self.login(self.olivia)
        me = self.client.get(URL).json()
        self.assertEqual(
            (me["state"], me["state_label"], me["call"]), ("offline", "ログオフ", None)
        )
        self.assertEqual(
            [s["value"] for s in me["states"]], ["ready", "wrap_up", "break", "offline"]
        )

    def test_a_ringing_call_shows_the_number_the_payer_and_the_inbound_link(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000", name_kana="チバ ハナコ")
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        call = simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        me = self.client.get(URL).json()
        self.assertEqual(me["state"], "on_call")
        c = me["call"]
        self.assertEqual(
            (c["direction"], c["number"], c["number_display"]), ("in", "0432455000", "043-245-5000")
        )
        self.assertEqual(
            c["payers"],
            [
                {
                    "id": payer.pk,
                    "name": "千葉 花子",
                    "kana": "チバ ハナコ",
                    "url": f"/payers/{payer.pk}/",
                }
            ],
        )
        self.assertEqual(
            c["inbound_url"], f"/calls/inbound?number=0432455000&call_id={call.call_id}"
        )
        self.assertIsNone(c["return_call"])
        # showing who calls is audited, once per call
        self.client.get(URL)
        self.assertEqual(AuditEvent.objects.filter(action="telephony.caller_shown").count(), 1)

    def test_a_return_call_is_recognised(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        CallEvent.objects.create(
            call_id="out-1",
            kind=EventKind.DIALED,
            direction=Direction.OUTBOUND,
            at=timezone.now() - timedelta(days=3),
            callee="0432455000",
            agent=self.sam,
        )
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        back = self.client.get(URL).json()["call"]["return_call"]
        self.assertEqual(back["by"], "佐藤 サム")

    def test_the_payer_we_rang_is_shown_even_if_the_number_is_not_theirs(self) -> None:
        rung = payer_with_phone("幕張 次郎", "09011112222")
        CallEvent.objects.create(
            call_id="out-1",
            kind=EventKind.DIALED,
            direction=Direction.OUTBOUND,
            at=timezone.now() - timedelta(days=1),
            callee="0432455000",  # a number heard on an earlier call, not yet registered
            agent=self.sam,
            payer=rung,
        )
        ready(self.olivia, since=timezone.now() - timedelta(minutes=1))
        simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        call = self.client.get(URL).json()["call"]
        self.assertEqual([p["name"] for p in call["payers"]], ["幕張 次郎"])
        self.assertIsNotNone(call["return_call"])

    def test_another_operators_call_is_not_mine(self) -> None:
        ready(self.sam, since=timezone.now() - timedelta(minutes=1))
        simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        self.assertIsNone(self.client.get(URL).json()["call"])

    def test_waiting_callers_are_counted(self) -> None:
        simulate_inbound("0432455000", force_open=True)
        self.login(self.olivia)
        self.assertEqual(self.client.get(URL).json()["waiting"], 1)

    def test_city_staff_have_no_phone(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get(URL).status_code, 403)
