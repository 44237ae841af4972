"""What the live board shows, as plain data (the page renders it once, the stream pushes it).

Everything is counted from the records themselves — operator states (AgentStatus),
contacts and promises, phone events (CallEvent), complaints — never typed in. The
yearly target (第2章Ⅰ.4: 80,000 outbound calls, April–March) becomes a daily pace:
what is still needed per business day, and the shortfall if the pace so far continues.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from nofu.accounts.models import Role, User
from nofu.calllists import planning
from nofu.calllists.models import (
    AnnualTarget,
    ClosedDay,
    Lease,
    ListMember,
    ListVersion,
    MemberStatus,
    VersionStatus,
)
from nofu.calls.models import (
    Complaint,
    ComplaintStatus,
    ContactEvent,
    ContactKind,
    ContactResult,
    PaymentPromise,
)
from nofu.lib.business_calendar import TOKYO, is_business_day
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind

DEFAULT_TARGET = 80_000  # 第2章Ⅰ.4 履行基準


@dataclass(frozen=True)
class Pace:
    fiscal_year: int
    target: int
    done: int  # outbound calls this fiscal year, today included
    done_before_today: int
    days_elapsed: int  # business days before today
    days_left: int  # business days from today (included) to 31 March
    needed_per_day: int  # today's target: what keeps the year on track
    pace_per_day: float | None  # the average so far
    forecast: int | None  # the year's total if the pace so far continues
    shortfall: int | None  # how many would be missing then (0 when on track)


def target_for(fiscal_year: int) -> int:
    row = AnnualTarget.objects.filter(fiscal_year=fiscal_year).first()
    return row.outbound_calls if row else DEFAULT_TARGET


def outbound_calls(start: datetime, end: datetime) -> int:
    return ContactEvent.objects.filter(kind=ContactKind.OUTBOUND, at__gte=start, at__lt=end).count()


def pace(now: datetime) -> Pace:
    today = timezone.localdate(now)
    fy = planning.fiscal_year_of(today)
    first, last = planning.fiscal_year_bounds(fy)
    closed = frozenset(
        ClosedDay.objects.filter(date__range=(first, last)).values_list("date", flat=True)
    )
    elapsed = left = 0
    d = first
    while d <= last:
        if is_business_day(d, closed):
            if d < today:
                elapsed += 1
            else:
                left += 1
        d += timedelta(days=1)
    start = _day_start(first)
    midnight = _day_start(today)
    before = outbound_calls(start, midnight)
    done = before + outbound_calls(midnight, midnight + timedelta(days=1))
    target = target_for(fy)
    needed = math.ceil(max(0, target - before) / left) if left else 0
    per_day = before / elapsed if elapsed else None
    forecast = round(before + per_day * left) if per_day is not None else None
    shortfall = max(0, target - forecast) if forecast is not None else None
    return Pace(fy, target, done, before, elapsed, left, needed, per_day, forecast, shortfall)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), TOKYO)


def _hm(dt: datetime | None) -> str:
    return timezone.localtime(dt).strftime("%H:%M") if dt else ""


def _minutes(a: datetime | None, b: datetime) -> int | None:
    return int((b - a).total_seconds() // 60) if a else None


def snapshot(now: datetime) -> dict[str, Any]:
    """The board at `now`, JSON-ready."""
    today = timezone.localdate(now)
    start = _day_start(today)
    p = pace(now)

    # operators: everyone with a state, and active operators who have none yet (offline)
    statuses = {
        s.user_id: s
        for s in AgentStatus.objects.select_related("user", "payer").order_by("user__username")
    }
    leases = {lease.operator_id: lease for lease in Lease.objects.filter(expires_at__gt=now)}
    users = list(
        User.objects.filter(Q(pk__in=list(statuses)) | Q(role=Role.OPERATOR, is_active=True))
        .order_by("username")
        .distinct()
    )
    calls_by = dict(
        ContactEvent.objects.filter(kind=ContactKind.OUTBOUND, at__gte=start)
        .values("operator_id")
        .annotate(n=Count("id"))
        .values_list("operator_id", "n")
    )
    operators = []
    for u in users:
        s = statuses.get(u.pk)
        state = s.state if s else AgentState.OFFLINE
        payer = s.payer if s else None
        lease = leases.get(u.pk)
        operators.append(
            {
                "id": u.pk,
                "name": str(u),
                "state": state,
                "state_label": AgentState(state).label,
                "since": _hm(s.since) if s else "",
                "minutes": _minutes(s.since, now) if s else None,
                "payer": (
                    {"id": payer.pk, "name": payer.name, "no": payer.payer_no} if payer else None
                ),
                "reason": lease.reason if lease and payer and lease.payer_id == payer.pk else "",
                "calls_today": calls_by.get(u.pk, 0),
            }
        )
    counts = {k: sum(1 for o in operators if o["state"] == k) for k in AgentState.values}

    # today's work
    todays = ContactEvent.objects.filter(at__gte=start, at__lt=start + timedelta(days=1))
    outbound = todays.filter(kind=ContactKind.OUTBOUND)
    promises = PaymentPromise.objects.filter(  # promises of today's contacts; a plan counts once
        contact__at__gte=start, contact__at__lt=start + timedelta(days=1), plan_seq=1
    ).aggregate(n=Count("id"), amount=Sum("amount"))
    work = {
        "calls": outbound.count(),
        "reached": outbound.filter(result__in=ContactResult.reached()).count(),
        "inbound": todays.filter(kind__in=[ContactKind.INBOUND, ContactKind.RETURN_CALL]).count(),
        "promises": promises["n"] or 0,
        "promised_amount": promises["amount"] or 0,
        "target": p.needed_per_day,
    }
    work["progress"] = (
        min(100, round(100 * work["calls"] / work["target"])) if work["target"] else 100
    )

    # inbound queue from the phone events
    events = CallEvent.objects.filter(direction=Direction.INBOUND, at__gte=start)
    finished = set(
        events.filter(
            kind__in=[EventKind.ANSWERED, EventKind.ABANDONED, EventKind.ENDED]
        ).values_list("call_id", flat=True)
    )
    queued = (
        events.filter(kind=EventKind.QUEUED)
        .values("call_id")
        .annotate(at=Min("at"))
        .values_list("call_id", "at")
    )
    waiting = [at for cid, at in queued if cid not in finished]
    longest = int((now - min(waiting)).total_seconds()) if waiting else 0
    answered = events.filter(kind__in=[EventKind.ANSWERED, EventKind.IVR_GUIDANCE]).count()
    offered = events.filter(kind=EventKind.OFFERED).count()
    inbound = {
        "waiting": len(waiting),
        "longest_wait": longest,
        "longest_wait_text": f"{longest // 60}分{longest % 60:02d}秒" if waiting else "—",
        "offered": offered,
        "answered": answered,
        "abandoned": events.filter(kind=EventKind.ABANDONED).count(),
        "answer_rate": round(100 * answered / offered, 1) if offered else None,
    }

    # escalations
    open_complaints = Complaint.objects.filter(
        status__in=[ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS]
    ).select_related("payer", "created_by")
    escalations = {
        "open": open_complaints.count(),
        "items": [
            {
                "id": c.pk,
                "at": timezone.localtime(c.created_at).strftime("%m/%d %H:%M"),
                "payer": c.payer.name if c.payer else "（不明）",
                "content": c.content[:60],
                "status": c.get_status_display(),
                "by": str(c.created_by),
            }
            for c in open_complaints[:5]
        ],
    }

    # published lists and how far they are
    versions = list(
        ListVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("call_list")
        .order_by("priority", "published_at")
    )
    by_status: dict[tuple[int, str], int] = {}
    ready: dict[int, int] = {}
    if versions:
        for vid, st, n in (
            ListMember.objects.filter(version__in=versions)
            .values("version_id", "status")
            .annotate(n=Count("id"))
            .values_list("version_id", "status", "n")
        ):
            by_status[(vid, st)] = n
        ready = dict(
            ListMember.objects.filter(version__in=versions, status=MemberStatus.PENDING)
            .filter(Q(next_at__isnull=True) | Q(next_at__lte=now))
            .exclude(Exists(Lease.objects.filter(payer_id=OuterRef("payer_id"))))
            .values("version_id")
            .annotate(n=Count("id"))
            .values_list("version_id", "n")
        )
    lists = [
        {
            "id": v.pk,
            "name": v.label,
            "audience": v.get_audience_display(),
            "members": v.member_count,
            "done": by_status.get((v.pk, MemberStatus.DONE), 0),
            "skipped": by_status.get((v.pk, MemberStatus.SKIPPED), 0),
            "pending": by_status.get((v.pk, MemberStatus.PENDING), 0),
            "ready": ready.get(v.pk, 0),
        }
        for v in versions
    ]

    days = planning.days_around(today)
    windows = [f"{s:%H:%M}〜{e:%H:%M}" for _, s, e in days.windows(today)]
    merged = _merge(days.windows(today))
    nxt = None if days.is_operating(now) else days.next_open(now)
    return {
        "now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S"),
        "operating": days.is_operating(now),
        "hours_today": "、".join(merged) if windows else "休業日（架電なし）",
        "next_open": timezone.localtime(nxt).strftime("%m/%d %H:%M") if nxt else "",
        "operators": operators,
        "state_counts": counts,
        "work": work,
        "inbound": inbound,
        "escalations": escalations,
        "lists": lists,
        "pace": asdict(p),
    }


def _merge(windows: list[tuple[Any, datetime, datetime]]) -> list[str]:
    """Adjacent windows as one span: 9:00〜20:00 on a day with a night session."""
    spans: list[list[datetime]] = []
    for _, s, e in windows:
        if spans and spans[-1][1] == s:
            spans[-1][1] = e
        else:
            spans.append([s, e])
    return [f"{s:%H:%M}〜{e:%H:%M}" for s, e in spans]
