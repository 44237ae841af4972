"""A realistic contact history for the demo: the last N business days of a center.

~320 outbound calls a business day at a real center's result mix (about 55 % no answer),
~100 inbound calls of which a third are return calls to numbers we rang (each with the
simulated phone system's events: rung, queued, answered, ended; plus about 7 % of callers
who hung up in the queue, so the answer rate has both sides), promises (some
instalment plans) later kept, partly kept or broken with matching Payment rows, slip
reissues printed in daily mailing batches (the last day's still queued), handovers,
complaints, account-transfer recommendations, foreign-language calls and phone numbers
learned. Rows are written in bulk with their historical times; one audit row says the
history was generated. Running it again does nothing (the rows carry a `demo-` key).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from nofu.accounts.models import Role, User
from nofu.audit.actions import audit_record, sha256_of
from nofu.calls import narrative
from nofu.calls.actions import envelopes_of, promise_settle_due
from nofu.calls.labels import labels_pdf
from nofu.calls.models import (
    Complaint,
    ComplaintStatus,
    ContactEvent,
    ContactKind,
    ContactResult,
    Counterpart,
    Department,
    Handover,
    HandoverReason,
    HandoverStatus,
    InquiryCategory,
    Language,
    MailingBatch,
    PaymentPromise,
    ReissueStatus,
    SlipReissue,
)
from nofu.calls.owed import installments_phrase
from nofu.intake.models import BatchStatus, FileKind, ImportBatch
from nofu.lib.business_calendar import is_business_day, previous_business_day
from nofu.payers.models import (
    Installment,
    Payer,
    Payment,
    Phone,
    PhoneKind,
    PhoneOrigin,
    PhoneStatus,
)
from nofu.telephony.simulator import simulate_inbound

KEY = "demo-"
OUTBOUND_PER_DAY = 320
INBOUND_PER_DAY = 100
ABANDONED_SHARE = (
    0.07  # of inbound calls, hung up in the queue (the contract wants ≥ 90 % answered)
)
OUTBOUND_MIX = [  # a real center's result mix for preview-dialled calls
    (ContactResult.NO_ANSWER, 0.55),
    (ContactResult.BUSY, 0.03),
    (ContactResult.INVALID_NUMBER, 0.03),
    (ContactResult.VOICEMAIL, 0.10),
    (ContactResult.REACHED_OTHER, 0.07),
    (ContactResult.REACHED_PAYER, 0.19),
    (ContactResult.REFUSED, 0.03),
]
INQUIRY_MIX = [
    (InquiryCategory.ASSESSMENT, 0.14),
    (InquiryCategory.DUE_DATES, 0.14),
    (InquiryCategory.PAYMENT_METHODS, 0.22),
    (InquiryCategory.RESIDENT_TAX_COLLECTION, 0.08),
    (InquiryCategory.ACCOUNT_TRANSFER, 0.10),
    (InquiryCategory.INCOME_DECLARATION, 0.05),
    (InquiryCategory.DEMAND_NOTICE, 0.07),
    (InquiryCategory.LATE_CHARGE, 0.10),
    (InquiryCategory.OTHER, 0.10),
]
EXTRA_OPERATORS = [
    ("operator3", "小林 真由美", "OP03"),
    ("operator4", "渡辺 翔太", "OP04"),
    ("operator5", "グエン ティ ラン", "OP05"),
]
LANGUAGE_OF = {
    "中国": Language.CHINESE,
    "韓国": Language.KOREAN,
    "ベトナム": Language.VIETNAMESE,
    "フィリピン": Language.ENGLISH,
    "ブラジル": Language.OTHER,
    "ネパール": Language.ENGLISH,
    "米国": Language.ENGLISH,
}
WORDS = [
    "給料日（25日）の後に納付するとのこと",
    "年金の支給日に合わせて払いたいとのこと",
    "納付書を紛失したとのこと",
    "転職したばかりで生活が苦しいとのこと",
    "コンビニで払うとのこと",
    "家族が払ったと思っていたとのこと",
    "",
    "",
    "",
]
COMPLAINTS = [
    "勤務中に何度も電話がかかってきて迷惑だ",
    "督促状の文面が威圧的で不快だ",
    "既に払ったのに電話が来た",
    "オペレーターの言い方がきつかった",
]
HANDOVER_DETAILS = {
    HandoverReason.INSTALMENT_APPROVAL: "毎月5,000円の分割納付を希望。分納の承認について相談したいとのこと",
    HandoverReason.REDUCTION: "失業により収入が減ったため減免・猶予を相談したいとのこと",
    HandoverReason.ASSESSMENT: "賦課の内容に納得できないとのこと。課税の根拠の説明を希望",
    HandoverReason.HARDSHIP: "生活保護の申請を検討中とのこと",
    HandoverReason.DECEASED: "納付義務者は死亡しており、相続人が手続きを相談したいとのこと",
}
DEPARTMENT_OF_SUBJECT = {
    "10": Department.NHI,
    "11": Department.NHI,
    "12": Department.ELDERLY_MEDICAL,
    "13": Department.LONG_TERM_CARE,
    "14": Department.CHILDCARE,
    "15": Department.SCHOOL_LUNCH,
}


@dataclass
class DemoSummary:
    days: int = 0
    outbound: int = 0
    inbound: int = 0
    inbound_today: int = 0  # answered inbound calls of the day being generated
    promises: int = 0
    reissues: int = 0
    batches: int = 0
    handovers: int = 0
    complaints: int = 0
    phones_learned: int = 0
    payments: int = 0
    skipped: bool = False


def _pick(rng: random.Random, mix: list[tuple[Any, float]]) -> Any:
    r = rng.random()
    for value, p in mix:
        r -= p
        if r < 0:
            return value
    return mix[-1][0]


@contextmanager
def _historical_times() -> Iterator[None]:
    """created_at keeps the historical time we give instead of now (bulk demo rows only)."""
    fields = [
        f
        for model in (ContactEvent, PaymentPromise, SlipReissue, Handover, Complaint, MailingBatch)
        for f in model._meta.fields
        if getattr(f, "auto_now_add", False)
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _operators() -> list[User]:
    from nofu.accounts.actions import user_create

    ops = list(User.objects.filter(role=Role.OPERATOR, is_active=True).order_by("id"))
    for username, name, code in EXTRA_OPERATORS:
        if len(ops) >= 3:
            break
        if not User.objects.filter(username=username).exists():
            user, _ = user_create(
                actor=None,
                username=username,
                role=Role.OPERATOR,
                display_name=name,
                staff_code=code,
            )
            ops.append(user)
    return ops


def _business_days(today: date, n: int) -> list[date]:
    out = []
    d = today
    while len(out) < n:
        d = previous_business_day(d)
        out.append(d)
    return sorted(out)


def _at(day: date, rng: random.Random, start: time = time(9, 0), hours: float = 8.0) -> datetime:
    minutes = int(rng.random() * hours * 60)
    naive = datetime.combine(day, start) + timedelta(minutes=minutes, seconds=rng.randrange(60))
    return timezone.make_aware(naive)


class _Payers:
    """The payers the demo calls, with what the calls need, loaded once."""

    def __init__(self, limit: int = 20_000) -> None:
        usable = Phone.objects.filter(payer_id=OuterRef("pk")).exclude(status=PhoneStatus.INVALID)
        self.payers = list(
            Payer.objects.filter(total_unpaid__gt=0)
            .filter(Exists(usable))
            .order_by("-total_unpaid", "id")[:limit]
        )
        ids = [p.pk for p in self.payers]
        self.phones: dict[int, list[Phone]] = defaultdict(list)
        for ph in Phone.objects.filter(payer_id__in=ids).order_by("payer_id", "status", "id"):
            self.phones[ph.payer_id].append(ph)
        self.insts: dict[int, list[Installment]] = defaultdict(list)
        for inst in Installment.objects.filter(payer_id__in=ids, unpaid__gt=0).order_by(
            "payer_id", "due_date", "id"
        ):
            self.insts[inst.payer_id].append(inst)
        self.payers = [p for p in self.payers if self.insts.get(p.pk)]

    def phone(self, payer: Payer) -> Phone | None:
        return next((p for p in self.phones[payer.pk] if p.status != PhoneStatus.INVALID), None)


def demo_history_create(*, days: int = 30, seed: int = 1, today: date | None = None) -> DemoSummary:
    """The last `days` business days before `today` (default: today) of contact history."""
    summary = DemoSummary()
    if ContactEvent.objects.filter(idempotency_key__startswith=KEY).exists():
        summary.skipped = True
        return summary
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        operators = _operators()
        supervisor = (
            User.objects.filter(role__in=[Role.SUPERVISOR, Role.MANAGER], is_active=True)
            .order_by("role", "id")
            .first()
        )
        manager = User.objects.filter(role=Role.MANAGER).order_by("id").first() or operators[0]
        pool = _Payers()
        if not pool.payers or not operators:
            return summary
        with _historical_times():
            _generate(
                rng,
                today,
                _business_days(today, days),
                pool,
                operators,
                supervisor,
                manager,
                summary,
            )
        settled = promise_settle_due(today=today)
        audit_record(
            actor=None,
            action="demo.history",
            summary=(
                f"デモ用の対応履歴（{summary.days}営業日）：架電{summary.outbound}件、"
                f"受電{summary.inbound}件、納付約束{summary.promises}件（判定{settled.settled}件）、"
                f"再発行{summary.reissues}件"
            ),
        )
    return summary


def _generate(
    rng: random.Random,
    today: date,
    days: list[date],
    pool: _Payers,
    operators: list[User],
    supervisor: User | None,
    manager: User,
    s: DemoSummary,
) -> None:
    payment_batch = ImportBatch.objects.create(
        file_name="収納データ（デモ対応履歴）.csv",
        kind=FileKind.PAYMENTS,
        sha256="0" * 64,
        status=BatchStatus.IMPORTED,
        source_system="デモ",
    )
    seq = 0
    recent_outbound: list[tuple[date, Payer, str]] = []
    queued: list[SlipReissue] = []
    for day_no, day in enumerate(days):
        s.days += 1
        contacts: list[ContactEvent] = []
        extras: list[dict[str, Any]] = []  # what to attach to each contact after insert
        sample = rng.sample(pool.payers, min(OUTBOUND_PER_DAY, len(pool.payers)))
        for payer in sample:
            phone = pool.phone(payer)
            if phone is None:
                continue
            result = _pick(rng, OUTBOUND_MIX)
            seq += 1
            at = _at(day, rng)
            op = rng.choice(operators)
            extra = _outbound_extra(rng, payer, pool, result, day)
            counterpart = (
                Counterpart.PAYER
                if result in (ContactResult.REACHED_PAYER, ContactResult.REFUSED)
                else (
                    rng.choice([Counterpart.FAMILY, Counterpart.FAMILY, Counterpart.WORKPLACE])
                    if result == ContactResult.REACHED_OTHER
                    else ""
                )
            )
            language = (
                LANGUAGE_OF.get(payer.nationality, Language.JAPANESE)
                if counterpart == Counterpart.PAYER
                else Language.JAPANESE
            )
            outcome = narrative.Outcome(
                kind=ContactKind.OUTBOUND,
                result=result,
                phone=phone.number,
                counterpart=counterpart,
                owed_phrase=installments_phrase(pool.insts[payer.pk])
                if result == ContactResult.REACHED_PAYER
                else "",
                owed_amount=sum(i.unpaid for i in pool.insts[payer.pk]),
                promises=tuple(narrative.PromiseNote(d, a) for d, a in extra.get("promises", [])),
                promised_for=installments_phrase(extra["promise_insts"])
                if extra.get("promises")
                else "",
                reissue=(
                    narrative.ReissueNote(
                        installments_phrase(extra["reissue"]), "登録住所", extra["flyer"]
                    )
                    if extra.get("reissue")
                    else None
                ),
                account_transfer=extra.get("transfer", False),
                income_declaration=extra.get("income", False),
                nhi_loss=extra.get("nhi", False),
                child_allowance_form=extra.get("child", False),
                language="" if language == Language.JAPANESE else Language(language).label,
                handovers=tuple(
                    narrative.HandoverNote(Department(d).label, HandoverReason(r).label, t)
                    for d, r, t in extra.get("handovers", [])
                ),
                complaint=extra.get("complaint", ""),
                new_phones=tuple(
                    narrative.PhoneNote(n, PhoneKind(k).label) for n, k in extra.get("phones", [])
                ),
                invalid_marked=result == ContactResult.INVALID_NUMBER,
                words=extra.get("words", ""),
            )
            contacts.append(
                ContactEvent(
                    payer=payer,
                    kind=ContactKind.OUTBOUND,
                    result=result,
                    counterpart=counterpart,
                    at=at,
                    ended_at=at + timedelta(seconds=rng.randrange(20, 600)),
                    operator=op,
                    phone_number=phone.number,
                    language=language,
                    account_transfer_recommended=extra.get("transfer", False),
                    income_declaration_reminded=extra.get("income", False),
                    nhi_loss_explained=extra.get("nhi", False),
                    child_allowance_form_promised=extra.get("child", False),
                    note=narrative.draft_note(outcome),
                    operator_words=extra.get("words", ""),
                    idempotency_key=f"{KEY}{seq}",
                    created_at=at,
                )
            )
            extra.update(payer=payer, op=op, at=at, day=day)
            extras.append(extra)
            if result == ContactResult.INVALID_NUMBER:
                phone.status = PhoneStatus.INVALID
                Phone.objects.filter(pk=phone.pk).update(
                    status=PhoneStatus.INVALID, note="架電時に不通・番号誤り"
                )
            elif result == ContactResult.REACHED_PAYER:
                Phone.objects.filter(pk=phone.pk).update(
                    status=PhoneStatus.CONFIRMED, last_seen=day
                )
            if result in (ContactResult.NO_ANSWER, ContactResult.VOICEMAIL):
                recent_outbound.append((day, payer, phone.number))
            s.outbound += 1
        # inbound and return calls
        recent = [r for r in recent_outbound if (day - r[0]).days <= 14 and r[0] < day]
        for _ in range(int(INBOUND_PER_DAY * (0.8 + 0.4 * rng.random()))):
            seq += 1
            at = _at(day, rng, time(8, 45), 8.4)
            op = rng.choice(operators)
            r = rng.random()
            rung_on = None
            if r < 0.33 and recent:
                rung_on, payer, number = rng.choice(recent)
                kind = ContactKind.RETURN_CALL
            elif r < 0.95:
                payer = rng.choice(pool.payers)
                ph = pool.phone(payer)
                number = ph.number if ph else ""
                kind = ContactKind.INBOUND
            else:
                payer, number, kind = None, "", ContactKind.INBOUND
            category = _pick(rng, INQUIRY_MIX)
            extra = _inbound_extra(rng, payer, pool, day, category)
            counterpart = Counterpart.PAYER if payer else Counterpart.UNKNOWN
            language = (
                LANGUAGE_OF.get(payer.nationality, Language.JAPANESE)
                if payer
                else Language.JAPANESE
            )
            outcome = narrative.Outcome(
                kind=kind,
                result=ContactResult.HANDLED,
                phone=number,
                counterpart=counterpart,
                inquiry=InquiryCategory(category).label,
                language="" if language == Language.JAPANESE else Language(language).label,
                promises=tuple(narrative.PromiseNote(d, a) for d, a in extra.get("promises", [])),
                promised_for=installments_phrase(extra["promise_insts"])
                if extra.get("promises")
                else "",
                reissue=(
                    narrative.ReissueNote(
                        installments_phrase(extra["reissue"]), "登録住所", extra["flyer"]
                    )
                    if extra.get("reissue")
                    else None
                ),
                account_transfer=extra.get("transfer", False),
                income_declaration=extra.get("income", False),
                handovers=tuple(
                    narrative.HandoverNote(Department(d).label, HandoverReason(r).label, t)
                    for d, r, t in extra.get("handovers", [])
                ),
                complaint=extra.get("complaint", ""),
                new_phones=tuple(
                    narrative.PhoneNote(n, PhoneKind(k).label) for n, k in extra.get("phones", [])
                ),
                rung_on=rung_on,
                words=extra.get("words", ""),
            )
            # the phone system's side of the same call: rang, queued a little, answered
            wait = min(int(rng.expovariate(1 / 25)), 170)
            talk = rng.randrange(60, 900)
            call = simulate_inbound(
                number, at=at, agent=op, wait_seconds=wait, talk_seconds=talk, live=False
            )
            contacts.append(
                ContactEvent(
                    payer=payer,
                    kind=kind,
                    result=ContactResult.HANDLED,
                    counterpart=counterpart,
                    at=at + timedelta(seconds=wait),
                    ended_at=at + timedelta(seconds=wait + talk),
                    call_id=call.call_id,
                    operator=op,
                    phone_number=number,
                    inquiry_category=category,
                    language=language,
                    account_transfer_recommended=extra.get("transfer", False),
                    income_declaration_reminded=extra.get("income", False),
                    note=narrative.draft_note(outcome),
                    operator_words=extra.get("words", ""),
                    idempotency_key=f"{KEY}{seq}",
                    created_at=at,
                )
            )
            extra.update(payer=payer, op=op, at=at, day=day)
            extras.append(extra)
            s.inbound += 1
            s.inbound_today += 1
        # callers who hung up before anyone answered (the answer rate's other side)
        for _ in range(int(s.inbound_today * ABANDONED_SHARE / (1 - ABANDONED_SHARE))):
            ph = pool.phone(rng.choice(pool.payers))
            simulate_inbound(
                ph.number if ph else "",
                at=_at(day, rng, time(8, 45), 8.4),
                patience=rng.randrange(15, 150),
                live=False,
            )
        s.inbound_today = 0
        ContactEvent.objects.bulk_create(contacts, batch_size=500)
        if not contacts[0].pk:  # SQLite before returning ids: fetch them back
            keys = {c.idempotency_key: c for c in contacts}
            for pk, key in ContactEvent.objects.filter(idempotency_key__in=list(keys)).values_list(
                "pk", "idempotency_key"
            ):
                keys[key].pk = pk
        queued += _attach(rng, contacts, extras, today, days[-2:], supervisor, payment_batch, s)
        # the day's mailing run prints what was queued before today (the last day stays queued)
        if day_no < len(days) - 1 and queued:
            _mailing(day, queued, manager, s)
            queued = []


def _outbound_extra(
    rng: random.Random, payer: Payer, pool: _Payers, result: str, day: date
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    insts = pool.insts[payer.pk]
    codes = {i.subject_code for i in insts}
    if result == ContactResult.REACHED_PAYER:
        _conversation_extra(rng, extra, payer, insts, codes, day, promise_rate=0.55)
        if not payer.account_transfer and rng.random() < 0.35:
            extra["transfer"] = True
        if codes & {"10"} and rng.random() < 0.12:
            extra["income"] = True
        if codes & {"10"} and rng.random() < 0.06:
            extra["nhi"] = True
        if codes & {"15"} and rng.random() < 0.3:
            extra["child"] = True
        if rng.random() < 0.01:
            extra["complaint"] = rng.choice(COMPLAINTS)
    elif result == ContactResult.REFUSED and rng.random() < 0.15:
        extra["complaint"] = rng.choice(COMPLAINTS)
    return extra


def _inbound_extra(
    rng: random.Random, payer: Payer | None, pool: _Payers, day: date, category: str
) -> dict[str, Any]:
    extra: dict[str, Any] = {"words": rng.choice(WORDS)}
    if payer is None:
        return extra
    insts = pool.insts[payer.pk]
    codes = {i.subject_code for i in insts}
    _conversation_extra(rng, extra, payer, insts, codes, day, promise_rate=0.25)
    if category == InquiryCategory.ACCOUNT_TRANSFER or (
        not payer.account_transfer and rng.random() < 0.1
    ):
        extra["transfer"] = True
    if category == InquiryCategory.INCOME_DECLARATION:
        extra["income"] = True
    if rng.random() < 0.004:
        extra["complaint"] = rng.choice(COMPLAINTS)
    return extra


def _conversation_extra(
    rng: random.Random,
    extra: dict[str, Any],
    payer: Payer,
    insts: list[Installment],
    codes: set[str],
    day: date,
    *,
    promise_rate: float,
) -> None:
    extra["words"] = rng.choice(WORDS)
    owed = sum(i.unpaid for i in insts)
    if rng.random() < promise_rate and owed >= 1000:
        parts = 1 if rng.random() < 0.85 else rng.choice([2, 3])
        chosen = insts if rng.random() < 0.7 else insts[:1]
        total = sum(i.unpaid for i in chosen)
        amount = total if rng.random() < 0.8 else max(1000, total // 2 // 100 * 100)
        each = max(100, amount // parts // 100 * 100)
        start = day + timedelta(days=rng.randrange(3, 15))
        lines = []
        for k in range(parts):
            d = start + timedelta(days=30 * k)
            while not is_business_day(d):
                d += timedelta(days=1)
            lines.append((d, each if k < parts - 1 else amount - each * (parts - 1)))
        extra["promises"] = lines
        extra["promise_insts"] = chosen
    if rng.random() < 0.22:
        extra["reissue"] = insts[: rng.choice([1, 1, 2, len(insts)])]
        extra["flyer"] = rng.random() < 0.9
    if rng.random() < 0.05:
        reason = rng.choice(list(HANDOVER_DETAILS))
        dept = DEPARTMENT_OF_SUBJECT.get(next(iter(sorted(codes))), Department.TAX_COLLECTION)
        extra["handovers"] = [(dept, reason, HANDOVER_DETAILS[reason])]
    if rng.random() < 0.04:
        number = f"090{rng.randrange(10**8):08d}"
        extra["phones"] = [(number, PhoneKind.MOBILE if rng.random() < 0.8 else PhoneKind.WORK)]
        extra["phone_origin"] = PhoneOrigin.HEARD if rng.random() < 0.85 else PhoneOrigin.RESEARCH


def _attach(
    rng: random.Random,
    contacts: list[ContactEvent],
    extras: list[dict[str, Any]],
    today: date,
    last_days: list[date],
    supervisor: User | None,
    payment_batch: ImportBatch,
    s: DemoSummary,
) -> list[SlipReissue]:
    """Promises (with the payments that keep them), reissues, handovers, complaints, phones."""
    through = ContactEvent.installments.through
    links = []
    queued = []
    for contact, extra in zip(contacts, extras, strict=True):
        payer, op, at, day = extra["payer"], extra["op"], extra["at"], extra["day"]
        if payer is None:
            continue
        touched = list(extra.get("promise_insts", [])) + list(extra.get("reissue", []))
        for inst in dict.fromkeys(touched):
            links.append(through(contactevent_id=contact.pk, installment_id=inst.pk))
        lines = extra.get("promises", [])
        if lines:
            chosen = extra["promise_insts"]
            fate = rng.random()  # kept 60 %, partly 12 %, broken the rest
            for n, (d, amount) in enumerate(lines, start=1):
                p = PaymentPromise.objects.create(
                    payer=payer,
                    contact=contact,
                    promised_on=d,
                    amount=amount,
                    plan_seq=n,
                    plan_count=len(lines),
                    unpaid_at_promise=sum(i.unpaid for i in chosen),
                    created_by=op,
                    created_at=at,
                )
                p.installments.set(chosen)
                s.promises += 1
                paid_on = d - timedelta(days=rng.randrange(0, 4))
                if paid_on >= today or paid_on < day:
                    continue
                pay = amount if fate < 0.6 else (amount // 2 // 100 * 100 if fate < 0.72 else 0)
                if pay > 0:
                    _payments(chosen, pay, paid_on, payment_batch, s)
        if extra.get("reissue"):
            r = SlipReissue.objects.create(
                payer=payer,
                contact=contact,
                send_to_registered=True,
                postal_code=payer.postal_code,
                address=payer.address or "（住所不明）",
                building=payer.building,
                addressee=payer.name,
                flyer_enclosed=extra["flyer"],
                created_by=op,
                created_at=at,
            )
            r.installments.set(extra["reissue"])
            queued.append(r)
            s.reissues += 1
        for dept, reason, detail in extra.get("handovers", []):
            age = (today - day).days
            Handover.objects.create(
                payer=payer,
                contact=contact,
                department=dept,
                reason=reason,
                detail=detail,
                status=HandoverStatus.CLOSED
                if age > 10
                else (HandoverStatus.RECEIVED if age > 3 else HandoverStatus.OPEN),
                created_by=op,
                created_at=at,
                closed_at=at + timedelta(days=7) if age > 10 else None,
            )
            s.handovers += 1
        if extra.get("complaint"):
            resolved = (
                day not in last_days and supervisor is not None
            )  # the last two days' still open
            Complaint.objects.create(
                payer=payer,
                contact=contact,
                content=extra["complaint"],
                status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN,
                handled_by=supervisor if resolved else None,
                resolution="スーパーバイザーが折り返し、事情を説明し謝罪した。" if resolved else "",
                created_by=op,
                created_at=at,
                resolved_at=at + timedelta(hours=3) if resolved else None,
            )
            s.complaints += 1
        for number, kind in extra.get("phones", []):
            _, created = Phone.objects.get_or_create(
                payer=payer,
                number=number,
                defaults={
                    "kind": kind,
                    "origin": extra.get("phone_origin", PhoneOrigin.HEARD),
                    "status": PhoneStatus.CONFIRMED,
                    "first_seen": day,
                    "last_seen": day,
                },
            )
            s.phones_learned += int(created)
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    return queued


def _payments(
    insts: list[Installment], amount: int, paid_on: date, batch: ImportBatch, s: DemoSummary
) -> None:
    left = amount
    for inst in insts:
        if left <= 0:
            break
        part = min(left, inst.unpaid)
        if part <= 0:
            continue
        s.payments += 1
        Payment.objects.create(
            source_system=inst.source_system,
            receivable_key=inst.receivable_key,
            installment=inst,
            paid_on=paid_on,
            amount=part,
            method="コンビニ",
            occurrence=100_000 + s.payments,  # never one of an imported file's own rows
            batch=batch,
        )
        left -= part


def _mailing(day: date, queued: list[SlipReissue], manager: User, s: DemoSummary) -> None:
    at = timezone.make_aware(datetime.combine(day, time(16, 30)))
    reissues = list(
        SlipReissue.objects.filter(pk__in=[r.pk for r in queued])
        .select_related("payer")
        .prefetch_related("installments")
        .order_by("id")
    )
    envelopes = envelopes_of(reissues)
    batch = MailingBatch.objects.create(
        created_by=manager, items=len(reissues), payers=len(envelopes), at=at
    )
    pdf = labels_pdf(envelopes, batch_no=batch.pk, printed_on=day)
    batch.pdf = pdf
    batch.sha256 = sha256_of(pdf)
    batch.file_name = f"宛名_発送バッチ{batch.pk}_{day:%Y%m%d}.pdf"
    batch.idempotency_key = f"{KEY}mailing-{batch.pk}"
    batch.save()
    SlipReissue.objects.filter(pk__in=[r.pk for r in reissues]).update(
        status=ReissueStatus.PRINTED, batch=batch
    )
    mails = []
    for n, env in enumerate(envelopes):
        mails.append(
            ContactEvent(
                payer=env.payer,
                kind=ContactKind.MAIL,
                result=ContactResult.SENT,
                counterpart=Counterpart.NONE,
                at=at + timedelta(seconds=n),
                operator=manager,
                account_transfer_recommended=env.flyer,
                mailing_batch=batch,
                note=narrative.mailing_note(
                    what=env.what, destination=env.destination, flyer=env.flyer, batch_no=batch.pk
                ),
                idempotency_key=f"{KEY}mail-{batch.pk}-{n}",
                created_at=at,
            )
        )
    ContactEvent.objects.bulk_create(mails)
    through = ContactEvent.installments.through
    saved = dict(
        ContactEvent.objects.filter(
            idempotency_key__startswith=f"{KEY}mail-{batch.pk}-"
        ).values_list("idempotency_key", "pk")
    )
    through.objects.bulk_create(
        [
            through(contactevent_id=saved[f"{KEY}mail-{batch.pk}-{n}"], installment_id=inst.pk)
            for n, env in enumerate(envelopes)
            for inst in env.installments
        ],
        ignore_conflicts=True,
    )
    s.batches += 1
