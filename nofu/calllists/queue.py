"""The seam between call lists and the operator screen: who is called next.

The operator screen (nofu.calls) calls only `next_payer` and `release`; how the next
payer is chosen lives behind them:

1. nothing outside operating hours (business calendar + the month's planned sessions);
2. scheduled callbacks first, once due (the operator who promised it, then anyone);
3. then the published lists the operator may work (shared, or named to them), by
   priority and rank, each candidate checked against the rules (`rules.decide`):
   paid, promised, on hold, called too often today or this week, too soon after no
   answer or at the same time of day — deferred or taken off the list with the reason;
4. a payer is never offered to two operators at once: the offer is a `Lease` row whose
   payer is unique in the database (inserted with ON CONFLICT DO NOTHING, so a clash is
   an answer, not an error); candidates are claimed one at a time with
   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, and SQLite's write lock (every
   transaction begins IMMEDIATE) serializes the whole choice.

`release` (or the next `next_payer` of the same operator, or the lease expiring) reads
what was recorded while the payer was offered (contacts, promises) and moves the list
member on: done, retry later, or off the list.

Lock order, so that offers never deadlock: row locks are only ever taken with SKIP
LOCKED, except by plain UPDATEs of list members while settling, which run before the
settled lease is deleted; an insert that meets that (committed, still present) lease
does nothing at once instead of waiting.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from nofu.calllists import clock, planning, sql
from nofu.calllists.models import (
    Audience,
    Callback,
    Lease,
    ListMember,
    ListVersion,
    MemberStatus,
    VersionStatus,
)
from nofu.calllists.rules import POLICY, Contact, Facts, decide, md, outcome
from nofu.calls.models import ContactResult
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony.models import AgentState, AgentStatus

LEASE_MINUTES = int(POLICY.lease.total_seconds() // 60)
CALLBACKS_AT_ONCE = 5  # due callbacks looked at per offer
MAX_CANDIDATES = 200  # per list per offer; beyond that the list is all deferred for now
CONTACT_WINDOW = timedelta(days=14)
SWEEP_SECONDS = 60.0  # how often a process looks for expired leases of others


@dataclass
class Offer:
    payer: Payer
    reason: str  # why this payer now, shown to the operator
    list_name: str = ""


@transaction.atomic
def next_payer(*, operator: Any) -> Offer | None:
    """The next payer for this operator, leased to them alone; None when there is none now."""
    now = clock.now()
    days = planning.days_around(timezone.localdate(now))
    _sweep_expired(now, days)
    held = sql.one(sql.held_lease(), [operator.pk])
    if held is not None:
        _settle(_Held(*held), now, days)
    offer = None
    if days.is_operating(now):
        offer = _from_callbacks(operator, now) or _from_lists(operator, now, days)
    _show(operator, offer.payer if offer else None, now)
    return offer


@transaction.atomic
def release(*, operator: Any) -> None:
    """The operator is done with the offered payer; what they recorded decides what follows."""
    now = clock.now()
    held = sql.one(sql.held_lease(), [operator.pk])
    if held is not None:
        _settle(_Held(*held), now, planning.days_around(timezone.localdate(now)))
    AgentStatus.objects.filter(user=operator).update(payer=None)


def current(*, operator: Any) -> Lease | None:
    """The operator's current offer, if any (for screens that reload)."""
    return (
        Lease.objects.select_related("payer", "member__version__call_list")
        .filter(operator=operator, expires_at__gt=clock.now())
        .first()
    )


# --- choosing -------------------------------------------------------------------------------


def _from_callbacks(operator: Any, now: datetime) -> Offer | None:
    due = sql.rows(
        sql.callbacks_due(),
        [sql.p_dt(now), operator.pk, sql.p_dt(now - POLICY.callback_open_after), sql.p_dt(now)],
    )
    for cb_id, payer_id, due_at, note in due:
        facts, payer = _facts(payer_id, now)
        if facts.hold_end and facts.hold_end >= timezone.localdate(now):
            continue  # a hold wins; the callback waits (the manager sees it on the hold)
        when = timezone.localtime(sql.dt(due_at))
        reason = f"折り返し予約（{when:%H:%M}）" + (f"：{note}" if note else "")
        if _lease(operator, payer_id, now, reason=reason, callback_id=cb_id):
            return Offer(payer=payer, reason=reason, list_name="折り返し")  # type: ignore[arg-type]
    return None


def versions_for(operator: Any) -> list[ListVersion]:
    """Published versions this operator works, first priority first."""
    named = ListVersion.operators.through.objects.filter(user_id=operator.pk)
    return list(
        ListVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .filter(
            Q(audience=Audience.SHARED)
            | Q(audience=Audience.NAMED, pk__in=named.values("listversion_id"))
        )
        .select_related("call_list")
        .order_by("priority", "published_at", "id")
    )


def _from_lists(operator: Any, now: datetime, days: planning.Days) -> Offer | None:
    """Claims one candidate at a time (LIMIT 1 … SKIP LOCKED): an offer in progress hides
    only the row it is deciding on, so fifty operators pulling at once each get their own
    next row instead of waiting for, or skipping past, rows the others merely looked at."""
    at = sql.p_dt(now)
    for version_id, number, created_at, list_name in sql.rows(sql.VERSIONS, [operator.pk]):
        listed_since = sql.dt(created_at)
        after = 0  # ranks start at 1
        for _ in range(MAX_CANDIDATES):
            row = sql.one(sql.candidate(), [version_id, after, at, at])
            if row is None:
                break
            member_id, payer_id, rank, owed, note = row
            after = rank
            facts, payer = _facts(payer_id, now)
            d = decide(facts, now, days, listed_since=listed_since)
            if d.ok:
                reason = f"{list_name} {rank:,}番目・対象未納額 {owed:,}円"
                if note:
                    reason += f"（前回：{note}）"
                if _lease(operator, payer_id, now, reason=reason, member_id=member_id):
                    return Offer(
                        payer=payer,  # type: ignore[arg-type]
                        reason=reason,
                        list_name=f"{list_name}（第{number}版）",
                    )
                continue  # the payer is on offer from another list right now
            status = d.final or MemberStatus.PENDING
            retry = None if d.final else (d.retry_at or now + timedelta(days=1))
            sql.run(sql.MEMBER_DEFER, [status, sql.p_dt(retry), d.reason[:200], at, member_id])
    return None


def _lease(
    operator: Any,
    payer_id: int,
    now: datetime,
    *,
    reason: str,
    member_id: int | None = None,
    callback_id: int | None = None,
) -> bool:
    """Takes the payer for this operator; False when someone else holds them.

    One statement on both databases (INSERT … ON CONFLICT DO NOTHING RETURNING): the
    unique payer decides, and a clash costs no savepoint. A clash with a lease that has
    expired (and was not yet swept) settles that lease; the payer then waits as its outcome
    says, like any other.
    """
    params = [
        payer_id,
        operator.pk,
        member_id,
        callback_id,
        reason[:200],
        sql.p_dt(now),
        sql.p_dt(now + POLICY.lease),
    ]
    if sql.one(sql.LEASE_INSERT, params) is not None:
        return True
    _take_over_expired(payer_id, now)
    return False


def _take_over_expired(payer_id: int, now: datetime) -> bool:
    """Ends another operator's expired lease on this payer, if nobody holds it any more."""
    lease = (
        Lease.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(payer_id=payer_id, expires_at__lte=now)
        .first()
    )
    if lease is None or _still_busy(lease, now):
        return False
    _settle_lease(lease, now)
    return True


def _show(operator: Any, payer: Payer | None, now: datetime) -> None:
    """The board shows who each operator is calling (AgentStatus.payer)."""
    if not sql.run(sql.AGENT_SHOW, [payer.pk if payer else None, operator.pk]):
        AgentStatus.objects.get_or_create(
            user=operator, defaults={"state": AgentState.READY, "since": now, "payer": payer}
        )


# --- facts about payers ---------------------------------------------------------------------


def _facts(payer_id: int, now: datetime) -> tuple[Facts, Payer | None]:
    """What the rules need about a payer, and the payer (other fields load on access)."""
    today = sql.p_d(timezone.localdate(now))
    since = sql.p_dt(now - CONTACT_WINDOW)
    params = [today, today, today, today, *([since] if sql.is_pg() else []), payer_id]
    r = sql.one(sql.facts(), params)
    if r is None:
        return Facts(payer_id=payer_id, total_unpaid=0), None
    k = len(sql.PAYER_FIELDS)
    payer = Payer.from_db(connection.alias, sql.PAYER_FIELDS, r[:k])
    r = r[k:]
    f = Facts(
        payer_id=payer_id,
        total_unpaid=payer.total_unpaid,
        valid_phone=bool(r[0]),
        promise_on=sql.d(r[1]),
        hold_end=sql.d(r[2]),
        hold_reason=r[3] or "",
        paid_on=sql.d(r[4]),
        callback_at=sql.dt(r[5]),
        wait_until=sql.dt(r[6]),
        wait_note=r[7] or "",
    )
    found = r[8] if sql.is_pg() else sql.rows(sql.FACT_CONTACTS, [payer_id, since])
    for at, kind, result in found or ():
        f.contacts.append(Contact(sql.dt(at), kind, result))  # type: ignore[arg-type]
    return f, payer


# --- settling an offer ----------------------------------------------------------------------


@dataclass
class _Held:
    id: int
    payer_id: int
    member_id: int | None
    callback_id: int | None
    created_at: Any
    operator_id: int
    member_status: str | None
    member_attempts: int | None


def _settle_lease(lease: Lease, now: datetime) -> None:
    """Settles a lease read through the ORM (sweeps and take-overs, off the hot path)."""
    member = ListMember.objects.filter(pk=lease.member_id).values("status", "attempts").first()
    _settle(
        _Held(
            lease.pk,
            lease.payer_id,
            lease.member_id,
            lease.callback_id,
            lease.created_at,
            lease.operator_id,
            member["status"] if member else None,
            member["attempts"] if member else None,
        ),
        now,
        planning.days_around(timezone.localdate(now)),
    )
    AgentStatus.objects.filter(user_id=lease.operator_id, payer_id=lease.payer_id).update(
        payer=None
    )


def _settle(lease: _Held, now: datetime, days: planning.Days) -> None:
    """Applies what happened during the offer to the list member / callback; ends the lease.

    The member is updated before the lease is deleted (see the lock order above).
    """
    since = sql.dt(lease.created_at) - timedelta(minutes=1)  # type: ignore[operator]
    found = sql.rows(sql.SETTLE_CONTACTS, [lease.payer_id, sql.p_dt(since)])
    contacts = [Contact(sql.dt(at), kind, result) for at, kind, result, _ in found]  # type: ignore[arg-type]
    promised = any(bool(p) for *_, p in found)
    if lease.member_id and lease.member_status == MemberStatus.PENDING:
        o = outcome(
            contacts=contacts,
            promised=promised,
            attempts=lease.member_attempts or 0,
            valid_phone=_has_valid_phone(lease.payer_id, contacts),
            now=now,
            days=days,
        )
        sql.run(
            sql.MEMBER_SETTLE,
            [
                o.status,
                o.note[:200],
                sql.p_dt(o.next_at),
                o.attempts,
                sql.p_dt(o.last_attempt_at),
                sql.p_dt(now),
                lease.member_id,
            ],
        )
        if o.status == MemberStatus.PENDING and o.next_at:
            sql.run(
                sql.WAIT_SET,
                [lease.payer_id, sql.p_dt(o.next_at), o.note[:200], sql.p_dt(now)],
            )
    if lease.callback_id and (contacts or promised):
        Callback.objects.filter(pk=lease.callback_id, done_at__isnull=True).update(done_at=now)
    sql.run(sql.LEASE_DELETE, [lease.id])


def _has_valid_phone(payer_id: int, contacts: list[Contact]) -> bool:
    """Asked only when a number turned out dead: is there another one?"""
    if not any(c.result == ContactResult.INVALID_NUMBER for c in contacts):
        return True
    return Phone.objects.filter(payer_id=payer_id).exclude(status=PhoneStatus.INVALID).exists()


def _still_busy(lease: Lease, now: datetime) -> bool:
    """An expired lease whose holder is on the call (or wrapping it up) is extended."""
    busy = AgentStatus.objects.filter(
        user_id=lease.operator_id,
        payer_id=lease.payer_id,
        state__in=(AgentState.ON_CALL, AgentState.WRAP_UP),
    ).exists()
    if busy:
        Lease.objects.filter(pk=lease.pk).update(expires_at=now + POLICY.lease)
    return busy


_swept = {"at": 0.0}
_sweep_lock = threading.Lock()


def _sweep_expired(now: datetime, days: planning.Days) -> None:
    """Now and then (per process), settles leases of operators who went away."""
    with _sweep_lock:
        if _time.monotonic() - _swept["at"] < SWEEP_SECONDS:
            return
        _swept["at"] = _time.monotonic()
    expired = list(
        Lease.objects.filter(expires_at__lte=now).select_for_update(skip_locked=True, of=("self",))[
            :20
        ]
    )
    for lease in expired:
        if not _still_busy(lease, now):
            _settle_lease(lease, now)


def sweep_now() -> None:
    """Makes the next offer look for expired leases (tests, management commands)."""
    _swept["at"] = 0.0


# --- for screens ----------------------------------------------------------------------------


def why_none(*, operator: Any) -> str:
    """Why `next_payer` gave nothing, in words for the operator."""
    now = clock.now()
    days = planning.days_around(timezone.localdate(now))
    if not days.is_operating(now):
        nxt = days.next_open(now)
        return "架電時間外です。" + (f"次の架電可能時刻は {md(nxt)} です。" if nxt else "")
    versions = versions_for(operator)
    if not versions:
        return "担当できる公開中の架電リストがありません。"
    waiting = (
        ListMember.objects.filter(version__in=versions, status=MemberStatus.PENDING)
        .filter(next_at__gt=now)
        .order_by("next_at")
    )
    first = waiting.first()
    if first:
        return (
            f"いま架電できる対象者がいません（再架電待ち {waiting.count():,}件、"
            f"次は {md(first.next_at)} から）。"
        )
    return "公開中の架電リストの対象者はすべて対応済みです。"
