"""Telephony writes: one typed function per action, each with its audit row.

Call events themselves are not audited one by one: they are the phone system's own
record, stored append-only with their source (the gateway token's name).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nofu.audit.actions import audit_record
from nofu.telephony.gateway import GatewayError, get_gateway
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, EventKind, GatewayToken

TOKEN_PREFIX = "nofu_tel_"
MANUAL_STATES = (AgentState.READY, AgentState.WRAP_UP, AgentState.BREAK, AgentState.OFFLINE)


# --- gateway tokens ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class NewToken:
    row: GatewayToken
    token: str  # shown once, never stored


def gateway_token_create(*, actor: Any, name: str, note: str = "", request: Any = None) -> NewToken:
    """A new token for one phone system; the plain token exists only in the return value."""
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"name": "名称を1〜50文字で指定してください。"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if GatewayToken.objects.filter(name=name).exists():
            raise ValidationError({"name": f"名称「{name}」のトークンは既にあります。"})
        row = GatewayToken.objects.create(
            name=name,
            prefix=token[: len(TOKEN_PREFIX) + 3],
            token_hash=token_hash(token),
            note=note[:200],
            created_by=str(actor)[:150] if actor is not None else "system",
        )
        audit_record(
            actor=actor,
            action="telephony.token_create",
            target_type="telephony.gateway_token",
            target_id=row.pk,
            summary=f"電話システム連携トークン「{name}」を作成",
            detail={"name": name, "prefix": row.prefix},
            request=request,
        )
    return NewToken(row, token)


def gateway_token_revoke(*, actor: Any, name: str, request: Any = None) -> GatewayToken:
    with transaction.atomic():
        row = GatewayToken.objects.select_for_update().filter(name=name).first()
        if row is None:
            raise ValidationError({"name": f"名称「{name}」のトークンはありません。"})
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="telephony.token_revoke",
                target_type="telephony.gateway_token",
                target_id=row.pk,
                summary=f"電話システム連携トークン「{name}」を失効",
                request=request,
            )
    return row


def gateway_token_check(presented: str) -> GatewayToken | None:
    """The active token matching `presented`, compared in constant time against each."""
    if not presented:
        return None
    digest = token_hash(presented)
    match = None
    for row in GatewayToken.objects.filter(revoked_at=None):
        if hmac.compare_digest(row.token_hash, digest):
            match = row
    if match is not None:
        now = timezone.now()
        if match.last_used_at is None or now - match.last_used_at > timedelta(minutes=1):
            GatewayToken.objects.filter(pk=match.pk).update(last_used_at=now)
    return match


# --- operator state -----------------------------------------------------------------------


def agent_set_state(*, actor: Any, state: str, request: Any = None) -> AgentStatus:
    """The operator changes their own state (ready, wrap-up, break, logged off).

    On a call the state belongs to the phone system: hang up first. The phone system is
    told before the change is kept, so nofu never shows someone ready to whom calls are
    not routed.
    """
    if state not in MANUAL_STATES:
        raise ValidationError({"state": "この状態には変更できません。"})
    with transaction.atomic():
        status = AgentStatus.objects.select_for_update().filter(user=actor).first()
        old = status.state if status else AgentState.OFFLINE
        if status is not None and status.state == AgentState.ON_CALL and not _call_over(status):
            raise ValidationError(
                {"state": "通話中は状態を変更できません。終話してから変更してください。"}
            )
        if status is not None and old == state:
            return status
        now = timezone.now()
        if status is None:
            status = AgentStatus(user=actor)
        status.state = state
        status.since = now
        if state in (AgentState.READY, AgentState.OFFLINE):
            status.call_id = ""
        status.save()
        audit_record(
            actor=actor,
            action="telephony.state",
            target_type="telephony.agent",
            target_id=actor.pk,
            summary=f"状態を{AgentState(old).label}から{AgentState(state).label}に変更",
            detail={"from": old, "to": state},
            request=request,
        )
        try:
            get_gateway().set_agent_state(actor, state)
        except GatewayError as e:
            raise ValidationError({"state": str(e)}) from e
    status.refresh_from_db()
    return status


def _call_over(status: AgentStatus) -> bool:
    """The phone system reported the end, but the state did not follow (late events)."""
    return (
        bool(status.call_id)
        and CallEvent.objects.filter(
            call_id=status.call_id, kind__in=(EventKind.ENDED, EventKind.ABANDONED)
        ).exists()
    )


# --- calls ---------------------------------------------------------------------------------


def call_dial(*, actor: Any, number: str, payer_id: int | None = None, request: Any = None) -> str:
    """Click-to-call: rings the number from the operator's phone; the call id."""
    if not (number or "").strip():
        raise ValidationError({"number": "発信する電話番号を指定してください。"})
    try:
        call_id = get_gateway().dial(actor, number, payer_id=payer_id)
    except GatewayError as e:
        raise ValidationError({"number": str(e)}) from e
    audit_record(
        actor=actor,
        action="telephony.dial",
        target_type="payer" if payer_id else "",
        target_id=payer_id or "",
        summary=f"発信 {number}",
        detail={"call_id": call_id, "number": number},
        request=request,
    )
    return call_id


def call_hangup(*, actor: Any, call_id: str, request: Any = None) -> None:
    """Ends the operator's own call (or, for a supervisor, anyone's)."""
    from nofu.accounts.access import can

    if not call_id:
        raise ValidationError({"call_id": "終話する通話を指定してください。"})
    own = AgentStatus.objects.filter(user=actor, call_id=call_id).exists()
    if not own and not can(actor, "calls.supervise"):
        raise ValidationError({"call_id": "自分の通話だけを終話できます。"})
    try:
        get_gateway().hangup(call_id)
    except GatewayError as e:
        raise ValidationError({"call_id": str(e)}) from e
    audit_record(
        actor=actor,
        action="telephony.hangup",
        target_type="call",
        target_id=call_id,
        summary=f"終話 {call_id}",
        request=request,
    )


def monitor_start(*, actor: Any, agent: Any, request: Any = None) -> str:
    """A supervisor listens in on an operator's call (第1章 8(7)エe, カb); audited."""
    try:
        monitor_id = get_gateway().start_monitor(actor, agent)
    except GatewayError as e:
        raise ValidationError({"agent": str(e)}) from e
    status = AgentStatus.objects.filter(user=agent).first()
    audit_record(
        actor=actor,
        action="telephony.monitor",
        target_type="telephony.agent",
        target_id=agent.pk,
        summary=f"{agent} の通話をモニタリング開始",
        detail={"monitor_id": monitor_id, "call_id": status.call_id if status else ""},
        request=request,
    )
    return monitor_id
