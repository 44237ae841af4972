"""POST /api/telephony/events: token auth, validation, idempotency, operator states."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from nofu.audit.models import AuditEvent
from nofu.telephony.actions import gateway_token_create, gateway_token_revoke
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, GatewayToken
from nofu.telephony.tests.helpers import payer_with_phone, ready
from nofu.test import BaseTestCase

URL = "/api/telephony/events"


class EventsApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.token = gateway_token_create(actor=self.mia, name="pbx-1").token

    def post(self, data: Any, token: str | None = "", **headers: str):  # type: ignore[no-untyped-def]
        if token == "":
            token = self.token
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        body = data if isinstance(data, str | bytes) else json.dumps(data)
        return self.client.post(URL, body, content_type="application/json", **headers)

    def event(self, **kw: Any) -> dict[str, Any]:
        return {
            "call_id": "c-1",
            "kind": "offered",
            "at": "2026-06-10T10:00:00+09:00",
            "caller": "043-245-5000",
            "callee": "0120000000",
            **kw,
        }

    def test_the_url_is_api_telephony_events(self) -> None:
        self.assertEqual(reverse("api:telephony_events"), URL)

    def test_no_token_is_401_json_in_japanese(self) -> None:
        r = self.post(self.event(), token=None)
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r["Content-Type"], "application/json")
        self.assertIn("認証トークンがありません", r.json()["message"])
        self.assertIn("Bearer", r["WWW-Authenticate"])
        self.assertFalse(CallEvent.objects.exists())

    def test_wrong_or_revoked_token_is_401(self) -> None:
        self.assertEqual(self.post(self.event(), token="nofu_tel_wrong").status_code, 401)
        self.assertEqual(
            self.client.post(
                URL, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Basic {self.token}"
            ).status_code,
            401,
        )
        gateway_token_revoke(actor=self.mia, name="pbx-1")
        r = self.post(self.event())
        self.assertEqual(r.status_code, 401)
        self.assertIn("失効", r.json()["message"])
        self.assertFalse(CallEvent.objects.exists())

    def test_a_logged_in_session_is_not_enough(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.post(self.event(), token=None).status_code, 401)

    def test_right_token_stores_the_event_201(self) -> None:
        r = self.post(self.event())
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual((body["ok"], body["kind"], body["duplicate"]), (True, "offered", False))
        row = CallEvent.objects.get(pk=body["id"])
        self.assertEqual((row.caller, row.source, row.direction), ("0432455000", "pbx-1", "in"))
        self.assertIsNotNone(GatewayToken.objects.get(name="pbx-1").last_used_at)

    def test_csrf_is_not_required(self) -> None:
        self.client = self.client_class(enforce_csrf_checks=True)
        self.assertEqual(self.post(self.event()).status_code, 201)

    def test_the_same_event_twice_is_stored_once(self) -> None:
        first = self.post(self.event(kind="answered", agent="OLI01"))
        second = self.post(self.event(kind="answered", agent="OLI01"))
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertTrue(second.json()["duplicate"])
        self.assertEqual(first.json()["id"], second.json()["id"])
        self.assertEqual(CallEvent.objects.count(), 1)

    def test_same_event_id_with_other_content_is_409(self) -> None:
        self.post(self.event(event_id="e-1"))
        r = self.post(self.event(event_id="e-1", kind="answered"))
        self.assertEqual(r.status_code, 409)
        self.assertIn("e-1", r.json()["message"])

    def test_validation_messages(self) -> None:
        r = self.post({"call_id": "", "kind": "ringing", "at": "2026/06/10", "wait_seconds": "x"})
        self.assertEqual(r.status_code, 400)
        body = r.json()
        self.assertEqual(body["message"], "イベントの内容に誤りがあります。")
        self.assertEqual(set(body["errors"]), {"call_id", "kind", "at", "wait_seconds"})
        self.assertIn("call_id（通話ID）を指定してください", body["errors"]["call_id"])
        self.assertFalse(CallEvent.objects.exists())

    def test_not_json_and_not_an_object(self) -> None:
        r = self.post("{not json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("JSONとして読めません", r.json()["message"])
        r = self.post([self.event()])
        self.assertEqual(r.status_code, 400)
        self.assertIn("1件ずつ", r.json()["errors"]["body"])

    def test_get_is_405_json(self) -> None:
        r = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual(r.status_code, 405)
        self.assertIn("POST", r.json()["message"])

    def test_too_big_is_413(self) -> None:
        r = self.post(json.dumps(self.event(note="x" * 70_000)))
        self.assertEqual(r.status_code, 413)

    def test_unknown_agent_is_stored_with_a_warning(self) -> None:
        r = self.post(self.event(kind="answered", agent="ZZZ99"))
        self.assertEqual(r.status_code, 201)
        self.assertIn("ZZZ99", r.json()["warnings"][0])
        self.assertIsNone(CallEvent.objects.get().agent)

    def test_events_move_the_operator_state(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia)
        self.post(self.event())
        self.post(self.event(kind="answered", at="2026-06-10T10:00:08+09:00", agent="OLI01"))
        status = AgentStatus.objects.get(user=self.olivia)
        self.assertEqual((status.state, status.call_id), (AgentState.ON_CALL, "c-1"))
        self.assertEqual(status.payer.name, "千葉 花子")
        self.post(
            self.event(
                kind="ended",
                at="2026-06-10T10:03:08+09:00",
                agent="OLI01",
                talk_seconds=180,
                recording_ref="rec/2026/06/10/c-1.wav",
            )
        )
        status.refresh_from_db()
        self.assertEqual(status.state, AgentState.WRAP_UP)
        ended = CallEvent.objects.get(kind="ended")
        self.assertEqual((ended.talk_seconds, ended.recording_ref), (180, "rec/2026/06/10/c-1.wav"))

    def test_token_creation_is_audited_and_only_a_hash_is_kept(self) -> None:
        row = GatewayToken.objects.get(name="pbx-1")
        self.assertNotIn(self.token, row.token_hash)
        self.assertTrue(self.token.startswith(row.prefix))
        audit = AuditEvent.objects.get(action="telephony.token_create")
        self.assertEqual(audit.actor, self.mia)
        self.assertNotIn(self.token, json.dumps(audit.detail) + audit.summary)
