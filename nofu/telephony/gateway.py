"""The one seam between nofu and a phone system (design.md: nofu never speaks a PBX
protocol outside its adapters).

Commands go out through a `PhoneGateway` (dial, hang up, start monitoring, tell the
phone system an operator's state); events come back through `receive`, which every
adapter funnels into `nofu.telephony.events.record_event`, so the records are the same
whatever the phone system. The adapter is chosen by one setting, read only in
`get_gateway()`:

    NOFU_PHONE_GATEWAY=simulated                       (default) the simulated phone
    NOFU_PHONE_GATEWAY=webhook+https://:TOKEN@host/path   a real phone system

The webhook adapter is for a PBX, or a small middleware beside it (Asterisk ARI,
FreeSWITCH ESL, a cloud PBX's API, …), that speaks HTTP both ways:

- it POSTs call events to nofu at `/api/telephony/events` with a token created by
  `nofu telephony_token create NAME` (see events.py for the JSON);
- nofu POSTs commands to the URL in the setting, with `Authorization: Bearer TOKEN`
  and a JSON body `{"command": ..., ...}`:

      {"command": "dial", "call_id": "nofu-…", "agent": "OLI01", "number": "0432455000",
       "payer_id": 12}
      {"command": "hangup", "call_id": "…"}
      {"command": "monitor", "supervisor": "SAM01", "agent": "OLI01", "call_id": "…"}
      {"command": "agent_state", "agent": "OLI01", "state": "ready"}

  and answers 2xx, optionally with JSON: for dial `{"call_id": "…"}` if the PBX uses
  its own ids (nofu then expects that id on the events), for monitor
  `{"monitor_id": "…"}`. Any other answer is an error shown to the user in Japanese.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from nofu.telephony.events import EventIn, Recorded, parse_event, record_event
from nofu.telephony.lookup import caller_digits
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind

log = logging.getLogger(__name__)

SIMULATED = "simulated"
CENTER_NUMBER = "0120000000"  # what the simulated phone shows as the center's number


class GatewayError(Exception):
    """The phone system refused or could not be reached; the message is for the user."""


@runtime_checkable
class PhoneGateway(Protocol):
    name: str

    def dial(self, agent: Any, number: str, *, payer_id: int | None = None) -> str:
        """Rings `number` from `agent`'s phone; returns the call id the events will carry."""
        ...

    def hangup(self, call_id: str) -> None: ...

    def start_monitor(self, supervisor: Any, agent: Any) -> str:
        """Lets `supervisor` listen to `agent`'s current call (第1章 8(7)エe); a session id."""
        ...

    def set_agent_state(self, agent: Any, state: str) -> None:
        """Tells the phone system whether to route calls to `agent` (ready or not)."""
        ...

    def receive(self, data: Any, *, source: str) -> Recorded:
        """An event from the phone system, as decoded JSON → stored once (or EventInvalid)."""
        ...


def _staff_code(user: Any) -> str:
    return getattr(user, "staff_code", "") or user.get_username()


def _digits_or_error(number: str) -> str:
    digits = caller_digits(number)
    if not digits:
        raise GatewayError(f"電話番号「{number}」に発信できません。番号を確かめてください。")
    return digits


class _Receiving:
    """Both adapters take the same JSON (events.py); a PBX with another format overrides."""

    name = ""

    def receive(self, data: Any, *, source: str) -> Recorded:
        return record_event(parse_event(data), source=source)


class SimulatedGateway(_Receiving):
    """The simulated phone: commands become events at once, as a PBX would report them.

    Inbound calls are rung by `nofu.telephony.simulator`; the queue of waiting calls
    advances when an operator becomes ready and on every `tick()`.
    """

    name = SIMULATED

    def emit(self, ev: EventIn, *, update_agents: bool = True) -> Recorded:
        return record_event(ev, source=SIMULATED, update_agents=update_agents)

    def dial(self, agent: Any, number: str, *, payer_id: int | None = None) -> str:
        digits = _digits_or_error(number)
        from nofu.payers.models import Payer

        payer = Payer.objects.filter(pk=payer_id).first() if payer_id else None
        with transaction.atomic():
            status = AgentStatus.objects.select_for_update().filter(user=agent).first()
            if status is not None and status.state == AgentState.ON_CALL:
                raise GatewayError("通話中のため発信できません。先に終話してください。")
            call_id = f"sim-{uuid.uuid4().hex[:20]}"
            self.emit(
                EventIn(
                    call_id=call_id,
                    kind=EventKind.DIALED,
                    at=timezone.now(),
                    direction=Direction.OUTBOUND,
                    caller=CENTER_NUMBER,
                    callee=digits,
                    agent=agent,
                    payer=payer,
                    raw={"simulated": True},
                )
            )
        return call_id

    def hangup(self, call_id: str) -> None:
        with transaction.atomic():
            events = list(CallEvent.objects.filter(call_id=call_id).order_by("at", "id"))
            if not events:
                raise GatewayError("この通話は見つかりません。")
            if any(e.kind in (EventKind.ENDED, EventKind.ABANDONED) for e in events):
                return  # already over: hanging up twice is harmless
            started = next(
                (e for e in events if e.kind in (EventKind.ANSWERED, EventKind.DIALED)), None
            )
            # never before the last event (a live answer is stamped after the IVR guidance)
            now = max(timezone.now(), events[-1].at + timedelta(seconds=1))
            first = events[0]
            self.emit(
                EventIn(
                    call_id=call_id,
                    kind=EventKind.ENDED,
                    at=now,
                    direction=first.direction,
                    caller=first.caller,
                    callee=first.callee,
                    agent=started.agent if started else None,
                    talk_seconds=int((now - started.at).total_seconds()) if started else None,
                    recording_ref=f"sim://recordings/{call_id}.wav" if started else "",
                    raw={"simulated": True},
                )
            )

    def start_monitor(self, supervisor: Any, agent: Any) -> str:
        status = AgentStatus.objects.filter(user=agent).first()
        if status is None or status.state != AgentState.ON_CALL:
            raise GatewayError(f"{agent} さんは通話中ではありません。")
        return f"sim-monitor-{uuid.uuid4().hex[:12]}"

    def set_agent_state(self, agent: Any, state: str) -> None:
        if state == AgentState.READY:
            from nofu.telephony.simulator import deliver_waiting

            deliver_waiting()


class WebhookGateway(_Receiving):
    """A real phone system that speaks HTTP: events in at /api/telephony/events,
    commands out to `command_url` (see the module docstring for both formats)."""

    name = "webhook"
    timeout_seconds = 5

    def __init__(self, command_url: str, token: str) -> None:
        self.command_url = command_url
        self.token = token

    def command(self, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.command_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:200]
            log.warning("phone command %s refused: %s %s", payload.get("command"), e.code, detail)
            raise GatewayError(
                f"電話システムが操作を受け付けませんでした（{e.code}）。{_message_of(detail)}"
            ) from e
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            log.warning("phone command %s failed: %s", payload.get("command"), e)
            raise GatewayError(
                "電話システムに接続できませんでした。しばらくしてからやり直してください。"
            ) from e
        try:
            answer = json.loads(text) if text.strip() else {}
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}

    def dial(self, agent: Any, number: str, *, payer_id: int | None = None) -> str:
        call_id = f"nofu-{uuid.uuid4().hex}"
        answer = self.command(
            {
                "command": "dial",
                "call_id": call_id,
                "agent": _staff_code(agent),
                "number": _digits_or_error(number),
                "payer_id": payer_id,
            }
        )
        return str(answer.get("call_id") or call_id)

    def hangup(self, call_id: str) -> None:
        self.command({"command": "hangup", "call_id": call_id})

    def start_monitor(self, supervisor: Any, agent: Any) -> str:
        status = AgentStatus.objects.filter(user=agent).first()
        answer = self.command(
            {
                "command": "monitor",
                "supervisor": _staff_code(supervisor),
                "agent": _staff_code(agent),
                "call_id": status.call_id if status else "",
            }
        )
        return str(answer.get("monitor_id") or "")

    def set_agent_state(self, agent: Any, state: str) -> None:
        self.command({"command": "agent_state", "agent": _staff_code(agent), "state": state})


def _message_of(detail: str) -> str:
    try:
        data = json.loads(detail)
    except ValueError:
        return ""
    return str(data.get("message", ""))[:200] if isinstance(data, dict) else ""


def gateway_from_url(value: str) -> PhoneGateway:
    """`simulated` or `webhook+http(s)://[:TOKEN@]host/path` → the adapter."""
    value = (value or SIMULATED).strip()
    if value == SIMULATED:
        return SimulatedGateway()
    if value.startswith("webhook+"):
        parts = urlsplit(value.removeprefix("webhook+"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(f"NOFU_PHONE_GATEWAY: URL が正しくありません: {value!r}")
        token = parts.password or parts.username or ""
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        url = urlunsplit((parts.scheme, host, parts.path or "/", parts.query, ""))
        return WebhookGateway(url, token)
    raise ImproperlyConfigured(
        f"NOFU_PHONE_GATEWAY は simulated か webhook+https://… で指定してください: {value!r}"
    )


def get_gateway() -> PhoneGateway:
    """The configured adapter; the only reader of NOFU_PHONE_GATEWAY."""
    return gateway_from_url(getattr(settings, "NOFU_PHONE_GATEWAY", SIMULATED))


def is_simulated() -> bool:
    return isinstance(get_gateway(), SimulatedGateway)
