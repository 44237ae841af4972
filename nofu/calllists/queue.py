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
LOCKED, except for the operator's own lease (locked first, before any member is claimed)
and plain UPDATEs of list members while settling, which run before the settled lease is
deleted; an insert that meets that (committed, still present) lease does nothing at once
instead of waiting.

Cost: on PostgreSQL an ordinary offer is BEGIN, two statements (`sql.START`: the held
lease, what was recorded during it, the lists, whether a callback is due, the first free
member and the facts about its payer; `sql.WRITE`: settle, delete, lease, board) and
COMMIT; a candidate the rules defer costs two more. The queue walks only members ready
now (index member_ready); waiting members are made ready again when their time comes
(`_wake`, every 20 s of the app's clock per process). SQLite (one user, one writer) runs
the same steps as single statements.

Requests of one process that ask at the same moment (threads of a gthread worker) are
answered together on PostgreSQL (`_Batch`, `_offer_many`): one transaction settles all
their held offers, claims as many members as they need in one statement (SKIP LOCKED),
runs the rules on each candidate as above and writes every lease in one statement.
Fifty operators asking at once then cost PostgreSQL a few batches per process instead of
fifty competing offers (each about twice as dear under that contention).
"""

from __future__ import annotations

import logging
import threading
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
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
from nofu.calllists.rules import POLICY, Contact, Facts, current_policy, decide, md, outcome
from nofu.calls.models import ContactResult
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony.models import AgentState, AgentStatus

log = logging.getLogger(__name__)
LEASE_MINUTES = int(POLICY.lease.total_seconds() // 60)
CALLBACKS_AT_ONCE = 5  # due callbacks looked at per offer
MAX_CANDIDATES = 200  # per list per offer; beyond that the list is all deferred for now
CONTACT_WINDOW = timedelta(days=14)
SWEEP_SECONDS = 60.0  # how often a process looks for expired leases of others
CALLBACK_LIST = "折り返し"
HELD_BY_HAND = "指定した納付義務者"
# An offer's transaction on PostgreSQL commits without waiting for its WAL to reach the disk
# (synchronous_commit off for this transaction only; contacts, promises and every other
# write of the app stay synchronous). Waiting cost ~3 ms and ~0.5 ms of CPU per offer, the
# largest single cost left. What it risks: if the database server itself crashes, the
# offers and releases of its last ~0.6 s (3 × wal_writer_delay) are lost as a whole, never
# half (no corruption): those leases are gone, so the payers become free again, and those
# settlements are not written, so the members stay pending; the contacts recorded during
# the offers are kept and the rules (caps, spacing) read them on the next offer anyway.
SYNC_COMMIT = "off"
BATCH = True  # answer concurrent requests of a process together (PostgreSQL)
SPARE = 1  # members claimed beyond the requests of a batch, for candidates the rules defer
BATCH_MIN = 2  # requests that make a batch
GATHER_STEP = 0.0005  # seconds a batch's leader waits for more requests, while they come
GATHER_MAX = 0.003
OVERLAP_SECONDS = 60.0


@dataclass
class Offer:
    payer: Payer
    reason: str  # why this payer now, shown to the operator
    list_name: str = ""


def next_payer(*, operator: Any) -> Offer | None:
    """The next payer for this operator, leased to them alone; None when there is none now.

    On PostgreSQL, outside a transaction, the requests of one process that ask at the same
    moment are answered together (`_Batch`): fifty operators pulling at once cost the
    database a few statements per process instead of four per operator."""
    if BATCH and sql.is_pg() and not connection.in_atomic_block:
        return _batch.offer(operator)
    return _next_payer_one(operator)


@transaction.atomic
def _next_payer_one(operator: Any) -> Offer | None:
    """One offer on its own (SQLite, inside a transaction, and what a batch leaves over)."""
    now = clock.now()
    days = planning.days_around(timezone.localdate(now))
    _sweep_expired(now, days)
    operating = days.is_operating(now)
    if operating:
        _wake(now)
    st = _start(operator.pk, now, operating)
    settle = _settlement(st, now, days)
    offer: Offer | None = None
    if operating and st.callbacks_due:
        _write(operator.pk, settle, now)  # the held lease goes before a callback is leased
        settle = None
        offer = _from_callbacks(operator, now)
    if operating and offer is None:
        offer, settle = _from_lists(operator, now, days, st, settle)
    if offer is None or offer.list_name == CALLBACK_LIST:
        _write(operator.pk, settle, now, show=offer.payer.pk if offer else None)
    return offer


@transaction.atomic
def release(*, operator: Any) -> None:
    """The operator is done with the offered payer; what they recorded decides what follows."""
    now = clock.now()
    days = planning.days_around(timezone.localdate(now))
    _write(operator.pk, _settlement(_start(operator.pk, now, False), now, days), now)


@transaction.atomic
def payer_hold(*, operator: Any, payer: Payer) -> str | None:
    """The operator opened this payer by hand (from the search, a note, a colleague): they
    hold the payer as if offered, so the queue hands it to nobody else meanwhile; their
    previous offer is settled first, as when they take the next one. Returns the name of
    the operator who already holds the payer, if someone else does (nothing is taken then).
    """
    now = clock.now()
    lease = Lease.objects.filter(payer=payer).select_related("operator").first()
    if lease is not None and lease.operator_id == operator.pk:
        return None  # already theirs (a reload)
    if lease is not None and lease.expires_at <= now:
        _take_over_expired(payer.pk, now)
        lease = Lease.objects.filter(payer=payer).select_related("operator").first()
    if lease is not None:
        return str(lease.operator)
    days = planning.days_around(timezone.localdate(now))
    settle = _settlement(_start(operator.pk, now, False), now, days)
    if _write(operator.pk, settle, now, lease=_NewLease(payer.pk, None, None, HELD_BY_HAND)):
        return None
    other = Lease.objects.filter(payer=payer).select_related("operator").first()
    return str(other.operator) if other else None


def current(*, operator: Any) -> Lease | None:
    """The operator's current offer, if any (for screens that reload)."""
    return (
        Lease.objects.select_related("payer", "member__version__call_list")
        .filter(operator=operator, expires_at__gt=clock.now())
        .first()
    )


# --- many offers at once (PostgreSQL) -------------------------------------------------------


@dataclass
class _Ask:
    """One request waiting in a batch: its operator and, once answered, its offer."""

    operator: Any
    done: threading.Event
    offer: Offer | None = None
    alone: bool = False  # the batch could not answer it: the request runs on its own
    lead: bool = False  # this request's thread answers the next batch
    error: BaseException | None = None


class _Batch:
    """Requests of one process asking at the same moment, answered together.

    The first request that finds no batch in progress leads: it takes every request
    waiting, answers them in one transaction on its own connection (`_offer_many`; a
    request alone the usual way), then hands the lead to the oldest request that arrived
    meanwhile and returns. A request the
    batch could not answer (a callback due, the first list used up, a clash, an error)
    runs `_next_payer_one` on its own connection afterwards, exactly as without batching.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Ask] = []
        self._busy = False
        self._overlap_at = -OVERLAP_SECONDS  # when a request last arrived during a batch

    def offer(self, operator: Any) -> Offer | None:
        ask = _Ask(operator, threading.Event())
        with self._lock:
            self._waiting.append(ask)
            ask.lead = not self._busy
            if self._busy:
                self._overlap_at = _time.monotonic()
            self._busy = True
        if not ask.lead:
            ask.done.wait()
        if ask.lead:
            self._answer()
        if ask.error is not None:
            raise ask.error
        if ask.alone:
            return _next_payer_one(ask.operator)
        return ask.offer

    def _answer(self) -> None:
        self._gather()
        with self._lock:
            asks, self._waiting = self._waiting, []
        answered = False
        try:
            if len(asks) < BATCH_MIN:
                # alone, the two-statement offer is cheaper; made while leading, so that
                # requests arriving meanwhile wait and make the next batch
                try:
                    asks[0].offer = _next_payer_one(asks[0].operator)
                except Exception as e:  # noqa: BLE001 — raised by the request's own thread
                    asks[0].error = e
            else:
                _offer_many(asks)
            answered = True
        except Exception:  # noqa: BLE001 — each request tries again on its own
            log.exception("batch of %d offers failed; each request runs on its own", len(asks))
        finally:
            if not answered:  # rolled back: nothing of it was written
                for a in asks:
                    a.alone, a.offer = a.error is None, None
            with self._lock:
                if self._waiting:
                    self._waiting[0].lead = True
                    self._waiting[0].done.set()
                else:
                    self._busy = False
            for a in asks:
                a.done.set()

    def _gather(self) -> None:
        """Waits while requests are still arriving (a burst reaches the threads one by one,
        ~0.1 ms apart), at most GATHER_MAX: a lone request waits one GATHER_STEP; not at all
        unless requests overlapped in this process within OVERLAP_SECONDS."""
        if _time.monotonic() - self._overlap_at > OVERLAP_SECONDS:
            return  # requests of this process do not overlap (one thread, or a quiet hour)
        deadline = _time.monotonic() + GATHER_MAX
        with self._lock:
            seen = len(self._waiting)
        while _time.monotonic() < deadline:
            _time.sleep(GATHER_STEP)
            with self._lock:
                now_waiting = len(self._waiting)
            if now_waiting == seen:
                return
            seen = now_waiting


_batch = _Batch()


@transaction.atomic
def _offer_many(asks: list[_Ask]) -> None:
    """Answers the requests in one transaction: their held offers settled, one candidate
    claimed per request (SKIP LOCKED, a few spare for those the rules defer), each checked
    by the rules, and the leases written together. Requests that need more (a callback, a
    held callback, the next list, a clash) are marked `alone` and left untouched."""
    now = clock.now()
    days = planning.days_around(timezone.localdate(now))
    _sweep_expired(now, days)
    if not days.is_operating(now):
        for a in asks:
            a.alone = True
        return
    _wake(now)
    seen: set[int] = set()
    mine: list[_Ask] = []
    for a in asks:
        if a.operator.pk in seen:
            a.alone = True  # the same operator twice: the second asks after the first
        else:
            seen.add(a.operator.pk)
            mine.append(a)
    if not mine:
        return
    r = sql.rows(
        sql.START_MANY,
        {
            "ops": sorted(seen),  # locked in operator order
            "now": now,
            "open": True,
            "open_cb": now - POLICY.callback_open_after,
            "sync": SYNC_COMMIT,
        },
    )
    starts = {row[0]: row for row in r}
    groups: dict[int, list[tuple[_Ask, _Start]]] = {}
    names: dict[int, tuple[int, datetime, str]] = {}
    held_payers: list[int] = []
    for a in mine:
        st = _start_of(starts[a.operator.pk][1:])
        held = st.held
        if held is not None:  # never offered again in this batch, even when expired
            held_payers.append(held.payer_id)
        if st.callbacks_due or not st.versions or (held is not None and held.callback_id):
            a.alone = True
            continue
        v, number, listed_since, name = st.versions[0]
        names[v] = (number, listed_since, name)
        groups.setdefault(v, []).append((a, st))
    policy = current_policy()
    today, since = timezone.localdate(now), now - CONTACT_WINDOW
    for version_id, group in groups.items():
        number, listed_since, list_name = names[version_id]
        after = 0
        waiting = list(group)
        for _ in range(3):  # claims; more when the rules deferred some or a payer clashed
            asked = len(waiting) + SPARE
            claimed = sql.rows(
                sql.claim(asked),
                {
                    "version": version_id,
                    "after": after,
                    "held": held_payers,
                    "now": now,
                    "today": today,
                    "since": since,
                },
            )
            writes: list[tuple[_Ask, _Start, _NewLease, Offer]] = []
            defer: list[tuple[int, str, datetime | None, str]] = []
            for member_id, payer_id, rank, owed, note, *rest in claimed:
                if not waiting:
                    break  # a spare nobody needs: left as it was
                after = rank
                if rest[0] is None:
                    facts, payer = Facts(payer_id=payer_id, total_unpaid=0), None
                else:
                    facts, payer = _facts_of(rest, payer_id)
                d = decide(facts, now, days, listed_since=listed_since, policy=policy)
                if not d.ok:
                    retry = None if d.final else (d.retry_at or now + timedelta(days=1))
                    defer.append(
                        (member_id, d.final or MemberStatus.PENDING, retry, d.reason[:200])
                    )
                    continue
                a, st = waiting.pop(0)
                reason = f"{list_name} {rank:,}番目・対象未納額 {owed:,}円"
                if note:
                    reason += f"（前回：{note}）"
                offer = Offer(payer=payer, reason=reason, list_name=f"{list_name}（第{number}版）")  # type: ignore[arg-type]
                writes.append((a, st, _NewLease(payer_id, member_id, None, reason), offer))
            clashed = _write_many(writes, defer, now, days)
            # a clash: the payer was leased by a batch that committed while this one
            # claimed; the held offer is settled now, the next member is claimed for it
            waiting = [(a, replace(st, held=None, held_contacts=[])) for a, st in clashed] + waiting
            if not waiting or len(claimed) < asked:
                break  # all answered, or the list has no more free members now
        for a, _st in waiting:
            a.alone = True  # the next lists, or a later member: on its own


def _write_many(
    writes: list[tuple[_Ask, _Start, _NewLease, Offer]],
    defer: list[tuple[int, str, datetime | None, str]],
    now: datetime,
    days: planning.Days,
) -> list[tuple[_Ask, _Start]]:
    """Writes a batch's settlements, deferrals and leases (`sql.WRITE_MANY`); returns the
    requests whose payer someone else holds."""
    if not writes and not defer:
        return []
    # held callbacks are left to the request itself (see _offer_many): no done_callback here
    settles = [_settlement(st, now, days) for _, st, _, _ in writes]
    out = sql.rows(
        sql.WRITE_MANY,
        {
            "now": now,
            "expires": now + POLICY.lease,
            "op": [a.operator.pk for a, *_ in writes],
            "held": [s.lease_id if s else None for s in settles],
            "member": [s.member_id if s else None for s in settles],
            "status": [s.status if s else "" for s in settles],
            "note": [s.note if s else "" for s in settles],
            "next_at": [s.next_at if s else None for s in settles],
            "attempts": [s.attempts if s else 0 for s in settles],
            "last_at": [s.last_attempt_at if s else None for s in settles],
            "wait_payer": [s.payer_id if s and s.wait else None for s in settles],
            "payer": [n.payer_id for _, _, n, _ in writes],
            "new_member": [n.member_id for _, _, n, _ in writes],
            "reason": [n.reason[:200] for _, _, n, _ in writes],
            "defer": [x[0] for x in defer],
            "defer_status": [x[1] for x in defer],
            "defer_at": [x[2] for x in defer],
            "defer_note": [x[3] for x in defer],
        },
    )
    result = {op: (lease_id, shown) for op, lease_id, shown in out}
    clashed: list[tuple[_Ask, _Start]] = []
    for a, st, new, offer in writes:
        lease_id, shown = result[a.operator.pk]
        if lease_id is None:
            _take_over_expired(new.payer_id, now)
            clashed.append((a, st))
            continue
        if not shown:
            AgentStatus.objects.get_or_create(
                user_id=a.operator.pk,
                defaults={"state": AgentState.READY, "since": now, "payer_id": new.payer_id},
            )
        a.offer = offer
    return clashed


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
            return Offer(payer=payer, reason=reason, list_name=CALLBACK_LIST)  # type: ignore[arg-type]
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


def _from_lists(
    operator: Any, now: datetime, days: planning.Days, st: _Start, settle: _Settle | None
) -> tuple[Offer | None, _Settle | None]:
    """Claims one candidate at a time (LIMIT 1 … SKIP LOCKED): an offer in progress hides
    only the row it is deciding on, so fifty operators pulling at once each get their own
    next row instead of waiting for, or skipping past, rows the others merely looked at.

    The first candidate of the first version may come with `st` (PostgreSQL reads it with
    the held lease); the lease is written together with the settling of the held offer.
    Returns the offer and the settlement still to write (None once written).
    """
    at = sql.p_dt(now)
    held_payer = st.held.payer_id if st.held else 0
    policy = current_policy()
    first = st.first
    for i, (version_id, number, listed_since, list_name) in enumerate(st.versions):
        after = 0  # ranks start at 1
        for _ in range(MAX_CANDIDATES):
            if i == 0 and first is not None:
                (member_id, payer_id, rank, owed, note), facts, payer = first
                first = None
            else:
                row = sql.one(sql.candidate(), [version_id, after, held_payer, at])
                if row is None:
                    break
                member_id, payer_id, rank, owed, note = row
                facts, payer = _facts(payer_id, now)
            after = rank
            d = decide(facts, now, days, listed_since=listed_since, policy=policy)
            if d.ok:
                reason = f"{list_name} {rank:,}番目・対象未納額 {owed:,}円"
                if note:
                    reason += f"（前回：{note}）"
                new = _NewLease(payer_id, member_id, None, reason)
                leased = _write(operator.pk, settle, now, lease=new)
                settle = None
                if leased:
                    offer = Offer(
                        payer=payer, reason=reason, list_name=f"{list_name}（第{number}版）"
                    )  # type: ignore[arg-type]
                    return offer, None
                _take_over_expired(payer_id, now)
                continue  # the payer is on offer from another list right now
            status = d.final or MemberStatus.PENDING
            retry = None if d.final else (d.retry_at or now + timedelta(days=1))
            sql.run(sql.MEMBER_DEFER, [status, sql.p_dt(retry), d.reason[:200], at, member_id])
    return None, settle


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


@dataclass
class _NewLease:
    payer_id: int
    member_id: int | None
    callback_id: int | None
    reason: str


def _write(
    operator_id: int,
    settle: _Settle | None,
    now: datetime,
    *,
    lease: _NewLease | None = None,
    show: int | None = None,
) -> bool:
    """Settles the held offer (if any), leases `lease.payer_id` (if given: False when someone
    else holds that payer) and shows the operator's payer on the board (the new lease's,
    else `show`). One statement on PostgreSQL; SQLite runs them one by one."""
    s = settle
    leased = False
    shown = False
    if sql.is_pg() and (s is not None or lease is not None):
        r = sql.one(
            sql.WRITE,
            {
                "op": operator_id,
                "now": now,
                "held": s.lease_id if s else None,
                "member": s.member_id if s else None,
                "status": s.status if s else "",
                "note": s.note if s else "",
                "next_at": s.next_at if s else None,
                "attempts": s.attempts if s else 0,
                "last_at": s.last_attempt_at if s else None,
                "wait_payer": s.payer_id if s and s.wait else None,
                "payer": lease.payer_id if lease else None,
                "new_member": lease.member_id if lease else None,
                "callback": lease.callback_id if lease else None,
                "reason": lease.reason[:200] if lease else "",
                "expires": now + POLICY.lease,
            },
        )
        if s is not None and s.done_callback:
            Callback.objects.filter(pk=s.done_callback, done_at__isnull=True).update(done_at=now)
        leased = r is not None and r[0] is not None
        shown = bool(r and r[1]) and (lease is not None or show is None)
    elif not sql.is_pg():
        if s is not None:
            if s.member_id is not None:
                sql.run(
                    sql.MEMBER_SETTLE,
                    [
                        s.status,
                        s.note,
                        sql.p_dt(s.next_at),
                        s.attempts,
                        sql.p_dt(s.last_attempt_at),
                        sql.p_dt(now),
                        s.member_id,
                    ],
                )
            if s.wait:
                sql.run(sql.WAIT_SET, [s.payer_id, sql.p_dt(s.next_at), s.note, sql.p_dt(now)])
            if s.done_callback:
                Callback.objects.filter(pk=s.done_callback, done_at__isnull=True).update(
                    done_at=now
                )
            sql.run(sql.LEASE_DELETE, [s.lease_id])
        if lease is not None:
            params = [
                lease.payer_id,
                operator_id,
                lease.member_id,
                lease.callback_id,
                lease.reason[:200],
                sql.p_dt(now),
                sql.p_dt(now + POLICY.lease),
            ]
            leased = sql.one(sql.LEASE_INSERT, params) is not None
    if not shown:
        payer = lease.payer_id if lease and leased else show
        if not sql.run(sql.AGENT_SHOW, [payer, operator_id]):
            AgentStatus.objects.get_or_create(
                user_id=operator_id,
                defaults={"state": AgentState.READY, "since": now, "payer_id": payer},
            )
    return leased


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


# --- facts about payers ---------------------------------------------------------------------


def _facts(payer_id: int, now: datetime) -> tuple[Facts, Payer | None]:
    """What the rules need about a payer, and the payer (other fields load on access)."""
    today = sql.p_d(timezone.localdate(now))
    since = sql.p_dt(now - CONTACT_WINDOW)
    params = [today, today, today, today, *([since] if sql.is_pg() else []), payer_id]
    r = sql.one(sql.facts(), params)
    if r is None:
        return Facts(payer_id=payer_id, total_unpaid=0), None
    facts, payer = _facts_of(r, payer_id)
    if not sql.is_pg():
        for at, kind, result in sql.rows(sql.FACT_CONTACTS, [payer_id, since]):
            facts.contacts.append(Contact(sql.dt(at), kind, result))  # type: ignore[arg-type]
    return facts, payer


def _facts_of(r: Any, payer_id: int) -> tuple[Facts, Payer]:
    """Facts and payer from the columns of `sql._facts_columns` (contacts: PostgreSQL only)."""
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
    for at, kind, result in r[8] or ():
        f.contacts.append(Contact(_iso(at), kind, result))
    return f, payer


# --- settling an offer ----------------------------------------------------------------------


@dataclass
class _Held:
    id: int
    payer_id: int
    member_id: int | None
    callback_id: int | None
    created_at: Any
    member_status: str | None
    member_attempts: int | None


@dataclass
class _Start:
    """What an offer starts from: the held lease and what was recorded while it was held,
    the versions this operator works (id, number, created, name; first priority first),
    whether a callback may be due, and perhaps the first candidate with its facts."""

    held: _Held | None
    held_contacts: list[tuple[datetime, str, str, bool]]
    held_valid_phone: bool | None  # None: ask when needed
    versions: list[tuple[int, int, datetime, str]]
    callbacks_due: bool
    first: tuple[tuple[int, int, int, int, str], Facts, Payer] | None = None


def _start_of(cols: Sequence[Any]) -> _Start:
    """A `_Start` from the eleven columns START and START_MANY both return from the held
    lease's id on: the lease (7), what was recorded during it, its valid phone, the
    versions, whether a callback may be due."""
    held = _Held(*cols[:7]) if cols[0] is not None else None
    return _Start(
        held=held,
        held_contacts=[(_iso(x), k, res, p) for x, k, res, p in cols[7] or ()],
        held_valid_phone=bool(cols[8]),
        versions=[(v, n, _iso(c), name) for v, n, c, name in cols[9] or ()],
        callbacks_due=bool(cols[10]),
    )


def _start(operator_id: int, now: datetime, operating: bool) -> _Start:
    today = timezone.localdate(now)
    since = now - CONTACT_WINDOW
    if sql.is_pg():
        r = sql.one(
            sql.START,
            {
                "op": operator_id,
                "now": now,
                "open": operating,
                "open_cb": now - POLICY.callback_open_after,
                "today": today,
                "since": since,
                "sync": SYNC_COMMIT,
            },
        )
        assert r is not None
        st = _start_of(r)
        if r[11] is not None:  # the first candidate: id, payer, rank, owed, note; facts
            if r[16] is None:
                facts, payer = Facts(payer_id=r[12], total_unpaid=0), None
            else:
                facts, payer = _facts_of(r[16:], r[12])
            st.first = (tuple(r[11:16]), facts, payer)  # type: ignore[assignment]
        return st
    held_row = sql.one(sql.held_lease(), [operator_id])
    held = _Held(*held_row[:5], *held_row[6:]) if held_row else None
    contacts: list[tuple[datetime, str, str, bool]] = []
    if held is not None:
        since_held = sql.dt(held.created_at) - timedelta(minutes=1)  # type: ignore[operator]
        contacts = [
            (sql.dt(a), k, res, bool(p))  # type: ignore[misc]
            for a, k, res, p in sql.rows(sql.SETTLE_CONTACTS, [held.payer_id, sql.p_dt(since_held)])
        ]
    versions = [
        (v, n, sql.dt(c), name)
        for v, n, c, name in (sql.rows(sql.VERSIONS, [operator_id]) if operating else ())
    ]
    return _Start(held, contacts, None, versions, operating)  # type: ignore[arg-type]


def _iso(value: str) -> datetime:
    """A timestamp inside PostgreSQL's JSON (ISO 8601 with offset)."""
    return datetime.fromisoformat(value)


@dataclass
class _Settle:
    """What settling a held offer writes."""

    lease_id: int
    payer_id: int
    member_id: int | None  # the member to update, when it was pending
    status: str = ""
    note: str = ""
    next_at: datetime | None = None
    attempts: int = 0
    last_attempt_at: datetime | None = None
    wait: bool = False  # the payer waits until next_at in every list
    done_callback: int | None = None


def _settlement(st: _Start, now: datetime, days: planning.Days) -> _Settle | None:
    """Applies what happened during the offer to the list member / callback (to be written
    by `_write`, which updates the member before it deletes the lease: lock order)."""
    lease = st.held
    if lease is None:
        return None
    contacts = [Contact(at, kind, result) for at, kind, result, _ in st.held_contacts]
    promised = any(p for *_, p in st.held_contacts)
    s = _Settle(lease.id, lease.payer_id, None)
    if lease.member_id and lease.member_status == MemberStatus.PENDING:
        valid = st.held_valid_phone
        if valid is None:
            valid = _has_valid_phone(lease.payer_id, contacts)
        o = outcome(
            contacts=contacts,
            promised=promised,
            attempts=lease.member_attempts or 0,
            valid_phone=valid,
            now=now,
            days=days,
            policy=current_policy(),
        )
        s.member_id = lease.member_id
        s.status, s.note, s.next_at = o.status, o.note[:200], o.next_at
        s.attempts, s.last_attempt_at = o.attempts, o.last_attempt_at
        s.wait = o.status == MemberStatus.PENDING and o.next_at is not None
    if lease.callback_id and (contacts or promised):
        s.done_callback = lease.callback_id
    return s


def _settle_lease(lease: Lease, now: datetime) -> None:
    """Settles another operator's lease read through the ORM (sweeps and take-overs, off
    the hot path)."""
    member = ListMember.objects.filter(pk=lease.member_id).values("status", "attempts").first()
    held = _Held(
        lease.pk,
        lease.payer_id,
        lease.member_id,
        lease.callback_id,
        lease.created_at,
        member["status"] if member else None,
        member["attempts"] if member else None,
    )
    since = lease.created_at - timedelta(minutes=1)
    contacts = [
        (sql.dt(a), k, res, bool(p))  # type: ignore[misc]
        for a, k, res, p in sql.rows(sql.SETTLE_CONTACTS, [lease.payer_id, sql.p_dt(since)])
    ]
    days = planning.days_around(timezone.localdate(now))
    _write(lease.operator_id, _settlement(_Start(held, contacts, None, [], False), now, days), now)


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


_woken = {"at": datetime.min.replace(tzinfo=UTC)}
WAKE_SECONDS = 20.0


def _wake(now: datetime) -> None:
    """Now and then (per process, by the app's clock), waiting members whose next_at has
    come are made ready: the queue walks only ready members (index member_ready)."""
    last = _woken["at"]
    if last <= now < last + timedelta(seconds=WAKE_SECONDS):
        return
    _woken["at"] = now
    sql.run(sql.wake(), [sql.p_dt(now)])


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
