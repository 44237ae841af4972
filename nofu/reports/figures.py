"""Every figure of the 日報 / 月報 / 年報 and the KPI board, computed from the records.

One code path counts a day, a month or a year (`day_figures` over a date range), so the
daily report, the monthly totals and the annual totals can never disagree. Contacts are
dated by their local date (Asia/Tokyo); promises, reissues and handovers by the contact in
which they arose; complaints by their contact (or, without one, when they were recorded);
numbers and addresses learned by `first_seen`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from nofu.calls.models import (
    Complaint,
    ContactEvent,
    ContactKind,
    ContactResult,
    Department,
    Handover,
    Language,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.lib.business_calendar import SessionPlan, Work, is_business_day, operating_windows
from nofu.payers.models import Address, Installment, Payment, Phone, PhoneOrigin, PhoneStatus
from nofu.reports import seams
from nofu.telephony.models import CallEvent, Direction, EventKind

CENTER_NAME = getattr(settings, "NOFU_CENTER_NAME", "千葉市納付推進センター")
CALLS_PER_YEAR = 80_000  # 第2章 Ⅰ.4(1)
COLLECTION_RATE_TARGET = 0.60  # 第2章 Ⅰ.4(2)
ANSWER_RATE_TARGET = 0.90  # 第2章 Ⅱ.5

REACHED = frozenset(ContactResult.reached())
NOT_REACHED = (
    ContactResult.NO_ANSWER,
    ContactResult.BUSY,
    ContactResult.VOICEMAIL,
    ContactResult.INVALID_NUMBER,
)


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware [start 00:00, end+1 00:00) in local time: the whole of the days start..end."""
    zone = tz()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def fiscal_months(fy: int, through_may: bool = False) -> list[tuple[int, int]]:
    """(year, month) from April of `fy` to March (or to May when through_may) of fy+1."""
    out = [(fy, m) for m in range(4, 13)] + [(fy + 1, m) for m in range(1, 4)]
    if through_may:
        out += [(fy + 1, 4), (fy + 1, 5)]
    return out


# --- the daily items ア–サ of 第1章 16(2) ---------------------------------------------


@dataclass
class DayFigures:
    """The counts of one day (or the sum of several)."""

    outbound: int = 0  # ア 総架電件数
    not_reached: int = 0  # ア 不在数
    reached: int = 0  # ア 着信件数（通話）
    return_calls: int = 0  # ア 返電数
    inbound: int = 0  # ア 受電件数
    mailings: int = 0  # 発送 (not an item of ア; shown for completeness)
    promise_contacts: int = 0  # イ 納付約束件数 (contacts in which a promise was taken)
    promise_rows: int = 0  # promise rows (an instalment plan of 3 is 3 rows)
    promise_amount: int = 0  # イ 納付約束金額
    reissues: int = 0  # ウ
    handovers_total: int = 0  # エ
    complaints: int = 0  # オ
    account_transfer: int = 0  # カ
    foreign: int = 0  # キ
    nhi_loss: int = 0  # ク
    income_declaration: int = 0  # ケ
    child_allowance: int = 0  # コ
    phones_obtained: int = 0  # サ
    addresses_obtained: int = 0  # サ
    # 第2章 Ⅱ.5, from the phone system's events
    offered: int = 0  # inbound calls within operating hours
    answered: int = 0  # of which answered by a person or the IVR guidance
    ivr: int = 0  # of the answered, by the IVR guidance only
    busy: int = 0  # got the busy message and were never answered
    abandoned: int = 0  # hung up before an answer (busy ones excluded)
    after_hours: int = 0  # excluded from the rate
    outbound_by_result: Counter = field(default_factory=Counter)
    handovers: Counter = field(default_factory=Counter)  # department → count
    foreign_by_language: Counter = field(default_factory=Counter)

    @property
    def info_obtained(self) -> int:
        return self.phones_obtained + self.addresses_obtained

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None

    def add(self, other: DayFigures) -> DayFigures:
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, a + b)
        return self

    @classmethod
    def total(cls, items: Iterable[DayFigures]) -> DayFigures:
        out = cls()
        for item in items:
            out.add(item)
        return out


def day_figures(start: date, end: date) -> dict[date, DayFigures]:
    """The daily items for every day start..end (days without records get zeros)."""
    out: dict[date, DayFigures] = {d: DayFigures() for d in days(start, end)}
    lo, hi = day_bounds(start, end)
    zone = tz()
    day = TruncDate("at", tzinfo=zone)
    contact_day = TruncDate("contact__at", tzinfo=zone)

    contacts = (
        ContactEvent.objects.filter(at__gte=lo, at__lt=hi)
        .values(
            "kind",
            "result",
            "language",
            "account_transfer_recommended",
            "income_declaration_reminded",
            "nhi_loss_explained",
            "child_allowance_form_promised",
            d=day,
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in contacts:
        f = out[row["d"]]
        n = row["n"]
        kind, result = row["kind"], row["result"]
        if kind == ContactKind.OUTBOUND:
            f.outbound += n
            f.outbound_by_result[result] += n
            if result in REACHED:
                f.reached += n
            else:
                f.not_reached += n
        elif kind == ContactKind.RETURN_CALL:
            f.return_calls += n
        elif kind == ContactKind.INBOUND:
            f.inbound += n
        elif kind == ContactKind.MAIL:
            f.mailings += n
        if row["language"] and row["language"] != Language.JAPANESE:
            f.foreign += n
            f.foreign_by_language[row["language"]] += n
        f.account_transfer += n * row["account_transfer_recommended"]
        f.income_declaration += n * row["income_declaration_reminded"]
        f.nhi_loss += n * row["nhi_loss_explained"]
        f.child_allowance += n * row["child_allowance_form_promised"]

    promises = (
        PaymentPromise.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=PromiseStatus.CANCELLED)
        .values(d=contact_day)
        .annotate(c=Count("contact_id", distinct=True), n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for row in promises:
        f = out[row["d"]]
        f.promise_contacts += row["c"]
        f.promise_rows += row["n"]
        f.promise_amount += row["amount"] or 0

    reissues = (
        SlipReissue.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=ReissueStatus.CANCELLED)
        .values(d=contact_day)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in reissues:
        out[row["d"]].reissues += row["n"]

    handovers = (
        Handover.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .values("department", d=contact_day)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in handovers:
        f = out[row["d"]]
        f.handovers[row["department"]] += row["n"]
        f.handovers_total += row["n"]

    for c in complaints_between(start, end):
        out[complaint_day(c)].complaints += 1

    for qs, attr in (
        (learned_phones(), "phones_obtained"),
        (Address.objects, "addresses_obtained"),
    ):
        learned = (
            qs.filter(first_seen__gte=start, first_seen__lte=end)
            .exclude(origin=PhoneOrigin.CITY_DATA)
            .values("first_seen")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in learned:
            setattr(out[row["first_seen"]], attr, row["n"])

    for d, stats in answer_stats_by_day(start, end).items():
        f = out[d]
        f.offered, f.answered, f.ivr = stats.offered, stats.answered, stats.ivr
        f.busy, f.abandoned, f.after_hours = stats.busy, stats.abandoned, stats.after_hours
    return out


def learned_phones() -> QuerySet:
    """Numbers the center learned: not the city's data, and not a wrong number it dialled.

    Marking a dialled number as wrong records it (origin その他, status 不通・誤り) so it is
    never offered again; that is not information obtained (サ, 電話番号情報).
    """
    return Phone.objects.exclude(origin=PhoneOrigin.CITY_DATA).exclude(status=PhoneStatus.INVALID)


def complaints_between(start: date, end: date) -> list[Complaint]:
    lo, hi = day_bounds(start, end)
    return list(
        Complaint.objects.filter(
            Q(contact__at__gte=lo, contact__at__lt=hi)
            | Q(contact__isnull=True, created_at__gte=lo, created_at__lt=hi)
        )
        .select_related("contact", "payer", "handled_by", "created_by")
        .order_by("created_at", "id")
    )


def complaint_day(c: Complaint) -> date:
    at = c.contact.at if c.contact_id else c.created_at
    return timezone.localtime(at, tz()).date()


def department_labels() -> list[tuple[str, str]]:
    return list(Department.choices)


# --- the answer rate (第2章 Ⅱ.5) ------------------------------------------------------


@dataclass
class AnswerStats:
    offered: int = 0
    answered: int = 0
    ivr: int = 0
    busy: int = 0
    abandoned: int = 0
    after_hours: int = 0

    @property
    def rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None

    def add(self, o: AnswerStats) -> AnswerStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(o, f.name))
        return self


@dataclass
class CallOutcome:
    call_id: str
    offered_at: datetime
    kinds: set[str]
    caller: str
    within_hours: bool

    @property
    def answered(self) -> bool:
        return bool(self.kinds & {EventKind.ANSWERED, EventKind.IVR_GUIDANCE})

    @property
    def label(self) -> str:
        if not self.within_hours:
            return "時間外（除外）"
        if EventKind.ANSWERED in self.kinds:
            return "応答"
        if EventKind.IVR_GUIDANCE in self.kinds:
            return "応答（IVRガイダンス）"
        if EventKind.BUSY_MESSAGE in self.kinds:
            return "混雑時アナウンス（応答に含めない）"
        return "放棄・不応答"


def inbound_calls(start: date, end: date) -> list[CallOutcome]:
    """Each inbound call whose first event falls in start..end, classified per 第2章 Ⅱ.5.

    応答 = a person answered, or the IVR guidance started; the busy message is not an
    answer. Calls outside operating hours are excluded: those that got the phone system's
    after-hours announcement, and those offered outside the inbound hours of the business
    calendar (business days 8:30–17:30, weekend sessions 10:00–16:00). A Saturday or
    Sunday is a session day when the month's plan says so (call-list app) or when the
    center evidently worked it (answered a call or recorded a contact that day).
    """
    lo, hi = day_bounds(start, end)
    E = EventKind

    def has(kind: str) -> Count:
        return Count("id", filter=Q(kind=kind))

    per_call = (
        CallEvent.objects.filter(direction=Direction.INBOUND, at__gte=lo, at__lt=hi)
        .values("call_id")
        .annotate(
            first=Min("at"),
            offered=Min("at", filter=Q(kind=E.OFFERED)),
            caller=Max("caller"),
            n_answered=has(E.ANSWERED),
            n_ivr=has(E.IVR_GUIDANCE),
            n_busy=has(E.BUSY_MESSAGE),
            n_after=has(E.AFTER_HOURS),
        )
        .order_by()
    )
    calls: dict[str, CallOutcome] = {}
    flags = (
        ("n_answered", E.ANSWERED),
        ("n_ivr", E.IVR_GUIDANCE),
        ("n_busy", E.BUSY_MESSAGE),
        ("n_after", E.AFTER_HOURS),
    )
    for row in per_call.iterator(chunk_size=5000):
        kinds = {kind for key, kind in flags if row[key]}
        calls[row["call_id"]] = CallOutcome(
            row["call_id"], row["offered"] or row["first"], kinds, row["caller"] or "", True
        )
    planned = seams.weekend_sessions(start, end) or set()
    plan = SessionPlan.of(weekend=planned | weekend_sessions(start, end, calls.values()))
    closed = seams.extra_closed(start, end)
    zone = tz()
    windows: dict[date, list] = {}  # the day's inbound hours, worked out once per day
    for c in calls.values():
        local = timezone.localtime(c.offered_at, zone)
        d = local.date()
        if d not in windows:
            windows[d] = operating_windows(d, Work.INBOUND, plan, closed)
        t = local.time()
        c.within_hours = EventKind.AFTER_HOURS not in c.kinds and any(
            w.contains(t) for w in windows[d]
        )
    return sorted(calls.values(), key=lambda c: (c.offered_at, c.call_id))


def weekend_sessions(start: date, end: date, calls: Iterable[CallOutcome]) -> set[date]:
    """Saturdays and Sundays on which the center evidently worked, planned or not."""
    zone = tz()
    worked = {
        timezone.localtime(c.offered_at, zone).date()
        for c in calls
        if EventKind.ANSWERED in c.kinds
    }
    weekend = [d for d in days(start, end) if d.weekday() >= 5]
    if not weekend:
        return set()
    for d in weekend:  # one indexed look-up per weekend day not already known
        if d not in worked:
            lo, hi = day_bounds(d, d)
            if ContactEvent.objects.filter(at__gte=lo, at__lt=hi).exists():
                worked.add(d)
    return {d for d in weekend if d in worked}


def answer_stats_by_day(start: date, end: date) -> dict[date, AnswerStats]:
    out: dict[date, AnswerStats] = defaultdict(AnswerStats)
    zone = tz()
    for c in inbound_calls(start, end):
        s = out[timezone.localtime(c.offered_at, zone).date()]
        if not c.within_hours:
            s.after_hours += 1
            continue
        s.offered += 1
        if c.answered:
            s.answered += 1
            if EventKind.ANSWERED not in c.kinds:
                s.ivr += 1
        elif EventKind.BUSY_MESSAGE in c.kinds:
            s.busy += 1
        else:
            s.abandoned += 1
    return out


def answer_stats(start: date, end: date) -> AnswerStats:
    total = AnswerStats()
    for s in answer_stats_by_day(start, end).values():
        total.add(s)
    return total


# --- the collection rate (第2章 Ⅰ.4(2)) ----------------------------------------------


@dataclass
class CollectionMonth:
    year: int
    month: int
    handed_over: int  # delinquency handed over this month (0 in April/May of fy+1)
    delinquency: int  # 滞納額: cumulative handed over up to the month's end (max. March)
    paid: int  # 収納金額 counted this month
    paid_cumulative: int

    @property
    def rate(self) -> float | None:
        return self.paid_cumulative / self.delinquency if self.delinquency else None

    @property
    def end(self) -> date:
        return month_end(self.year, self.month)


def collection_window(fy: int) -> tuple[date, date, date]:
    """(first handover day, last handover day, last payment day) of fiscal year fy."""
    return date(fy, 4, 1), date(fy + 1, 3, 31), date(fy + 1, 5, 31)


def collection_by_month(fy: int) -> list[CollectionMonth]:
    """収納率 = 収納金額 / 滞納額, cumulative by month from April of fy to May of fy+1.

    滞納額: the unpaid amount as first handed over (`unpaid_at_handover`) of installments
    whose first handover (`handed_over_on`) lies in April fy – March fy+1. 収納金額: the
    payments on those installments dated April fy – May fy+1, counted from the handover
    day on (money paid before the handover is not part of the delinquency handed over) and
    at most the installment's handed-over amount (同滞納額につき).
    """
    first, last, pay_last = collection_window(fy)
    months = fiscal_months(fy, through_may=True)
    handed = dict.fromkeys(months, 0)
    for y, m in fiscal_months(fy):  # handovers end in March
        handed[(y, m)] = (
            Installment.objects.filter(
                handed_over_on__gte=date(y, m, 1), handed_over_on__lte=month_end(y, m)
            ).aggregate(s=Sum("unpaid_at_handover"))["s"]
            or 0
        )
    paid = dict.fromkeys(months, 0)
    for _inst, counted in counted_payments(fy):
        for paid_on, amount, _pk in counted:
            paid[(paid_on.year, paid_on.month)] += amount
    out: list[CollectionMonth] = []
    delinquency = paid_cum = 0
    for y, m in months:
        delinquency += handed[(y, m)]
        paid_cum += paid[(y, m)]
        out.append(CollectionMonth(y, m, handed[(y, m)], delinquency, paid[(y, m)], paid_cum))
    return out


def counted_payments(
    fy: int, *, until: date | None = None, installment_ids: Iterable[int] | None = None
) -> Iterable[tuple[int, list[tuple[date, int, int]]]]:
    """Per installment of the fiscal year's delinquency: (paid_on, counted, payment id)."""
    first, last, pay_last = collection_window(fy)
    if until is not None:
        pay_last = min(pay_last, until)
    qs = Payment.objects.filter(
        installment__handed_over_on__gte=first,
        installment__handed_over_on__lte=last,
        paid_on__gte=first,
        paid_on__lte=pay_last,
    ).filter(paid_on__gte=F("installment__handed_over_on"))
    if installment_ids is not None:
        qs = qs.filter(installment_id__in=list(installment_ids))
    rows = qs.values_list(
        "installment_id", "paid_on", "amount", "installment__unpaid_at_handover", "id"
    ).order_by("installment_id", "paid_on", "id")
    current: int | None = None
    room = 0
    counted: list[tuple[date, int, int]] = []
    for inst, paid_on, amount, cap, pk in rows.iterator(chunk_size=20000):
        if inst != current:
            if current is not None:
                yield current, counted
            current, room, counted = inst, max(cap or 0, 0), []
        take = max(0, min(amount, room))
        room -= take
        counted.append((paid_on, take, pk))
    if current is not None:
        yield current, counted


# --- promise results (月報 エ) ---------------------------------------------------------


@dataclass
class PromiseResults:
    promisers: int = 0  # persons (payers) who promised in the month
    promises: int = 0  # contacts with a promise
    promised_amount: int = 0
    initial_unpaid: int = 0  # 納付約束者当初未納額
    paid: int = 0  # 納付額
    as_of: date | None = None
    rows: list[dict] = field(default_factory=list)

    @property
    def still_unpaid(self) -> int:  # 現未納額
        return max(self.initial_unpaid - self.paid, 0)

    @property
    def rate(self) -> float | None:  # 収納率
        return self.paid / self.initial_unpaid if self.initial_unpaid else None


def promise_results(start: date, end: date, as_of: date) -> PromiseResults:
    """納付約束結果 of the persons who promised between start and end.

    Per payer, from the first contact of the period in which they promised:
    当初未納額 = the unpaid amount recorded with the promise (`unpaid_at_promise`; the
    largest of that contact's rows, since an instalment plan repeats it), or, when it was
    not recorded, the promised installments' current unpaid plus what was paid on them
    since; 納付額 = payments (収納データ) on the promised installments (the contact's
    installments when the promise names none) from the promise day to `as_of`, at most
    the 当初未納額; 現未納額 = 当初未納額 − 納付額; 収納率 = 納付額 / 当初未納額.
    """
    lo, hi = day_bounds(start, end)
    in_period = {"contact__at__gte": lo, "contact__at__lt": hi}
    promises = list(
        PaymentPromise.objects.filter(**in_period)
        .exclude(status=PromiseStatus.CANCELLED)
        .order_by("contact__at", "id")
        .values_list(
            "id",
            "payer_id",
            "contact_id",
            "contact__at",
            "promised_on",
            "amount",
            "unpaid_at_promise",
            "status",
            "payer__name",
        )
    )
    named: dict[int, set[int]] = defaultdict(set)  # promise → the installments it names
    for pid, iid in PaymentPromise.installments.through.objects.filter(
        paymentpromise__contact__at__gte=lo, paymentpromise__contact__at__lt=hi
    ).values_list("paymentpromise_id", "installment_id"):
        named[pid].add(iid)
    about: dict[int, set[int]] = defaultdict(set)  # contact → the installments it was about
    for cid, iid in (
        ContactEvent.installments.through.objects.filter(
            contactevent__at__gte=lo,
            contactevent__at__lt=hi,
            contactevent__promises__isnull=False,
        )
        .values_list("contactevent_id", "installment_id")
        .distinct()
    ):
        about[cid].add(iid)
    out = PromiseResults(as_of=as_of)
    per_payer: dict[int, list[tuple]] = {}
    contacts: set[int] = set()
    for p in promises:
        contacts.add(p[2])
        out.promised_amount += p[5]
        per_payer.setdefault(p[1], []).append(p)
    out.promises = len(contacts)
    out.promisers = len(per_payer)
    zone = tz()
    plan: dict[int, tuple[int, date, set[int]]] = {}
    all_ids: set[int] = set()
    for payer_id, items in per_payer.items():
        first_contact, first_at = items[0][2], items[0][3]
        inst_ids: set[int] = set()
        for p in items:
            inst_ids |= named.get(p[0]) or about.get(p[2], set())
        since = timezone.localtime(first_at, zone).date()
        plan[payer_id] = (first_contact, since, inst_ids)
        all_ids |= inst_ids
    payments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    unpaid_now: dict[int, int] = {}
    if all_ids:
        earliest = min(since for _c, since, _ids in plan.values())
        for chunk in _chunks(sorted(all_ids), 5000):
            for inst, paid_on, amount in Payment.objects.filter(
                installment_id__in=chunk, paid_on__gte=earliest, paid_on__lte=as_of
            ).values_list("installment_id", "paid_on", "amount"):
                payments[inst].append((paid_on, amount))
            unpaid_now.update(Installment.objects.filter(id__in=chunk).values_list("id", "unpaid"))
    labels = dict(PromiseStatus.choices)
    for payer_id, items in per_payer.items():
        first_contact, since, inst_ids = plan[payer_id]
        paid = sum(a for i in inst_ids for on, a in payments.get(i, ()) if on >= since)
        initial = max(p[6] for p in items if p[2] == first_contact)
        if not initial and inst_ids:
            initial = sum(unpaid_now.get(i, 0) for i in inst_ids) + paid
        paid = min(paid, initial)
        out.initial_unpaid += initial
        out.paid += paid
        out.rows.append(
            {
                "payer_id": payer_id,
                "name": items[0][8],
                "since": since,
                "promised_on": [p[4] for p in items],
                "amount": sum(p[5] for p in items),
                "status": "・".join(dict.fromkeys(labels.get(p[7], p[7]) for p in items)),
                "initial": initial,
                "paid": paid,
                "installment_ids": inst_ids,
            }
        )
    return out


def _chunks(items: list[int], n: int) -> Iterable[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


# --- the annual calls target -----------------------------------------------------------


def business_days(start: date, end: date) -> list[date]:
    """Business days start..end, the city's extra closed days (if kept) left out."""
    closed = seams.extra_closed(start, end)
    return [d for d in days(start, end) if is_business_day(d, closed)]


def outbound_by_month(fy: int) -> dict[tuple[int, int], int]:
    """Outbound calls per month of the fiscal year (one indexed count per month)."""
    out: dict[tuple[int, int], int] = {}
    for y, m in fiscal_months(fy):
        lo, hi = day_bounds(date(y, m, 1), month_end(y, m))
        out[(y, m)] = ContactEvent.objects.filter(
            kind=ContactKind.OUTBOUND, at__gte=lo, at__lt=hi
        ).count()
    return out
