"""The gateway seam: choosing the adapter, the simulated phone's commands, and the
webhook adapter talking HTTP to a (local) phone-system middleware."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from nofu.telephony.gateway import (
    GatewayError,
    PhoneGateway,
    SimulatedGateway,
    WebhookGateway,
    gateway_from_url,
    get_gateway,
)
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, EventKind
from nofu.telephony.tests.helpers import payer_with_phone
from nofu.test import BaseTestCase


class ChoosingTests(BaseTestCase):
    def test_simulated_is_the_default(self) -> None:
        self.assertIsInstance(get_gateway(), SimulatedGateway)
        self.assertIsInstance(get_gateway(), PhoneGateway)

    @override_settings(
        NOFU_PHONE_GATEWAY="webhook+https://:s3cret@pbx.example.jp:8443/nofu/commands"
    )
    def test_webhook_url_carries_the_token(self) -> None:
        gw = get_gateway()
        assert isinstance(gw, WebhookGateway)
        self.assertEqual(gw.command_url, "https://pbx.example.jp:8443/nofu/commands")
        self.assertEqual(gw.token, "s3cret")
        self.assertIsInstance(gw, PhoneGateway)

    def test_nonsense_is_refused_at_once(self) -> None:
        for value in ("asterisk", "webhook+ftp://x/", "webhook+https://"):
            with self.assertRaises(ImproperlyConfigured):
                gateway_from_url(value)


class SimulatedCommandsTests(BaseTestCase):
    def test_dial_then_hangup(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        gw = SimulatedGateway()
        call_id = gw.dial(self.olivia, "043-245-5000", payer_id=payer.pk)
        dialed = CallEvent.objects.get(call_id=call_id)
        self.assertEqual(
            (dialed.kind, dialed.callee, dialed.payer, dialed.direction),
            (EventKind.DIALED, "0432455000", payer, "out"),
        )
        status = AgentStatus.objects.get(user=self.olivia)
        self.assertEqual((status.state, status.payer), (AgentState.ON_CALL, payer))
        with self.assertRaises(GatewayError):
            gw.dial(self.olivia, "0432455001")  # one call at a time
        gw.hangup(call_id)
        gw.hangup(call_id)  # twice is harmless
        self.assertEqual(CallEvent.objects.filter(call_id=call_id, kind=EventKind.ENDED).count(), 1)
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.WRAP_UP)

    def test_dial_refuses_a_number_it_cannot_read(self) -> None:
        with self.assertRaisesMessage(GatewayError, "発信できません"):
            SimulatedGateway().dial(self.olivia, "12")

    def test_monitor_needs_the_operator_on_a_call(self) -> None:
        gw = SimulatedGateway()
        with self.assertRaisesMessage(GatewayError, "通話中ではありません"):
            gw.start_monitor(self.sam, self.olivia)
        gw.dial(self.olivia, "0432455000")
        self.assertTrue(gw.start_monitor(self.sam, self.olivia))


class _Middleware(BaseHTTPRequestHandler):
    """A stand-in for the PBX middleware: records commands, answers as told."""

    received: list[dict[str, Any]] = []
    answer: tuple[int, dict[str, Any]] = (200, {})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
        )
        status, body = type(self).answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class WebhookGatewayTests(BaseTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = HTTPServer(("127.0.0.1", 0), _Middleware)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.server.server_port}/commands"

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def setUp(self) -> None:
        _Middleware.received = []
        _Middleware.answer = (200, {})
        self.gw = WebhookGateway(self.url, "tok")

    def test_dial_posts_the_command_with_the_token(self) -> None:
        call_id = self.gw.dial(self.olivia, "043-245-5000", payer_id=7)
        [sent] = _Middleware.received
        self.assertEqual(sent["auth"], "Bearer tok")
        self.assertEqual(
            sent["body"],
            {
                "command": "dial",
                "call_id": call_id,
                "agent": "OLI01",
                "number": "0432455000",
                "payer_id": 7,
            },
        )
        self.assertFalse(CallEvent.objects.exists())  # the PBX reports the call itself

    def test_the_pbx_may_name_the_call(self) -> None:
        _Middleware.answer = (200, {"call_id": "pbx-991"})
        self.assertEqual(self.gw.dial(self.olivia, "0432455000"), "pbx-991")

    def test_hangup_monitor_and_state(self) -> None:
        _Middleware.answer = (200, {"monitor_id": "m-1"})
        self.gw.hangup("c-1")
        self.assertEqual(self.gw.start_monitor(self.sam, self.olivia), "m-1")
        self.gw.set_agent_state(self.olivia, "ready")
        self.assertEqual(
            [r["body"]["command"] for r in _Middleware.received],
            ["hangup", "monitor", "agent_state"],
        )
        self.assertEqual(_Middleware.received[1]["body"]["supervisor"], "SAM01")

    def test_a_refusal_is_a_japanese_error(self) -> None:
        _Middleware.answer = (409, {"message": "内線が話中です"})
        with self.assertRaisesMessage(GatewayError, "内線が話中です"):
            self.gw.dial(self.olivia, "0432455000")

    def test_an_unreachable_pbx_is_a_japanese_error(self) -> None:
        gw = WebhookGateway("http://127.0.0.1:9/none", "tok")
        with self.assertRaisesMessage(GatewayError, "電話システムに接続できませんでした"):
            gw.hangup("c-1")
