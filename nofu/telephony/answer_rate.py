"""The answer rate (応答率) exactly as 第2章 Ⅱ.5 defines it, from the phone system's events.

    応答 = a call from a payer (or anyone) within operating hours on which a conversation
           started — or, where an IVR answers, on which the voice guidance started, except
           the busy (混雑時) announcement.
    応答率 = 応答 / all inbound calls within operating hours.  (target: 90 % or more)

So, per inbound call (all events sharing a call_id):

- the call is dated by its `offered` event (or its first event, if the phone system
  sent no `offered`); a call belongs to the period in which it was offered, even if it
  was answered after the period ended;
- outside operating hours it counts in neither figure: the phone system played the
  after-hours announcement (`after_hours`), or it was offered outside the inbound hours
  of the business calendar (weekdays 8:30–17:30 except the city's holidays; Saturday
  and Sunday sessions 10:00–16:00);
- answered when a person answered (`answered`) or the IVR guidance started
  (`ivr_guidance`); the busy announcement (`busy_message`) alone is not an answer, nor
  is waiting in the queue (`queued`) or hanging up (`abandoned`).

Which weekend days had a session is not recorded anywhere yet; unless a SessionPlan is
passed, a Saturday or Sunday counts as a session day when an inbound call was answered
by a person or a contact was recorded that day (the same rule as nofu.reports).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models.functions import TruncDate
from django.utils import timezone

from nofu.lib.business_calendar import NO_EXTRA, SessionPlan, Work, is_operating
from nofu.telephony.models import CallEvent, Direction, EventKind

ANSWER_KINDS = frozenset({EventKind.ANSWERED, EventKind.IVR_GUIDANCE})
MARGIN = timedelta(days=1)  # events of a call are looked for this far beyond the period


class AnswerRate(NamedTuple):
    answered: int
    offered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None


@dataclass
class InboundCall:
    call_id: str
    offered_at: datetime
    kinds: set[str] = field(default_factory=set)
    within_hours: bool = True

    @property
    def answered(self) -> bool:
        return bool(self.kinds & ANSWER_KINDS)


def _bounds(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    """Dates are whole days, both included; datetimes are the half-open [start, end)."""
    zone = timezone.get_default_timezone()
    if not isinstance(start, datetime):
        start = datetime.combine(start, time.min, zone)
    if not isinstance(end, datetime):
        end = datetime.combine(end + timedelta(days=1), time.min, zone)
    if timezone.is_naive(start):
        start = timezone.make_aware(start, zone)
    if timezone.is_naive(end):
        end = timezone.make_aware(end, zone)
    return start, end


def inbound_calls(
    start: date | datetime,
    end: date | datetime,
    *,
    plan: SessionPlan | None = None,
    extra_closed: Collection[date] = NO_EXTRA,
) -> list[InboundCall]:
    """Every inbound call offered in the period, classified (see the module docstring)."""
    lo, hi = _bounds(start, end)
    rows = (
        CallEvent.objects.filter(
            direction=Direction.INBOUND, at__gte=lo - MARGIN, at__lt=hi + MARGIN
        )
        .values_list("call_id", "kind", "at")
        .order_by("at", "id")
    )
    calls: dict[str, InboundCall] = {}
    offered: dict[str, datetime] = {}
    for call_id, kind, at in rows.iterator(chunk_size=5000):
        c = calls.get(call_id)
        if c is None:
            c = calls[call_id] = InboundCall(call_id, at)
        c.kinds.add(kind)
        if kind == EventKind.OFFERED and call_id not in offered:
            offered[call_id] = at
    for call_id, at in offered.items():
        calls[call_id].offered_at = at
    in_period = [c for c in calls.values() if lo <= c.offered_at < hi]
    if plan is None:
        plan = SessionPlan.of(weekend=_weekend_sessions(in_period))
    zone = timezone.get_default_timezone()
    for c in in_period:
        c.within_hours = EventKind.AFTER_HOURS not in c.kinds and is_operating(
            timezone.localtime(c.offered_at, zone), Work.INBOUND, plan, extra_closed
        )
    return sorted(in_period, key=lambda c: (c.offered_at, c.call_id))


def _weekend_sessions(calls: Iterable[InboundCall]) -> set[date]:
    """Saturdays and Sundays on which the center evidently worked."""
    from nofu.calls.models import ContactEvent

    zone = timezone.get_default_timezone()
    weekend = {
        timezone.localtime(c.offered_at, zone).date()
        for c in calls
        if timezone.localtime(c.offered_at, zone).weekday() >= 5
    }
    if not weekend:
        return set()
    worked = {
        timezone.localtime(c.offered_at, zone).date()
        for c in calls
        if EventKind.ANSWERED in c.kinds
    }
    lo, hi = _bounds(min(weekend), max(weekend))
    worked |= set(
        ContactEvent.objects.filter(at__gte=lo, at__lt=hi)
        .annotate(d=TruncDate("at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    return weekend & worked


def answer_rate(
    start: date | datetime,
    end: date | datetime,
    *,
    plan: SessionPlan | None = None,
    extra_closed: Collection[date] = NO_EXTRA,
) -> AnswerRate:
    """(answered, offered) over the period; `.rate` is answered / offered or None.

    `start`/`end` as dates: those whole days, both included (answer_rate(d, d) is one
    day); as datetimes: the half-open interval [start, end).
    """
    answered = offered = 0
    for c in inbound_calls(start, end, plan=plan, extra_closed=extra_closed):
        if not c.within_hours:
            continue
        offered += 1
        answered += c.answered
    return AnswerRate(answered, offered)
