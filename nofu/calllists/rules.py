"""The rules of when a payer may be called, and what a call's outcome means for a list.

`decide()` is a pure function of the facts about one payer (recent contacts, promises,
holds, payments, callbacks) and the planned days; the queue gathers the facts for a
few candidates at a time and asks it. `outcome()` reads what happened while a payer was
offered (the contact records are the truth) and says where the list member stands now.
Every "not now" and every "not at all" comes with a reason in Japanese, which the
manager sees on the list's page.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from nofu.calllists.models import MemberStatus
from nofu.calllists.planning import TOKYO, Days, Slot, slot_of
from nofu.calls.models import ContactKind, ContactResult


@dataclass(frozen=True)
class Policy:
    """The rules' numbers. Those a manager answers for come from the calls app's settings
    (`CallSettings`, edited on 架電の設定 with an audit row per change; see
    `current_policy`): the caps per payer per day and per week, the spacing after no
    answer, the unanswered calls after which a list gives up, and the grace days after a
    promised date (the same days after which the promise is judged kept or broken, so the
    payer is not called while the payment may still be on its way).

    The rest stay constants on purpose: the times of day a retry moves between (`Slot`:
    morning, afternoon, night session, weekend session) are the specification's operating
    windows (第1章14, in `nofu.lib.business_calendar`) split at noon, not a choice a
    manager makes, and the remaining durations are mechanics of the queue (how long an
    offer is held, when an overdue callback opens to anyone, how soon a payer passed over
    without a call comes back) rather than rules of contact with residents.
    """

    max_per_day: int = 2  # outbound calls to one payer per day
    max_per_week: int = 4  # … in any 7 days
    min_spacing: timedelta = timedelta(hours=3)  # after no answer
    busy_spacing: timedelta = timedelta(minutes=20)  # after a busy line
    message_left_days: int = 2  # after a message with family: give them time to call back
    max_list_attempts: int = 6  # unanswered calls on one list before it gives up
    promise_grace_days: int = 5  # a payment takes days to reach the city's data
    payment_quiet_days: int = 14  # someone who just paid is not chased
    released_cooldown: timedelta = timedelta(minutes=30)  # offered but not called
    lease: timedelta = timedelta(minutes=15)
    callback_open_after: timedelta = timedelta(minutes=30)  # then any operator may call back
    slots_to_avoid: int = 2  # unanswered calls whose time of day the next call avoids


POLICY = Policy()

_policy: dict[str, tuple[float, Policy]] = {}
_policy_lock = threading.Lock()
POLICY_CACHE_SECONDS = 15.0  # other processes see a changed setting within this time


def current_policy() -> Policy:
    """The rules with the manager's settings (CallSettings), cached briefly: the queue asks
    on every offer. A save in this process forgets the cache at once (signal)."""
    with _policy_lock:
        hit = _policy.get("p")
        if hit and hit[0] > _time.monotonic():
            return hit[1]
    from nofu.calls.models import CallSettings

    s = CallSettings.current()
    p = replace(
        POLICY,
        max_per_day=s.max_calls_per_day,
        max_per_week=s.max_calls_per_week,
        min_spacing=timedelta(hours=s.retry_after_hours),
        max_list_attempts=s.max_unanswered,
        promise_grace_days=s.promise_grace_days,
    )
    with _policy_lock:
        _policy["p"] = (_time.monotonic() + POLICY_CACHE_SECONDS, p)
    return p


def forget_cached_policy(**_: object) -> None:
    with _policy_lock:
        _policy.clear()


UNANSWERED = frozenset({ContactResult.NO_ANSWER, ContactResult.VOICEMAIL, ContactResult.BUSY})
CONVERSATION = frozenset(
    {ContactResult.REACHED_PAYER, ContactResult.HANDLED, ContactResult.REFUSED}
)


@dataclass(frozen=True)
class Contact:
    at: datetime
    kind: str
    result: str


@dataclass
class Facts:
    """What the queue knows about one payer when it considers offering them."""

    payer_id: int
    total_unpaid: int = 0
    valid_phone: bool = True
    promise_on: date | None = None  # latest date of an open promise
    hold_end: date | None = None
    hold_reason: str = ""
    paid_on: date | None = None  # latest payment
    callback_at: datetime | None = None  # an open callback
    wait_until: datetime | None = None  # after the last offer (PayerWait)
    wait_note: str = ""
    contacts: list[Contact] = field(default_factory=list)  # recent, newest first


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: str = ""
    retry_at: datetime | None = None  # when not ok and not final
    final: str = ""  # MemberStatus when the payer leaves the list

    @property
    def deferred(self) -> bool:
        return not self.ok and not self.final


def md(d: date | datetime) -> str:
    if isinstance(d, datetime):
        d = d.astimezone(TOKYO)
        return f"{d.month}/{d.day} {d:%H:%M}"
    return f"{d.month}/{d.day}"


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), TOKYO)


def decide(
    f: Facts,
    now: datetime,
    days: Days,
    *,
    listed_since: datetime | None = None,
    policy: Policy = POLICY,
) -> Decision:
    """May this payer be called now from a list? If not: why, and from when on."""
    today = now.astimezone(TOKYO).date()

    def later(at: datetime, why: str, exclude: frozenset[Slot] = frozenset()) -> Decision:
        when = days.next_open(max(at, now), exclude) or days.next_open(max(at, now))
        return Decision(False, why, when)

    if f.total_unpaid <= 0:
        return Decision(False, "完納（未納なし）", final=MemberStatus.DONE)
    if f.hold_end and f.hold_end >= today:
        return later(
            _day_start(f.hold_end + timedelta(days=1)),
            f"架電停止（〜{md(f.hold_end)}：{f.hold_reason}）",
        )
    if f.promise_on and today <= f.promise_on + timedelta(days=policy.promise_grace_days):
        until = f.promise_on + timedelta(days=policy.promise_grace_days + 1)
        return later(_day_start(until), f"納付約束中（{md(f.promise_on)}納付予定）")
    if f.paid_on and today < f.paid_on + timedelta(days=policy.payment_quiet_days):
        until = f.paid_on + timedelta(days=policy.payment_quiet_days)
        return later(_day_start(until), f"納付あり（{md(f.paid_on)}）")
    if not f.valid_phone:
        return Decision(False, "有効な電話番号なし", final=MemberStatus.SKIPPED)
    if f.wait_until is not None and now < f.wait_until:
        return later(f.wait_until, f.wait_note or "再架電待ち")
    if f.callback_at is not None:
        return later(f.callback_at + timedelta(hours=1), f"折り返し予約あり（{md(f.callback_at)}）")
    if listed_since is not None:
        talked = next((c for c in f.contacts if c.result in CONVERSATION), None)
        if talked and talked.at >= listed_since:
            kind = ContactKind(talked.kind).label if talked.kind in ContactKind.values else ""
            return Decision(
                False, f"本人と接触済（{md(talked.at)} {kind}）", final=MemberStatus.DONE
            )
    calls = [c for c in f.contacts if c.kind == ContactKind.OUTBOUND]
    today_calls = [c for c in calls if c.at.astimezone(TOKYO).date() == today]
    if len(today_calls) >= policy.max_per_day:
        return later(
            _day_start(today + timedelta(days=1)),
            f"本日の架電上限（{policy.max_per_day}回）",
        )
    week = [c for c in calls if c.at > now - timedelta(days=7)]
    if len(week) >= policy.max_per_week:
        frees = week[policy.max_per_week - 1].at + timedelta(days=7)
        return later(frees, f"週の架電上限（直近7日で{policy.max_per_week}回）")
    if calls:
        last = calls[0]
        if last.result == ContactResult.REACHED_OTHER:
            wait = last.at + timedelta(days=policy.message_left_days)
            if now < wait:
                return later(wait, f"伝言済（{md(last.at)}）")
        if last.result in UNANSWERED:
            spacing = (
                policy.busy_spacing if last.result == ContactResult.BUSY else policy.min_spacing
            )
            avoid = _slots_to_avoid(calls, policy)
            label = ContactResult(last.result).label
            why = f"前回{label}（{md(last.at)}）"
            if now < last.at + spacing:
                return later(last.at + spacing, why, avoid)
            if slot_of(now) in avoid:
                others = "・".join(s.label for s in Slot if s not in avoid)
                return later(now, f"{why}：別の時間帯（{others}）に再架電", avoid)
    return Decision(True)


def _slots_to_avoid(calls: list[Contact], policy: Policy) -> frozenset[Slot]:
    """Times of day of the latest unanswered calls in a row (a busy line is not avoided)."""
    avoid: list[Slot] = []
    for c in calls:
        if c.result not in UNANSWERED:
            break
        if c.result != ContactResult.BUSY:
            avoid.append(slot_of(c.at))
        if len(avoid) >= policy.slots_to_avoid:
            break
    return frozenset(avoid)


# --- outcomes -------------------------------------------------------------------------------

RANK = {
    "promise": 0,
    ContactResult.REACHED_PAYER: 1,
    ContactResult.HANDLED: 1,
    ContactResult.REFUSED: 2,
    ContactResult.REACHED_OTHER: 3,
    ContactResult.INVALID_NUMBER: 4,
    ContactResult.BUSY: 5,
    ContactResult.VOICEMAIL: 6,
    ContactResult.NO_ANSWER: 6,
}


@dataclass(frozen=True)
class Outcome:
    status: str
    note: str
    next_at: datetime | None
    attempts: int
    last_attempt_at: datetime | None


def outcome(
    *,
    contacts: list[Contact],
    promised: bool,
    attempts: int,
    valid_phone: bool,
    now: datetime,
    days: Days,
    policy: Policy = POLICY,
) -> Outcome:
    """Where a list member stands after being offered: contacts made during the offer."""
    calls = [c for c in contacts if c.kind == ContactKind.OUTBOUND]
    last_at = max((c.at for c in calls), default=None)
    attempts += len(calls)
    if promised:
        return Outcome(MemberStatus.DONE, f"納付約束（{md(now)}）", None, attempts, last_at)
    if not contacts:
        return Outcome(
            MemberStatus.PENDING,
            f"見送り（{md(now)}）",
            now + policy.released_cooldown,
            attempts,
            last_at,
        )
    best = min(contacts, key=lambda c: RANK.get(c.result, 9))
    label = ContactResult(best.result).label if best.result in ContactResult.values else best.result
    when = md(best.at)
    if best.result in (ContactResult.REACHED_PAYER, ContactResult.HANDLED):
        return Outcome(MemberStatus.DONE, f"{label}（{when}）", None, attempts, last_at)
    if best.result == ContactResult.REFUSED:
        return Outcome(MemberStatus.DONE, f"拒否（{when}）", None, attempts, last_at)
    if best.result == ContactResult.INVALID_NUMBER and not valid_phone:
        return Outcome(MemberStatus.SKIPPED, "有効な電話番号なし", None, attempts, last_at)
    if best.result in UNANSWERED and attempts >= policy.max_list_attempts:
        return Outcome(
            MemberStatus.SKIPPED, f"不在{attempts}回で終了（最終 {when}）", None, attempts, last_at
        )
    if best.result == ContactResult.REACHED_OTHER:
        at = best.at + timedelta(days=policy.message_left_days)
        return Outcome(
            MemberStatus.PENDING, f"伝言済（{when}）", days.next_open(at), attempts, last_at
        )
    spacing = policy.busy_spacing if best.result == ContactResult.BUSY else policy.min_spacing
    avoid = _slots_to_avoid(sorted(calls, key=lambda c: c.at, reverse=True), policy)
    after = (last_at or now) + spacing
    nxt = days.next_open(after, avoid) or days.next_open(after)
    return Outcome(MemberStatus.PENDING, f"{label}（{when}）", nxt, attempts, last_at)
