"""The simulated phone: inbound calls as a PBX with an IVR and a queue would report them.

One call from `simulate_inbound(number, ...)`:

- outside the inbound operating hours (business calendar): `offered`, the after-hours
  announcement (`after_hours`), `ended`;
- an operator is ready (or `agent` is given): `offered`, the IVR guidance
  (`ivr_guidance`), `answered` by the operator who has been ready longest — their
  screen rings;
- nobody is ready: `offered`, `queued`. A live call then waits: the first operator to
  become ready gets it (順次着信, oldest first); after `busy_after` seconds the busy
  announcement plays (`busy_message`); after `patience` seconds the caller hangs up
  (`abandoned`). `tick()` moves waiting calls along and is called whenever somebody
  looks (the softphone's poll, the simulator page, a state change).

`simulate_burst` rings many calls at once for a demo, or writes a stretch of realistic
history (`live=False`: a small discrete-event simulation over the operators, which
never touches anybody's live state) for demo data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nofu.accounts.models import Role, User
from nofu.lib.business_calendar import Work, is_operating
from nofu.payers.models import Phone, PhoneStatus
from nofu.telephony.events import EventIn, open_waiting_calls
from nofu.telephony.gateway import CENTER_NUMBER, SIMULATED, GatewayError, SimulatedGateway
from nofu.telephony.lookup import caller_digits, lookup_caller
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind

BUSY_AFTER_SECONDS = 20  # waiting this long, the caller hears the busy announcement
PATIENCE_SECONDS = 90  # a live caller nobody answers hangs up after this long
IVR_SECONDS = 8  # the guidance before the call reaches an operator
AFTER_HOURS_SECONDS = 15  # the after-hours announcement, then the line drops

ANSWERED = "answered"
QUEUED = "queued"
ABANDONED = "abandoned"
AFTER_HOURS = "after_hours"
OUTCOME_LABELS = {
    ANSWERED: "応答",
    QUEUED: "待ち呼（待機中のオペレーターなし）",
    ABANDONED: "放棄",
    AFTER_HOURS: "時間外アナウンス",
}


@dataclass
class SimulatedCall:
    call_id: str
    number: str
    outcome: str
    agent: User | None = None
    payers: list[Any] = field(default_factory=list)
    events: list[CallEvent] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def center_open(at: datetime) -> bool:
    """Whether the center takes inbound calls at `at` (no weekend session planned)."""
    return is_operating(timezone.localtime(at), Work.INBOUND)


def _new_call_id() -> str:
    import uuid

    return f"sim-{uuid.uuid4().hex[:20]}"


class _Call:
    """Writes the events of one simulated inbound call."""

    def __init__(self, call_id: str, caller: str, *, live: bool) -> None:
        self.gw = SimulatedGateway()
        self.call_id, self.caller, self.live = call_id, caller, live
        self.events: list[CallEvent] = []

    def emit(self, kind: str, at: datetime, **kw: Any) -> CallEvent:
        raw = {"simulated": True, **kw.pop("raw", {})}
        rec = self.gw.emit(
            EventIn(
                call_id=self.call_id,
                kind=kind,
                at=at,
                direction=Direction.INBOUND,
                caller=self.caller,
                callee=CENTER_NUMBER,
                raw=raw,
                **kw,
            ),
            update_agents=self.live,
        )
        self.events.append(rec.event)
        return rec.event


def _ready_agent() -> User | None:
    """The operator who has been ready longest, locked so two calls cannot both take them."""
    status = (
        AgentStatus.objects.select_for_update(skip_locked=True)
        .filter(state=AgentState.READY, user__is_active=True)
        .select_related("user")
        .order_by("since", "id")
        .first()
    )
    return status.user if status else None


def simulate_inbound(
    number: str,
    *,
    at: datetime | None = None,
    agent: User | None = None,
    wait_seconds: int = 0,
    talk_seconds: int | None = None,
    patience: int | None = PATIENCE_SECONDS,
    busy_after: int = BUSY_AFTER_SECONDS,
    ivr: bool = True,
    force_open: bool = False,
    live: bool = True,
) -> SimulatedCall:
    """Rings one call from `number` (blank: a withheld number) into the center.

    `agent` forces who answers, after `wait_seconds` in the queue; without it a live
    call goes to the ready operator, or waits. `talk_seconds` ends an answered call.
    `force_open` ignores the operating hours (a demo in the evening). `live=False`
    writes history: nobody's state moves, and a call nobody answers is given up after
    `patience` at once.
    """
    caller = caller_digits(number)
    if number.strip() and not caller:
        raise GatewayError(f"「{number}」は電話番号として読めません。")
    ring_now = at is None
    at = at or timezone.now()
    call = _Call(_new_call_id(), caller, live=live)
    payers = lookup_caller(caller) if caller else []
    with transaction.atomic():
        if not force_open and not center_open(at):
            call.emit(EventKind.OFFERED, at)
            call.emit(EventKind.AFTER_HOURS, at + timedelta(seconds=1))
            call.emit(EventKind.ENDED, at + timedelta(seconds=AFTER_HOURS_SECONDS))
            return SimulatedCall(call.call_id, caller, AFTER_HOURS, None, payers, call.events)
        if agent is None and live and wait_seconds == 0:
            agent = _ready_agent()
        if agent is not None and ring_now and wait_seconds <= 0:
            # rung "now": the guidance has just played, so the operator answers now
            at -= timedelta(seconds=IVR_SECONDS if ivr else 1)
        call.emit(EventKind.OFFERED, at)
        if agent is not None:
            if wait_seconds <= 0:
                answered_at = at + timedelta(seconds=IVR_SECONDS if ivr else 1)
                if ivr:
                    call.emit(EventKind.IVR_GUIDANCE, at + timedelta(seconds=1))
            else:
                answered_at = at + timedelta(seconds=wait_seconds)
                call.emit(EventKind.QUEUED, at + timedelta(seconds=1))
                if wait_seconds > busy_after:
                    call.emit(EventKind.BUSY_MESSAGE, at + timedelta(seconds=busy_after))
            call.emit(
                EventKind.ANSWERED,
                answered_at,
                agent=agent,
                wait_seconds=int((answered_at - at).total_seconds()),
            )
            if talk_seconds is not None:
                call.emit(
                    EventKind.ENDED,
                    answered_at + timedelta(seconds=talk_seconds),
                    agent=agent,
                    talk_seconds=talk_seconds,
                    recording_ref=f"sim://recordings/{call.call_id}.wav",
                )
            return SimulatedCall(call.call_id, caller, ANSWERED, agent, payers, call.events)
        patience = patience if patience is not None else PATIENCE_SECONDS
        call.emit(EventKind.QUEUED, at, raw={"patience": patience, "busy_after": busy_after})
        if live:
            return SimulatedCall(call.call_id, caller, QUEUED, None, payers, call.events)
        if patience > busy_after:
            call.emit(EventKind.BUSY_MESSAGE, at + timedelta(seconds=busy_after))
        call.emit(EventKind.ABANDONED, at + timedelta(seconds=patience), wait_seconds=patience)
        return SimulatedCall(call.call_id, caller, ABANDONED, None, payers, call.events)


def tick(now: datetime | None = None) -> int:
    """Moves the simulated waiting calls along; returns how many calls changed.

    Oldest first: a caller whose patience ran out has hung up (even if someone is ready
    now); the busy announcement is written at the moment it played; then a ready
    operator takes the call. Called on every softphone poll, so it only takes a lock
    when something is due.
    """
    now = now or timezone.now()
    waiting = list(
        CallEvent.objects.filter(open_waiting_calls(now), source=SIMULATED).order_by("at", "id")
    )
    if not waiting:
        return 0
    kinds_of: dict[str, set[str]] = {}
    offered_of: dict[str, datetime] = {}
    for call_id, kind, when in CallEvent.objects.filter(
        call_id__in=[q.call_id for q in waiting]
    ).values_list("call_id", "kind", "at"):
        kinds_of.setdefault(call_id, set()).add(kind)
        if kind == EventKind.OFFERED:
            offered_of[call_id] = when
    someone_ready = AgentStatus.objects.filter(state=AgentState.READY).exists()
    changed = 0
    for queued in waiting:
        offered = offered_of.get(queued.call_id, queued.at)
        patience = int(queued.raw.get("patience") or PATIENCE_SECONDS)
        busy_after = int(queued.raw.get("busy_after") or BUSY_AFTER_SECONDS)
        busy_at = offered + timedelta(seconds=busy_after)
        give_up_at = offered + timedelta(seconds=patience)
        busy_due = (
            EventKind.BUSY_MESSAGE not in kinds_of.get(queued.call_id, set())
            and busy_at <= now
            and busy_at < give_up_at
        )
        if not (busy_due or give_up_at <= now or someone_ready):
            continue
        with transaction.atomic():
            row = CallEvent.objects.select_for_update().filter(pk=queued.pk).first()
            kinds = set(
                CallEvent.objects.filter(call_id=queued.call_id).values_list("kind", flat=True)
            )
            if row is None or kinds & {EventKind.ANSWERED, EventKind.ABANDONED, EventKind.ENDED}:
                continue
            call = _Call(queued.call_id, queued.caller, live=True)
            if EventKind.BUSY_MESSAGE not in kinds and busy_at <= now and busy_at < give_up_at:
                call.emit(EventKind.BUSY_MESSAGE, busy_at)
            if give_up_at <= now:
                call.emit(EventKind.ABANDONED, give_up_at, wait_seconds=patience)
                changed += 1
                continue
            agent = _ready_agent() if someone_ready else None
            if agent is not None:
                call.emit(
                    EventKind.ANSWERED,
                    now,
                    agent=agent,
                    wait_seconds=int((now - offered).total_seconds()),
                )
                changed += 1
            else:
                someone_ready = False  # taken by an earlier call in this round
    return changed


def deliver_waiting() -> int:
    """An operator became ready: the oldest waiting call goes to them (via tick)."""
    return tick()


def waiting_calls(now: datetime | None = None) -> list[CallEvent]:
    """The queued calls still waiting (any gateway), oldest first."""
    return list(CallEvent.objects.filter(open_waiting_calls(now)).order_by("at", "id"))


# --- many calls -----------------------------------------------------------------------


def _numbers(rng: random.Random, count: int, known_share: float) -> list[str]:
    """Numbers of known payers (about `known_share` of them) and made-up mobile numbers."""
    phones = Phone.objects.exclude(status=PhoneStatus.INVALID).order_by("id")
    total = phones.count()
    offset = rng.randrange(max(total - count * 3, 0) + 1)
    known = list(phones.values_list("number", flat=True)[offset : offset + count * 3])
    out = []
    for _ in range(count):
        if known and rng.random() < known_share:
            out.append(rng.choice(known))
        else:
            out.append(f"090{rng.randrange(10**8):08d}")
    return out


def simulate_burst(
    count: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    live: bool = True,
    agents: list[User] | None = None,
    known_share: float = 0.7,
    force_open: bool = False,
    seed: int | None = None,
) -> list[SimulatedCall]:
    """`count` inbound calls: live now (they ring, queue and time out like single calls),
    or as history spread over [start, end) (default: the last hour) answered by
    `agents` (default: the active operators) in a small queueing simulation."""
    rng = random.Random(seed)
    numbers = _numbers(rng, count, known_share)
    if live:
        return [
            simulate_inbound(n, patience=rng.randint(30, 180), force_open=force_open)
            for n in numbers
        ]
    end = end or timezone.now()
    start = start or end - timedelta(hours=1)
    span = max((end - start).total_seconds(), 1)
    times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    if agents is None:
        agents = list(User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("pk"))
    free_at = dict.fromkeys(range(len(agents)), start)
    calls: list[SimulatedCall] = []
    for at, number in zip(times, numbers, strict=True):
        at = at.replace(microsecond=0)
        if not force_open and not center_open(at):
            calls.append(simulate_inbound(number, at=at, live=False))
            continue
        patience = rng.randint(20, 180)
        talk = int(min(max(rng.lognormvariate(math.log(180), 0.6), 30), 1200))
        if not agents:
            calls.append(
                simulate_inbound(
                    number, at=at, patience=patience, force_open=force_open, live=False
                )
            )
            continue
        i = min(free_at, key=lambda k: free_at[k])
        wait = max(0, math.ceil((free_at[i] - at).total_seconds()))
        if wait > patience:
            calls.append(
                simulate_inbound(
                    number, at=at, patience=patience, force_open=force_open, live=False
                )
            )
            continue
        answered_at = at + timedelta(seconds=wait if wait else IVR_SECONDS)
        free_at[i] = answered_at + timedelta(seconds=talk + rng.randint(30, 120))
        calls.append(
            simulate_inbound(
                number,
                at=at,
                agent=agents[i],
                wait_seconds=wait,
                talk_seconds=talk,
                force_open=force_open,
                live=False,
            )
        )
    return calls
