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
   payer is unique in the database; candidates are locked with
   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, and SQLite's write lock (every
   transaction begins IMMEDIATE) serializes the whole choice.

`release` (or the lease expiring) reads what was recorded while the payer was offered
(contacts, promises) and moves the list member on: done, retry later, or off the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from nofu.calllists import clock, planning
from nofu.calllists.models import (
    Audience,
    Callback,
    CallHold,
    Lease,
    ListMember,
    ListVersion,
    MemberStatus,
    VersionStatus,
)
from nofu.calllists.rules import POLICY, Contact, Facts, decide, md, outcome
from nofu.calls.models import ContactEvent, PaymentPromise, PromiseStatus
from nofu.payers.models import Payer, Payment, Phone, PhoneStatus
from nofu.telephony.models import AgentState, AgentStatus

LEASE_MINUTES = int(POLICY.lease.total_seconds() // 60)
BATCH = 5  # due callbacks looked at per offer
MAX_CANDIDATES = 200  # per list per offer; beyond that the list is all deferred for now
CONTACT_WINDOW = timedelta(days=14)


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
    _settle_expired(now, days)
    held = Lease.objects.select_for_update().filter(operator=operator).first()
    if held is not None:
        _settle(held, now, days)
    if not days.is_operating(now):
        _show(operator, None, now)
        return None
    offer = _from_callbacks(operator, now, days) or _from_lists(operator, now, days)
    _show(operator, offer.payer if offer else None, now)
    return offer


@transaction.atomic
def release(*, operator: Any) -> None:
    """The operator is done with the offered payer; what they recorded decides what follows."""
    now = clock.now()
    lease = Lease.objects.select_for_update().filter(operator=operator).first()
    if lease is not None:
        _settle(lease, now, planning.days_around(timezone.localdate(now)))
    AgentStatus.objects.filter(user=operator).update(payer=None)


def current(*, operator: Any) -> Lease | None:
    """The operator's current offer, if any (for screens that reload)."""
    return (
        Lease.objects.select_related("payer", "member__version__call_list")
        .filter(operator=operator, expires_at__gt=clock.now())
        .first()
    )


# --- choosing -------------------------------------------------------------------------------


def _from_callbacks(operator: Any, now: datetime, days: planning.Days) -> Offer | None:
    mine_or_open = (
        Q(operator=operator)
        | Q(operator__isnull=True)
        | Q(due_at__lte=now - POLICY.callback_open_after)
    )
    due = (
        Callback.objects.filter(done_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now)
        .filter(mine_or_open)
        .exclude(Exists(Lease.objects.filter(payer_id=OuterRef("payer_id"))))
        .order_by("due_at", "id")
        .select_for_update(skip_locked=True)[:BATCH]
    )
    for cb in due:
        facts = _facts([cb.payer_id], now)[cb.payer_id]
        if facts.hold_end and facts.hold_end >= timezone.localdate(now):
            continue  # a hold wins; the callback waits (the manager sees it on the hold)
        when = timezone.localtime(cb.due_at)
        reason = f"折り返し予約（{when:%H:%M}）" + (f"：{cb.note}" if cb.note else "")
        if _lease(operator, cb.payer_id, now, reason=reason, callback=cb):
            return Offer(
                payer=Payer.objects.get(pk=cb.payer_id), reason=reason, list_name="折り返し"
            )
    return None


def versions_for(operator: Any) -> list[ListVersion]:
    """Published versions this operator works, first priority first."""
    return list(
        ListVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .filter(Q(audience=Audience.SHARED) | Q(audience=Audience.NAMED, operators=operator))
        .select_related("call_list")
        .distinct()
        .order_by("priority", "published_at", "id")
    )


def _from_lists(operator: Any, now: datetime, days: planning.Days) -> Offer | None:
    """Claims one candidate at a time (LIMIT 1 … SKIP LOCKED): an offer in progress hides
    only the row it is deciding on, so fifty operators pulling at once each get their own
    next row instead of waiting for, or skipping past, rows the others merely looked at."""
    leased = Lease.objects.filter(payer_id=OuterRef("payer_id"))
    for version in versions_for(operator):
        seen: list[int] = []
        for _ in range(MAX_CANDIDATES):
            m = (
                ListMember.objects.filter(version=version, status=MemberStatus.PENDING)
                .filter(Q(next_at__isnull=True) | Q(next_at__lte=now))
                .exclude(pk__in=seen)
                .exclude(Exists(leased))
                .order_by("rank")
                .select_for_update(skip_locked=True)
                .only("id", "payer_id", "rank", "owed", "attempts", "note")
                .first()
            )
            if m is None:
                break
            seen.append(m.pk)
            d = decide(
                _facts([m.payer_id], now)[m.payer_id], now, days, listed_since=version.created_at
            )
            if d.ok:
                reason = f"{version.call_list.name} {m.rank:,}番目・対象未納額 {m.owed:,}円"
                if m.note:
                    reason += f"（前回：{m.note}）"
                if _lease(operator, m.payer_id, now, reason=reason, member=m):
                    return Offer(
                        payer=Payer.objects.get(pk=m.payer_id),
                        reason=reason,
                        list_name=version.label,
                    )
                continue  # the payer is on offer from another list right now
            m.note = d.reason[:200]
            if d.final:
                m.status, m.next_at = d.final, None
            else:
                m.next_at = d.retry_at or now + timedelta(days=1)
            m.updated_at = now
            m.save(update_fields=["status", "next_at", "note", "updated_at"])
    return None


def _lease(
    operator: Any,
    payer_id: int,
    now: datetime,
    *,
    reason: str,
    member: ListMember | None = None,
    callback: Callback | None = None,
) -> bool:
    """Takes the payer for this operator; False when someone else holds them."""
    try:
        with transaction.atomic():
            Lease.objects.create(
                payer_id=payer_id,
                operator=operator,
                member=member,
                callback=callback,
                reason=reason[:200],
                created_at=now,
                expires_at=now + POLICY.lease,
            )
        return True
    except IntegrityError:
        return False


def _show(operator: Any, payer: Payer | None, now: datetime) -> None:
    """The board shows who each operator is calling (AgentStatus.payer)."""
    if not AgentStatus.objects.filter(user=operator).update(payer=payer):
        AgentStatus.objects.get_or_create(
            user=operator, defaults={"state": AgentState.READY, "since": now, "payer": payer}
        )


# --- facts about payers ---------------------------------------------------------------------


def _facts(payer_ids: list[int], now: datetime) -> dict[int, Facts]:
    today = timezone.localdate(now)
    pk = OuterRef("pk")
    open_callbacks = Callback.objects.filter(
        payer_id=pk, done_at__isnull=True, cancelled_at__isnull=True
    )
    holds = CallHold.objects.filter(
        payer_id=pk, lifted_at__isnull=True, start__lte=today, end__gte=today
    ).order_by("-end")
    rows = (
        Payer.objects.filter(pk__in=payer_ids)
        .annotate(
            valid_phone=Exists(
                Phone.objects.filter(payer_id=pk).exclude(status=PhoneStatus.INVALID)
            ),
            promise_on=Subquery(
                PaymentPromise.objects.filter(payer_id=pk, status=PromiseStatus.OPEN)
                .order_by("-promised_on")
                .values("promised_on")[:1]
            ),
            hold_end=Subquery(holds.values("end")[:1]),
            hold_reason=Subquery(holds.values("reason")[:1]),
            paid_on=Subquery(
                Payment.objects.filter(installment__payer_id=pk, amount__gt=0)
                .order_by("-paid_on")
                .values("paid_on")[:1]
            ),
            callback_at=Subquery(open_callbacks.order_by("due_at").values("due_at")[:1]),
        )
        .values_list(
            "pk",
            "total_unpaid",
            "valid_phone",
            "promise_on",
            "hold_end",
            "hold_reason",
            "paid_on",
            "callback_at",
        )
    )
    out = {
        r[0]: Facts(
            payer_id=r[0],
            total_unpaid=r[1],
            valid_phone=bool(r[2]),
            promise_on=r[3],
            hold_end=r[4],
            hold_reason=r[5] or "",
            paid_on=r[6],
            callback_at=r[7],
        )
        for r in rows
    }
    contacts = ContactEvent.objects.filter(
        payer_id__in=payer_ids, at__gte=now - CONTACT_WINDOW
    ).values_list("payer_id", "at", "kind", "result")
    for pid, at, kind, result in contacts.order_by("-at", "-id"):
        out[pid].contacts.append(Contact(at, kind, result))
    return out


# --- settling an offer ----------------------------------------------------------------------


def _settle(lease: Lease, now: datetime, days: planning.Days) -> None:
    """Applies what happened during the offer to the list member / callback; ends the lease."""
    contacts = [
        Contact(at, kind, result)
        for at, kind, result in ContactEvent.objects.filter(
            payer_id=lease.payer_id, at__gte=lease.created_at - timedelta(minutes=1)
        ).values_list("at", "kind", "result")
    ]
    promised = PaymentPromise.objects.filter(
        payer_id=lease.payer_id, created_at__gte=lease.created_at
    ).exists()
    if lease.member_id:
        m = ListMember.objects.select_for_update().get(pk=lease.member_id)
        if m.status == MemberStatus.PENDING:
            valid = (
                Phone.objects.filter(payer_id=lease.payer_id)
                .exclude(status=PhoneStatus.INVALID)
                .exists()
            )
            o = outcome(
                contacts=contacts,
                promised=promised,
                attempts=m.attempts,
                valid_phone=valid,
                now=now,
                days=days,
            )
            m.status, m.note, m.next_at, m.attempts = o.status, o.note[:200], o.next_at, o.attempts
            m.last_attempt_at = o.last_attempt_at or m.last_attempt_at
            m.updated_at = now
            m.save(
                update_fields=[
                    "status",
                    "note",
                    "next_at",
                    "attempts",
                    "last_attempt_at",
                    "updated_at",
                ]
            )
            if o.status == MemberStatus.PENDING and o.next_at:
                _hold_elsewhere(lease.payer_id, m.pk, o.next_at, o.note, now)
    if lease.callback_id and (contacts or promised):
        Callback.objects.filter(pk=lease.callback_id, done_at__isnull=True).update(done_at=now)
    lease.delete()


def _hold_elsewhere(
    payer_id: int, member_id: int, until: datetime, note: str, now: datetime
) -> None:
    """The same wait in the payer's other lists: a payer skipped or unanswered in one list is
    not offered from another one a minute later. Rows another offer is locking are left alone
    (never waited for); the rules still apply to them when they come up."""
    others = list(
        ListMember.objects.filter(payer_id=payer_id, status=MemberStatus.PENDING)
        .exclude(pk=member_id)
        .filter(Q(next_at__isnull=True) | Q(next_at__lt=until))
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    if others:
        ListMember.objects.filter(pk__in=others).update(
            next_at=until, note=note[:200], updated_at=now
        )


def _settle_expired(now: datetime, days: planning.Days) -> None:
    """Leases past their time end, unless the holder is still on a call with that payer."""
    expired = list(
        Lease.objects.filter(expires_at__lte=now).select_for_update(skip_locked=True)[:20]
    )
    for lease in expired:
        busy = AgentStatus.objects.filter(
            user_id=lease.operator_id,
            payer_id=lease.payer_id,
            state__in=(AgentState.ON_CALL, AgentState.WRAP_UP),
        ).exists()
        if busy:
            Lease.objects.filter(pk=lease.pk).update(expires_at=now + POLICY.lease)
        else:
            _settle(lease, now, days)
            AgentStatus.objects.filter(user_id=lease.operator_id, payer_id=lease.payer_id).update(
                payer=None
            )


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
