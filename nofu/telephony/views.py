"""The operator's softphone (state, incoming call banner, click-to-call) and the
simulated phone for supervisors. Views stay thin: the gateway and the actions do it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nofu.accounts.access import require_capability
from nofu.accounts.models import User
from nofu.audit.actions import audit_record
from nofu.audit.models import AuditEvent
from nofu.lib.phones import format_phone
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony import actions
from nofu.telephony.answer_rate import answer_rate
from nofu.telephony.events import open_waiting_calls
from nofu.telephony.forms import BurstForm, RingForm
from nofu.telephony.gateway import GatewayError, is_simulated
from nofu.telephony.lookup import lookup_caller, recent_dial
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind
from nofu.telephony.simulator import (
    BUSY_AFTER_SECONDS,
    simulate_burst,
    simulate_inbound,
    tick,
    waiting_calls,
)

MAX_PAYERS_SHOWN = 5
ANSWER_RATE_TARGET = 0.90  # 第2章 Ⅱ.5


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _first_error(e: ValidationError) -> str:
    if hasattr(e, "message_dict"):
        return next(iter(e.message_dict.values()))[0]
    return e.messages[0]


def _back(request: HttpRequest, default: str = "telephony:phone") -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def inbound_url(number: str, call_id: str) -> str:
    """The workspace's inbound call page for this call (owned by nofu.calls)."""
    try:
        base = reverse("calls:inbound")
    except NoReverseMatch:
        base = "/calls/inbound"
    return f"{base}?{urlencode({'number': number, 'call_id': call_id})}"


# --- the softphone ------------------------------------------------------------------------


def _call_info(request: HttpRequest, status: AgentStatus) -> dict[str, Any] | None:
    """The operator's current (or just finished) call, as the banner shows it."""
    if not status.call_id or status.state not in (AgentState.ON_CALL, AgentState.WRAP_UP):
        return None
    events = list(CallEvent.objects.filter(call_id=status.call_id).order_by("at", "id"))
    if not events:
        return None
    first = events[0]
    inbound = first.direction == Direction.INBOUND
    number = first.caller if inbound else first.callee
    payers: list[Any] = []
    if inbound:
        payers = lookup_caller(number)
    else:
        payer_ids = {e.payer_id for e in events if e.payer_id}
        payers = [e.payer for e in events if e.payer_id in payer_ids][:1]
    offered_at = next((e.at for e in events if e.kind == EventKind.OFFERED), first.at)
    back = recent_dial(number, at=offered_at) if inbound and number else None
    if back and back.payer_id and back.payer_id not in {p.pk for p in payers}:
        # we rang this payer on this number although it is not registered to them
        rung = Payer.objects.filter(pk=back.payer_id).first()
        payers = [rung, *payers] if rung else payers
    _audit_shown(request, status.call_id, number, payers)
    return {
        "call_id": status.call_id,
        "direction": "in" if inbound else "out",
        "number": number,
        "number_display": format_phone(number) if number else "非通知",
        "started_at": timezone.localtime(first.at).isoformat(),
        "ended": any(e.kind in (EventKind.ENDED, EventKind.ABANDONED) for e in events),
        "payers": [
            {
                "id": p.pk,
                "name": p.name,
                "kana": p.name_kana,
                "url": reverse("payers:detail", args=[p.pk]),
            }
            for p in payers[:MAX_PAYERS_SHOWN]
        ],
        "payers_more": max(len(payers) - MAX_PAYERS_SHOWN, 0),
        "return_call": (
            {
                "at": timezone.localtime(back.at).strftime("%-m月%-d日 %H:%M"),
                "by": str(back.operator) if back.operator else "",
            }
            if back
            else None
        ),
        "inbound_url": inbound_url(number, status.call_id) if inbound else "",
    }


def _audit_shown(request: HttpRequest, call_id: str, number: str, payers: list[Any]) -> None:
    """Showing who is calling is a view of personal data: audited once per call and user."""
    if not payers:
        return
    seen = AuditEvent.objects.filter(
        action="telephony.caller_shown", target_type="call", target_id=call_id, actor=request.user
    ).exists()
    if not seen:
        audit_record(
            actor=request.user,
            action="telephony.caller_shown",
            target_type="call",
            target_id=call_id,
            summary=f"着信 {number} の納付義務者 {len(payers)}名を表示",
            detail={"payers": [p.pk for p in payers[:MAX_PAYERS_SHOWN]]},
            request=request,
        )


def me_payload(request: HttpRequest) -> dict[str, Any]:
    status = AgentStatus.objects.filter(user=request.user).first()
    state = status.state if status else AgentState.OFFLINE
    return {
        "state": state,
        "state_label": AgentState(state).label,
        "since": timezone.localtime(status.since).isoformat() if status else None,
        "call": _call_info(request, status) if status else None,
        "waiting": CallEvent.objects.filter(open_waiting_calls()).count(),
        "states": [{"value": s.value, "label": s.label} for s in actions.MANUAL_STATES],
    }


@require_capability("calls.work")
def me(request: HttpRequest) -> HttpResponse:
    """The softphone's poll: my state, my current call, how many callers wait."""
    if is_simulated():
        tick()
    return JsonResponse(me_payload(request))


@require_capability("calls.work")
def phone(request: HttpRequest) -> HttpResponse:
    """The softphone on a page of its own, with my calls of today."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    mine = (
        CallEvent.objects.filter(agent=request.user, at__gte=start)
        .filter(kind__in=(EventKind.ANSWERED, EventKind.DIALED, EventKind.ENDED))
        .order_by("-at", "-id")[:30]
    )
    return render(request, "telephony/phone.html", {"calls": mine})


def _refused(request: HttpRequest, e: ValidationError) -> HttpResponse:
    """The softphone's script gets JSON; a plain form post goes back with the message."""
    if wants_json(request):
        return JsonResponse({"ok": False, "message": _first_error(e)}, status=400)
    messages.error(request, _first_error(e))
    return _back(request)


def _done(
    request: HttpRequest, extra: dict | None = None, *, status: int = 200, message: str = ""
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": True, **(extra or {}), "me": me_payload(request)}, status=status)
    if message:
        messages.success(request, message)
    return _back(request)


@require_POST
@require_capability("calls.work")
def set_state(request: HttpRequest) -> HttpResponse:
    try:
        actions.agent_set_state(
            actor=request.user, state=request.POST.get("state", ""), request=request
        )
    except ValidationError as e:
        return _refused(request, e)
    return _done(request)


@require_POST
@require_capability("calls.work")
def dial(request: HttpRequest) -> HttpResponse:
    """Click-to-call through the gateway: the call id as JSON, or back with a message."""
    raw_payer = request.POST.get("payer_id", "").strip()
    payer_id = int(raw_payer) if raw_payer.isdigit() else None
    try:
        call_id = actions.call_dial(
            actor=request.user,
            number=request.POST.get("number", ""),
            payer_id=payer_id,
            request=request,
        )
    except ValidationError as e:
        return _refused(request, e)
    return _done(
        request, {"call_id": call_id}, status=201, message=f"発信しました（通話ID {call_id}）。"
    )


@require_POST
@require_capability("calls.work")
def hangup(request: HttpRequest) -> HttpResponse:
    try:
        actions.call_hangup(
            actor=request.user, call_id=request.POST.get("call_id", ""), request=request
        )
    except ValidationError as e:
        return _refused(request, e)
    return _done(request)


@require_POST
@require_capability("calls.supervise")
def monitor(request: HttpRequest) -> HttpResponse:
    """Starts live monitoring of an operator's call (the live board posts here too)."""
    raw = request.POST.get("agent", "")
    if not raw.isdigit():
        messages.error(request, "モニタリングするオペレーターを指定してください。")
        return _back(request, "telephony:simulator")
    agent = get_object_or_404(User, pk=int(raw))
    try:
        monitor_id = actions.monitor_start(actor=request.user, agent=agent, request=request)
    except ValidationError as e:
        messages.error(request, _first_error(e))
        return _back(request, "telephony:simulator")
    note = "（シミュレーションのため音声は流れません）" if is_simulated() else ""
    messages.success(
        request, f"{agent} さんの通話のモニタリングを開始しました{note}。ID: {monitor_id}"
    )
    return _back(request, "telephony:simulator")


# --- the simulated phone ----------------------------------------------------------------


@require_capability("calls.supervise")
def simulator(request: HttpRequest) -> HttpResponse:
    simulated = is_simulated()
    if simulated:
        tick()
    today = timezone.localdate()
    rate = answer_rate(today, today)
    known = (
        Phone.objects.exclude(status=PhoneStatus.INVALID)
        .select_related("payer")
        .order_by("payer_id", "id")[:15]
    )
    return render(
        request,
        "telephony/simulator.html",
        {
            "simulated": simulated,
            "ring_form": RingForm(),
            "burst_form": BurstForm(),
            "known": known,
            "agents": AgentStatus.objects.select_related("user", "payer")
            .exclude(state=AgentState.OFFLINE)
            .order_by("state", "since"),
            "waiting": waiting_calls(),
            "events": CallEvent.objects.select_related("agent").order_by("-at", "-id")[:40],
            "rate": rate,
            "rate_pct": f"{rate.rate * 100:.1f}%" if rate.rate is not None else "",
            "target_met": rate.rate is not None and rate.rate >= ANSWER_RATE_TARGET,
            "busy_after": BUSY_AFTER_SECONDS,
            "now": timezone.now(),
            "recent": timezone.now() - timedelta(minutes=10),
        },
    )


def _refuse_unless_simulated(request: HttpRequest) -> HttpResponse | None:
    if is_simulated():
        return None
    messages.error(request, "実際の電話システムに接続中のため、模擬着信は使えません。")
    return redirect("telephony:simulator")


@require_POST
@require_capability("calls.supervise")
def simulator_ring(request: HttpRequest) -> HttpResponse:
    if refused := _refuse_unless_simulated(request):
        return refused
    form = RingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("telephony:simulator")
    d = form.cleaned_data
    try:
        call = simulate_inbound(d["number"], patience=d["patience"], force_open=d["force_open"])
    except GatewayError as e:
        messages.error(request, str(e))
        return redirect("telephony:simulator")
    who = "、".join(p.name for p in call.payers[:3]) or "登録のない番号"
    text = f"{format_phone(call.number) or '非通知'}（{who}）からの着信: {call.outcome_label}"
    if call.agent:
        text += f" — {call.agent} さんが応答"
    messages.success(request, text)
    return redirect("telephony:simulator")


@require_POST
@require_capability("calls.supervise")
def simulator_burst(request: HttpRequest) -> HttpResponse:
    if refused := _refuse_unless_simulated(request):
        return refused
    form = BurstForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("telephony:simulator")
    d = form.cleaned_data
    now = timezone.now()
    calls = simulate_burst(
        d["count"],
        live=d["mode"] == BurstForm.LIVE,
        start=now - timedelta(minutes=d["minutes"]),
        end=now,
        known_share=d["known_share"] / 100,
        force_open=d["force_open"],
    )
    counts: dict[str, int] = {}
    for c in calls:
        counts[c.outcome_label] = counts.get(c.outcome_label, 0) + 1
    summary = "、".join(f"{k} {v}件" for k, v in counts.items())
    messages.success(request, f"{len(calls)}件の着信を発生させました（{summary}）。")
    return redirect("telephony:simulator")
