"""POST /api/telephony/events — where the phone system reports its calls.

Token-only (no session, no CSRF): `Authorization: Bearer <token>` from
`nofu telephony_token create NAME`. Answers are JSON with Japanese messages:

    201 {"ok": true, "id": 41, "call_id": "c-1", "kind": "answered", "duplicate": false,
         "warnings": []}
    200 the same, with "duplicate": true — this event was stored before (a retry)
    400 {"ok": false, "message": "…", "errors": {"kind": "…", …}}
    401 {"ok": false, "message": "…"}    no token, or a wrong or revoked one
    405 / 409 / 413 {"ok": false, "message": "…"}
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from nofu.telephony.actions import gateway_token_check
from nofu.telephony.events import EventConflict, EventInvalid
from nofu.telephony.gateway import get_gateway

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def _fail(status: int, message: str, **extra: object) -> JsonResponse:
    response = JsonResponse({"ok": False, "message": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="nofu-telephony"'
    return response


@csrf_exempt
def events(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _fail(405, "POST で送信してください。")
        response["Allow"] = "POST"
        return response
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if not header:
        return _fail(
            401,
            "認証トークンがありません。Authorization: Bearer <トークン> を付けて送信してください。",
        )
    token = gateway_token_check(presented.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        log.warning("telephony events: rejected token from %s", request.META.get("REMOTE_ADDR"))
        return _fail(401, "認証トークンが正しくないか、失効しています。")
    try:
        body = request.body
    except RequestDataTooBig:
        return _fail(413, "送信データが大きすぎます。イベントは1件ずつ送信してください。")
    if len(body) > MAX_BODY:
        return _fail(413, "送信データが大きすぎます。イベントは1件ずつ送信してください。")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _fail(
            400,
            "JSONとして読めません。UTF-8のJSONで送信してください。",
            errors={"body": "JSONとして読めません。"},
        )
    try:
        recorded = get_gateway().receive(data, source=token.name)
    except EventInvalid as e:
        return _fail(400, "イベントの内容に誤りがあります。", errors=e.errors)
    except EventConflict as e:
        return _fail(409, str(e))
    row = recorded.event
    return JsonResponse(
        {
            "ok": True,
            "id": row.pk,
            "call_id": row.call_id,
            "kind": row.kind,
            "duplicate": not recorded.created,
            "warnings": recorded.warnings,
        },
        status=201 if recorded.created else 200,
    )
