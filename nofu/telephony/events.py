"""Call events in: validation, idempotent storage, and what they do to operator states.

Every adapter ends here: the HTTP endpoint (a real phone system or its middleware posts
JSON) and the simulated phone (which builds the same JSON). So a simulated call and a
real one leave exactly the same rows, and the answer rate and the board cannot tell
them apart.

The wire format (one event per POST, keys in English, values as below):

    {"call_id": "c-8812",            required, ≤64 chars, the same for every event of a call
     "kind": "answered",             required, one of EventKind
     "at": "2026-04-01T09:15:02+09:00",  required, ISO 8601 (no offset = Asia/Tokyo)
     "direction": "in",              "in" | "out"; default "out" for dialed, else "in"
     "caller": "090-1234-5678",      the calling number, any common way of writing it
     "callee": "043-245-5000",       the called number
     "agent": "OLI01",               the operator, by staff_code or username
     "wait_seconds": 12, "talk_seconds": 184,     whole seconds ≥ 0
     "recording_ref": "rec/2026/04/01/c-8812.wav",  ≤200 chars, where the PBX keeps it
     "payer_id": 123,                the payer dialled (click-to-call passes it through)
     "event_id": "pbx-77120"}        optional; with it a retry is recognised by id

An unknown agent, payer or an unreadable number does not lose the event: it is stored
without that link and the answer carries a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from nofu.accounts.models import User
from nofu.lib.phones import PhoneError, normalize_phone
from nofu.payers.models import Payer
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind

MAX_CALL_ID = 64
MAX_EVENT_ID = 100
MAX_RECORDING_REF = 200
MAX_SECONDS = 24 * 3600
ANONYMOUS = {"", "anonymous", "unknown", "private", "非通知", "通知不可能", "公衆電話"}

# events that put an operator on a call, and those that end it
STARTS_CALL = (EventKind.ANSWERED, EventKind.DIALED)
ENDS_CALL = (EventKind.ENDED, EventKind.ABANDONED)


class EventInvalid(ValueError):
    """The posted event cannot be stored; `errors` maps a field to a Japanese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class EventConflict(ValueError):
    """The same event_id was already used for a different event."""


@dataclass
class EventIn:
    """One validated call event, before it is stored."""

    call_id: str
    kind: str
    at: datetime
    direction: str = Direction.INBOUND
    caller: str = ""
    callee: str = ""
    agent: User | None = None
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    recording_ref: str = ""
    payer: Payer | None = None
    event_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Recorded:
    event: CallEvent
    created: bool  # False: the same event had been stored before (a retry)
    warnings: list[str]


# --- parsing ---------------------------------------------------------------------------


def parse_event(data: Any) -> EventIn:
    """The wire format above → EventIn, or EventInvalid with every problem at once."""
    if not isinstance(data, dict):
        raise EventInvalid({"body": "JSONオブジェクト（{…}）を1件ずつ送信してください。"})
    errors: dict[str, str] = {}
    warnings: list[str] = []

    call_id = _text(data.get("call_id"))
    if not call_id:
        errors["call_id"] = "call_id（通話ID）を指定してください。"
    elif len(call_id) > MAX_CALL_ID:
        errors["call_id"] = f"call_id は{MAX_CALL_ID}文字以内で指定してください。"

    kind = _text(data.get("kind"))
    if kind not in EventKind.values:
        errors["kind"] = "kind（種別）は次のいずれかで指定してください: " + ", ".join(
            EventKind.values
        )

    at = _datetime(data.get("at"))
    if at is None:
        errors["at"] = (
            "at（日時）をISO 8601形式で指定してください（例: 2026-04-01T09:15:00+09:00）。"
        )

    direction = _text(data.get("direction")) or (
        Direction.OUTBOUND if kind == EventKind.DIALED else Direction.INBOUND
    )
    if direction not in Direction.values:
        errors["direction"] = "direction（方向）は in（着信）または out（発信）で指定してください。"

    seconds: dict[str, int | None] = {}
    for key, label in (("wait_seconds", "待ち秒数"), ("talk_seconds", "通話秒数")):
        value = data.get(key)
        if value is None or value == "":
            seconds[key] = None
        elif isinstance(value, bool) or not _is_whole(value) or not 0 <= int(value) <= MAX_SECONDS:
            errors[key] = (
                f"{key}（{label}）は0以上{MAX_SECONDS}以下の整数（秒）で指定してください。"
            )
        else:
            seconds[key] = int(value)

    recording_ref = _text(data.get("recording_ref"))
    if len(recording_ref) > MAX_RECORDING_REF:
        errors["recording_ref"] = (
            f"recording_ref（録音）は{MAX_RECORDING_REF}文字以内で指定してください。"
        )

    event_id = _text(data.get("event_id")) or None
    if event_id and len(event_id) > MAX_EVENT_ID:
        errors["event_id"] = f"event_id は{MAX_EVENT_ID}文字以内で指定してください。"

    for key in ("caller", "callee", "agent"):
        if data.get(key) is not None and not isinstance(data.get(key), str | int):
            errors[key] = f"{key} は文字列で指定してください。"
    payer_id = data.get("payer_id")
    if payer_id not in (None, "") and (isinstance(payer_id, bool) or not _is_whole(payer_id)):
        errors["payer_id"] = "payer_id（納付義務者ID）は整数で指定してください。"

    if errors:
        raise EventInvalid(errors)

    assert at is not None
    caller = _number(data.get("caller"), "caller", warnings)
    callee = _number(data.get("callee"), "callee", warnings)
    agent = _agent(_text(data.get("agent")), warnings)
    payer = None
    if payer_id not in (None, ""):
        payer = Payer.objects.filter(pk=int(payer_id)).first()
        if payer is None:
            warnings.append(f"納付義務者ID {payer_id} が見つかりません（紐付けずに記録しました）。")
    return EventIn(
        call_id=call_id,
        kind=kind,
        at=at,
        direction=direction,
        caller=caller,
        callee=callee,
        agent=agent,
        wait_seconds=seconds["wait_seconds"],
        talk_seconds=seconds["talk_seconds"],
        recording_ref=recording_ref,
        payer=payer,
        event_id=event_id,
        raw={k: v for k, v in data.items() if _jsonable(v)},
        warnings=warnings,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _is_whole(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(re.fullmatch(r"\d+", value.strip()))


def _jsonable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | type(None) | list | dict)


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        at = parse_datetime(value.strip())
    except ValueError:
        return None
    if at is None:
        return None
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_default_timezone())
    return at


def _number(value: Any, key: str, warnings: list[str]) -> str:
    """National digits; an unreadable number is kept as sent (cut to the column) and warned."""
    text = _text(value)
    if text.lower() in ANONYMOUS:
        return ""
    try:
        return normalize_phone(text, strict=False)
    except PhoneError:
        warnings.append(
            f"{key} の「{text[:30]}」は電話番号として読めません（そのまま記録しました）。"
        )
        return text[:20]


def _agent(code: str, warnings: list[str]) -> User | None:
    """The operator by staff_code (the PBX's agent id), else by username."""
    if not code:
        return None
    by_code = list(User.objects.filter(staff_code=code)[:2])
    if len(by_code) == 1:
        return by_code[0]
    user = User.objects.filter(username=code).first()
    if user is None:
        warnings.append(f"対応者「{code[:30]}」が見つかりません（対応者なしで記録しました）。")
    return user


# --- storing ---------------------------------------------------------------------------


def record_event(ev: EventIn, *, source: str, update_agents: bool = True) -> Recorded:
    """Stores the event once and moves the operator's state along.

    A retry (same source and event_id, or same call_id, kind and at) returns the stored
    row with created=False and changes nothing. `update_agents=False` is for history
    (demo data), which must not move anybody's live state.
    """
    with transaction.atomic():
        existing = _existing(ev, source)
        if existing is not None:
            return Recorded(existing, False, ev.warnings)
        try:
            with transaction.atomic():
                row = CallEvent.objects.create(
                    call_id=ev.call_id,
                    kind=ev.kind,
                    direction=ev.direction,
                    at=ev.at,
                    caller=ev.caller,
                    callee=ev.callee,
                    agent=ev.agent,
                    wait_seconds=ev.wait_seconds,
                    talk_seconds=ev.talk_seconds,
                    recording_ref=ev.recording_ref,
                    source=source,
                    raw=ev.raw,
                    event_id=ev.event_id,
                    payer=ev.payer or _inbound_payer(ev),
                )
        except IntegrityError:
            # a concurrent post of the same event won the race
            existing = _existing(ev, source)
            if existing is None:
                raise
            return Recorded(existing, False, ev.warnings)
        if update_agents:
            apply_to_agent(row)
        return Recorded(row, True, ev.warnings)


def _existing(ev: EventIn, source: str) -> CallEvent | None:
    if ev.event_id:
        row = CallEvent.objects.filter(source=source, event_id=ev.event_id).first()
        if row is not None:
            if (row.call_id, row.kind, row.at) != (ev.call_id, ev.kind, ev.at):
                raise EventConflict(
                    f"event_id「{ev.event_id}」は別のイベントで登録済みです"
                    f"（通話ID {row.call_id}、{row.kind}、{timezone.localtime(row.at):%Y-%m-%d %H:%M:%S}）。"
                )
            return row
    return CallEvent.objects.filter(call_id=ev.call_id, kind=ev.kind, at=ev.at).first()


def _inbound_payer(ev: EventIn) -> Payer | None:
    """On an answered inbound call, the one payer the number belongs to (for the board)."""
    if ev.kind != EventKind.ANSWERED or ev.direction != Direction.INBOUND or not ev.caller:
        return None
    from nofu.telephony.lookup import lookup_caller

    payers = lookup_caller(ev.caller)
    return payers[0] if len(payers) == 1 else None


def apply_to_agent(event: CallEvent) -> None:
    """answered / dialed → on a call; ended / abandoned of that call → wrap-up.

    An event older than the operator's current state does not move it (a late or
    replayed event must not pull someone back onto a finished call), nor does an
    answer arriving after the end of the same call.
    """
    agent_id = event.agent_id
    if event.kind in ENDS_CALL and agent_id is None:
        agent_id = (
            CallEvent.objects.filter(call_id=event.call_id, kind__in=STARTS_CALL)
            .exclude(agent=None)
            .values_list("agent_id", flat=True)
            .last()
        )
    if agent_id is None or event.kind not in (*STARTS_CALL, *ENDS_CALL):
        return
    status = AgentStatus.objects.select_for_update().filter(user_id=agent_id).first()
    if status is not None and event.at < status.since:
        return
    if event.kind in STARTS_CALL:
        ended = CallEvent.objects.filter(call_id=event.call_id, kind__in=ENDS_CALL).exists()
        if ended:
            return
        AgentStatus.objects.update_or_create(
            user_id=agent_id,
            defaults={
                "state": AgentState.ON_CALL,
                "since": event.at,
                "call_id": event.call_id,
                "payer": event.payer,
            },
        )
    elif (
        status is not None
        and status.state == AgentState.ON_CALL
        and status.call_id in (event.call_id, "")
    ):
        status.state = AgentState.WRAP_UP
        status.since = event.at
        status.call_id = event.call_id
        status.save(update_fields=["state", "since", "call_id"])


def open_waiting_calls(now: datetime | None = None, horizon_minutes: int = 60) -> Q:
    """Inbound calls queued within the horizon and neither answered nor given up (yet)."""
    now = now or timezone.now()
    since = now - timedelta(minutes=horizon_minutes)
    finished = CallEvent.objects.filter(
        at__gte=since - timedelta(minutes=5),
        kind__in=(EventKind.ANSWERED, EventKind.ABANDONED, EventKind.ENDED),
    ).values("call_id")
    return Q(kind=EventKind.QUEUED, at__gte=since) & ~Q(call_id__in=finished)
