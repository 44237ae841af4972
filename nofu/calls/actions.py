"""Every write of the operator workspace: one typed function per action, one transaction,
with its audit row. Bad input raises ValidationError with Japanese messages and writes
nothing; a repeated idempotency key returns what the first call recorded.

The center never decides what is the city's (公権力の行使): instalment arrangements beyond
the manager's limits, reductions, seizures are handed over (`handover_create`), and the
promise rules below say so in their messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from nofu.accounts.access import can
from nofu.audit.actions import audit_record, sha256_of
from nofu.calls import narrative
from nofu.calls.models import (
    CallSettings,
    Complaint,
    ComplaintStatus,
    ContactEvent,
    ContactKind,
    ContactResult,
    Counterpart,
    Department,
    Handover,
    HandoverReason,
    InquiryCategory,
    Language,
    MailingBatch,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.calls.owed import Owed, installments_phrase, payer_owed
from nofu.lib.phones import PhoneError, normalize_phone, phone_kind
from nofu.payers.models import Payer, Payment, Phone, PhoneKind, PhoneOrigin, PhoneStatus

OUTBOUND_RESULTS = (
    ContactResult.NO_ANSWER,
    ContactResult.BUSY,
    ContactResult.INVALID_NUMBER,
    ContactResult.VOICEMAIL,
    ContactResult.REACHED_OTHER,
    ContactResult.REACHED_PAYER,
    ContactResult.REFUSED,
)
CALL_KINDS = (ContactKind.OUTBOUND, ContactKind.INBOUND, ContactKind.RETURN_CALL)


def _refuse(problems: Sequence[str]) -> None:
    if problems:
        raise ValidationError(list(problems))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _digits(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", s or "") if ch.isdigit())


def phone_normalize_lenient(number: str) -> str:
    """National digits for a number we were given; unusual numbers are kept as digits."""
    try:
        return normalize_phone(number, strict=False)
    except PhoneError:
        return _digits(number)[:20]


# ---------------------------------------------------------------- settings


@transaction.atomic
def call_settings_update(
    *,
    actor: Any,
    promise_max_days: int,
    promise_max_parts: int,
    promise_grace_days: int,
    return_call_days: int,
    max_calls_per_day: int | None = None,
    max_calls_per_week: int | None = None,
    retry_after_hours: int | None = None,
    max_unanswered: int | None = None,
    request: Any = None,
) -> CallSettings:
    """The manager's rules; the call-list rules (caps, spacing) left None stay as they are."""
    current = CallSettings.current()
    per_day = current.max_calls_per_day if max_calls_per_day is None else max_calls_per_day
    per_week = current.max_calls_per_week if max_calls_per_week is None else max_calls_per_week
    retry = current.retry_after_hours if retry_after_hours is None else retry_after_hours
    unanswered = current.max_unanswered if max_unanswered is None else max_unanswered
    problems = []
    if not 1 <= promise_max_days <= 366:
        problems.append("納付約束日の上限は1〜366日で入力してください。")
    if not 1 <= promise_max_parts <= 12:
        problems.append("分割の上限は1〜12回で入力してください。")
    if not 0 <= promise_grace_days <= 60:
        problems.append("履行判定の猶予日数は0〜60日で入力してください。")
    if not 1 <= return_call_days <= 90:
        problems.append("返電とみなす日数は1〜90日で入力してください。")
    if not 1 <= per_day <= 10:
        problems.append("1日の架電上限は1〜10回で入力してください。")
    if not per_day <= per_week <= 30:
        problems.append("直近7日の架電上限は1日の上限以上、30回以下で入力してください。")
    if not 1 <= retry <= 72:
        problems.append("不在後の再架電までの時間は1〜72時間で入力してください。")
    if not 1 <= unanswered <= 30:
        problems.append("不在が続いたらリストから外す回数は1〜30回で入力してください。")
    _refuse(problems)
    fields = (
        "promise_max_days",
        "promise_max_parts",
        "promise_grace_days",
        "return_call_days",
        "max_calls_per_day",
        "max_calls_per_week",
        "retry_after_hours",
        "max_unanswered",
    )
    before = {f: getattr(current, f) for f in fields}
    current.promise_max_days = promise_max_days
    current.promise_max_parts = promise_max_parts
    current.promise_grace_days = promise_grace_days
    current.return_call_days = return_call_days
    current.max_calls_per_day = per_day
    current.max_calls_per_week = per_week
    current.retry_after_hours = retry
    current.max_unanswered = unanswered
    current.updated_by = actor if getattr(actor, "pk", None) else None
    current.save()
    after = {k: getattr(current, k) for k in before}
    audit_record(
        actor=actor,
        action="calls.settings",
        target_type="call_settings",
        target_id=current.pk,
        summary="架電の設定を変更",
        detail={"before": before, "after": after},
        request=request,
    )
    return current


# ---------------------------------------------------------------- phones


def _phone_kind_of(number: str) -> str:
    kind = phone_kind(number)
    return {"mobile": PhoneKind.MOBILE, "fixed": PhoneKind.FIXED}.get(kind, PhoneKind.OTHER)


@transaction.atomic
def phone_mark_invalid(
    *, actor: Any, payer: Payer, number: str, reason: str = "", request: Any = None
) -> Phone:
    """A wrong or dead number: never offered again for this payer (kept for the record)."""
    digits = phone_normalize_lenient(number)
    if not digits:
        raise ValidationError(["電話番号がありません。"])
    today = timezone.localdate()
    phone, _ = Phone.objects.get_or_create(
        payer=payer,
        number=digits,
        defaults={
            "kind": _phone_kind_of(digits),
            "origin": PhoneOrigin.OTHER,
            "first_seen": today,
            "last_seen": today,
        },
    )
    phone.status = PhoneStatus.INVALID
    phone.note = (reason or "架電時に不通・番号誤り")[:200]
    phone.save(update_fields=["status", "note"])
    audit_record(
        actor=actor,
        action="phone.invalid",
        target_type="payer",
        target_id=payer.pk,
        summary=f"{payer.name} の電話番号 {narrative.phone_text(digits)} を不通・誤りとした",
        request=request,
    )
    return phone


def _phone_confirm(payer: Payer, digits: str, today: date) -> None:
    """Reached the payer on this number: it is theirs."""
    Phone.objects.filter(payer=payer, number=digits).update(
        status=PhoneStatus.CONFIRMED, last_seen=today
    )


def phone_problems(number: str) -> tuple[str, list[str]]:
    try:
        digits = normalize_phone(number)
    except PhoneError as e:
        return "", [str(e)]
    if not digits:
        return "", ["電話番号を入力してください。"]
    return digits, []


@transaction.atomic
def phone_add(
    *,
    actor: Any,
    payer: Payer,
    number: str,
    kind: str = "",
    origin: str = PhoneOrigin.HEARD,
    note: str = "",
    today: date | None = None,
    request: Any = None,
) -> Phone:
    """A number learned on a call (本人聴取) or by research (調査), for 電話番号情報."""
    digits, problems = phone_problems(number)
    if origin not in PhoneOrigin.values or origin == PhoneOrigin.CITY_DATA:
        problems.append("取得方法は本人聴取・調査・その他から選んでください。")
    if kind and kind not in PhoneKind.values:
        problems.append("電話番号の種別が正しくありません。")
    _refuse(problems)
    today = _today(today)
    phone = Phone.objects.filter(payer=payer, number=digits).first()
    created = phone is None
    if phone is None:
        phone = Phone.objects.create(
            payer=payer,
            number=digits,
            kind=kind or _phone_kind_of(digits),
            origin=origin,
            status=PhoneStatus.CONFIRMED if origin == PhoneOrigin.HEARD else PhoneStatus.UNKNOWN,
            first_seen=today,
            last_seen=today,
            note=note[:200],
        )
    else:
        phone.last_seen = today
        if origin == PhoneOrigin.HEARD:
            phone.status = PhoneStatus.CONFIRMED
        if kind:
            phone.kind = kind
        phone.save(update_fields=["last_seen", "status", "kind"])
    audit_record(
        actor=actor,
        action="phone.add",
        target_type="payer",
        target_id=payer.pk,
        summary=(
            f"{payer.name} の電話番号 {narrative.phone_text(digits)} を"
            f"{'登録' if created else '再確認'}（{PhoneOrigin(origin).label}）"
        ),
        request=request,
    )
    return phone


# ---------------------------------------------------------------- contact


def _kind_result_problems(kind: str, result: str, payer: Payer | None) -> list[str]:
    problems = []
    if kind not in CALL_KINDS:
        problems.append("対応区分が正しくありません。")
    elif kind == ContactKind.OUTBOUND:
        if result not in OUTBOUND_RESULTS:
            problems.append("架電結果を選んでください。")
        if payer is None:
            problems.append("架電には納付義務者が必要です。")
    elif result not in (ContactResult.HANDLED, ContactResult.REFUSED):
        problems.append("受電・返電の結果が正しくありません。")
    return problems


@dataclass(frozen=True)
class PromiseLine:
    promised_on: date
    amount: int


@dataclass(frozen=True)
class ReissueSpec:
    installment_ids: tuple[int, ...]
    to_registered: bool = True
    postal_code: str = ""
    address: str = ""
    building: str = ""
    addressee: str = ""
    flyer_declined: bool = False


@dataclass(frozen=True)
class HandoverSpec:
    department: str
    reason: str
    detail: str


@dataclass(frozen=True)
class PhoneSpec:
    number: str
    kind: str = ""
    origin: str = PhoneOrigin.HEARD


@dataclass
class Conversation:
    """Everything the operator recorded about one call (the reached-payer / inbound form)."""

    kind: str
    result: str
    phone_number: str = ""
    counterpart: str = Counterpart.PAYER
    inquiry_category: str = ""
    language: str = Language.JAPANESE
    account_transfer_recommended: bool = False
    income_declaration_reminded: bool = False
    nhi_loss_explained: bool = False
    child_allowance_form_promised: bool = False
    promise_lines: list[PromiseLine] = field(default_factory=list)
    promise_installment_ids: list[int] = field(default_factory=list)
    reissue: ReissueSpec | None = None
    handovers: list[HandoverSpec] = field(default_factory=list)
    complaint: str = ""
    new_phones: list[PhoneSpec] = field(default_factory=list)
    operator_words: str = ""
    note: str = ""  # the 交渉記事 as edited; drafted when blank
    call_id: str = ""
    rung_on: date | None = None  # return call: when we had rung


@transaction.atomic
def contact_record(
    *,
    actor: Any,
    payer: Payer | None,
    kind: str,
    result: str,
    phone_number: str = "",
    counterpart: str = "",
    at: datetime | None = None,
    installments: Iterable[Any] = (),
    inquiry_category: str = "",
    language: str = Language.JAPANESE,
    account_transfer_recommended: bool = False,
    income_declaration_reminded: bool = False,
    nhi_loss_explained: bool = False,
    child_allowance_form_promised: bool = False,
    note: str = "",
    operator_words: str = "",
    call_id: str = "",
    recording_ref: str = "",
    idempotency_key: str | None = None,
    request: Any = None,
) -> ContactEvent:
    """One row of 架電結果データ. A dead number is marked invalid; reaching the payer on a
    number confirms it. The 交渉記事 is drafted when none is given."""
    if idempotency_key:
        existing = ContactEvent.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    problems = _kind_result_problems(kind, result, payer)
    if counterpart not in Counterpart.values:
        problems.append("相手が正しくありません。")
    if inquiry_category not in InquiryCategory.values:
        problems.append("問合せ内容が正しくありません。")
    if language not in Language.values:
        problems.append("対応言語が正しくありません。")
    _refuse(problems)
    digits = phone_normalize_lenient(phone_number) if phone_number else ""
    at = at or timezone.now()
    if not counterpart and result in (ContactResult.REACHED_PAYER, ContactResult.REFUSED):
        counterpart = Counterpart.PAYER
    if not note.strip():
        note = narrative.draft_note(
            narrative.Outcome(
                kind=kind,
                result=result,
                phone=digits,
                counterpart=counterpart,
                inquiry=InquiryCategory(inquiry_category).label if inquiry_category else "",
                language="" if language == Language.JAPANESE else Language(language).label,
                account_transfer=account_transfer_recommended,
                income_declaration=income_declaration_reminded,
                nhi_loss=nhi_loss_explained,
                child_allowance_form=child_allowance_form_promised,
                invalid_marked=result == ContactResult.INVALID_NUMBER,
                words=operator_words,
            )
        )
    event = ContactEvent(
        payer=payer,
        kind=kind,
        result=result,
        counterpart=counterpart,
        at=at,
        operator=actor,
        phone_number=digits,
        inquiry_category=inquiry_category,
        language=language,
        account_transfer_recommended=account_transfer_recommended,
        income_declaration_reminded=income_declaration_reminded,
        nhi_loss_explained=nhi_loss_explained,
        child_allowance_form_promised=child_allowance_form_promised,
        note=note.strip(),
        operator_words=operator_words.strip(),
        call_id=call_id[:64],
        recording_ref=recording_ref[:200],
        idempotency_key=idempotency_key or None,
    )
    event.save()
    insts = list(installments)
    if insts:
        event.installments.set(insts)
    if payer is not None and digits:
        if result == ContactResult.INVALID_NUMBER:
            phone_mark_invalid(actor=actor, payer=payer, number=digits, request=request)
        elif result == ContactResult.REACHED_PAYER or (
            kind != ContactKind.OUTBOUND and counterpart == Counterpart.PAYER
        ):
            _phone_confirm(payer, digits, timezone.localdate(at))
    audit_record(
        actor=actor,
        action="contact.record",
        target_type="payer" if payer else "contact",
        target_id=payer.pk if payer else event.pk,
        summary=(
            f"{ContactKind(kind).label}：{payer.name if payer else '不明の相手'}"
            f"（{ContactResult(result).label}）"
        ),
        detail={"contact": event.pk},
        request=request,
    )
    return event


# ---------------------------------------------------------------- promises


def _selected(owed: Owed, ids: Sequence[int]) -> tuple[Owed, list[str]]:
    by_id = owed.by_id
    problems = ["選んだ期別がこの納付義務者のものではありません。" for i in ids if i not in by_id][
        :1
    ]
    chosen = [by_id[i] for i in ids if i in by_id] if ids else owed.open_items
    return Owed(chosen), problems


def promise_problems(
    *,
    owed: Owed,
    lines: Sequence[PromiseLine],
    installment_ids: Sequence[int] = (),
    today: date,
    rules: CallSettings | None = None,
) -> list[str]:
    """Why these promises cannot be taken, in words the operator can act on."""
    rules = rules or CallSettings.current()
    chosen, problems = _selected(owed, installment_ids)
    if not lines:
        return ["納付約束日と約束額を入力してください。"]
    limit = today + timedelta(days=rules.promise_max_days)
    for line in lines:
        if line.promised_on < today:
            problems.append(
                f"納付約束日（{narrative.day(line.promised_on)}）が過去の日付です。"
                "本日以降の日付を入力してください。"
            )
        elif line.promised_on > limit:
            problems.append(
                f"納付約束日（{narrative.day(line.promised_on)}）は本日から"
                f"{rules.promise_max_days}日以内（{narrative.day(limit)}まで）で入力してください。"
                "それより先の約束は分納の相談として担当課へ取り次いでください。"
            )
        if line.amount <= 0:
            problems.append("約束額は1円以上で入力してください。")
    dates = [line.promised_on for line in lines]
    if len(set(dates)) != len(dates):
        problems.append("分割の納付約束日が重複しています。")
    if len(lines) > rules.promise_max_parts:
        problems.append(
            f"分割は{rules.promise_max_parts}回までです。それを超える分割納付は市の承認が"
            "必要なため、担当課へ取り次いでください。"
        )
    paid_up = [o.label for o in chosen.items if o.total <= 0]
    if paid_up:
        problems.append(f"{'、'.join(paid_up)}は完納済みです。未納の期別を選んでください。")
    if not chosen.items:
        problems.append("未納の期別がありません。")
    total = sum(max(0, line.amount) for line in lines)
    if chosen.items and total > chosen.total:
        problems.append(
            f"約束額の合計（{total:,}円）が、選んだ期別の未納額と延滞金の合計"
            f"（{chosen.total:,}円）を超えています。"
        )
    return problems


@transaction.atomic
def promise_create(
    *,
    actor: Any,
    payer: Payer,
    contact: ContactEvent,
    lines: Sequence[PromiseLine],
    installment_ids: Sequence[int] = (),
    today: date | None = None,
    owed: Owed | None = None,
    request: Any = None,
) -> list[PaymentPromise]:
    """納付約束; several lines are one instalment plan (1 of n, 2 of n, …)."""
    today = _today(today)
    owed = owed or payer_owed(payer, today=today)
    _refuse(promise_problems(owed=owed, lines=lines, installment_ids=installment_ids, today=today))
    chosen, _ = _selected(owed, installment_ids)
    lines = sorted(lines, key=lambda line: line.promised_on)
    created = []
    for n, line in enumerate(lines, start=1):
        promise = PaymentPromise.objects.create(
            payer=payer,
            contact=contact,
            promised_on=line.promised_on,
            amount=line.amount,
            plan_seq=n,
            plan_count=len(lines),
            unpaid_at_promise=chosen.total,
            created_by=actor,
        )
        promise.installments.set([o.inst for o in chosen.items])
        created.append(promise)
    audit_record(
        actor=actor,
        action="promise.create",
        target_type="payer",
        target_id=payer.pk,
        summary=(
            f"{payer.name} 納付約束 "
            + "、".join(f"{line.promised_on:%Y-%m-%d} {line.amount:,}円" for line in lines)
        ),
        detail={"contact": contact.pk, "promises": [p.pk for p in created]},
        request=request,
    )
    return created


# ---------------------------------------------------------------- reissue


def _postal(s: str) -> str:
    return _digits(s)


def reissue_problems(*, payer: Payer, owed: Owed, spec: ReissueSpec) -> list[str]:
    problems = []
    if not spec.installment_ids:
        return ["再発行する期別を選んでください。"]
    by_id = owed.by_id
    for pk in spec.installment_ids:
        o = by_id.get(pk)
        if o is None:
            problems.append("選んだ期別がこの納付義務者のものではありません。")
        elif not o.open:
            problems.append(f"{o.label}は完納済みのため、納付書を再発行できません。")
    queued = (
        SlipReissue.objects.filter(
            payer=payer, status=ReissueStatus.QUEUED, installments__in=spec.installment_ids
        )
        .distinct()
        .values_list("created_at", flat=True)
    )
    if queued:
        when = timezone.localtime(queued[0])
        problems.append(
            f"選んだ期別の納付書は既に発送待ちです（{when:%m月%d日}受付）。重ねて再発行はできません。"
        )
    if spec.to_registered:
        if not payer.address.strip():
            problems.append("登録住所がありません。送付先住所を入力してください。")
    else:
        if not spec.address.strip():
            problems.append("送付先住所を入力してください。")
        postal = _postal(spec.postal_code)
        if spec.postal_code.strip() and len(postal) != 7:
            problems.append("郵便番号は7桁で入力してください。")
    return problems


@transaction.atomic
def reissue_request(
    *,
    actor: Any,
    payer: Payer,
    contact: ContactEvent,
    spec: ReissueSpec,
    today: date | None = None,
    owed: Owed | None = None,
    request: Any = None,
) -> SlipReissue:
    """納付書再発行: only unpaid installments; queued for the next mailing batch."""
    owed = owed or payer_owed(payer, today=_today(today))
    _refuse(reissue_problems(payer=payer, owed=owed, spec=spec))
    if spec.to_registered:
        postal, address, building = payer.postal_code, payer.address, payer.building
    else:
        postal, address, building = _postal(spec.postal_code), spec.address, spec.building
    reissue = SlipReissue.objects.create(
        payer=payer,
        contact=contact,
        send_to_registered=spec.to_registered,
        postal_code=postal,
        address=address.strip()[:300],
        building=building.strip()[:200],
        addressee=(spec.addressee.strip() or payer.name)[:200],
        flyer_enclosed=not spec.flyer_declined,
        created_by=actor,
    )
    by_id = owed.by_id
    reissue.installments.set([by_id[pk].inst for pk in spec.installment_ids])
    audit_record(
        actor=actor,
        action="reissue.request",
        target_type="payer",
        target_id=payer.pk,
        summary=(
            f"{payer.name} 納付書再発行 "
            f"{installments_phrase(by_id[pk].inst for pk in spec.installment_ids)}"
        ),
        detail={"contact": contact.pk, "reissue": reissue.pk},
        request=request,
    )
    return reissue


# ---------------------------------------------------------------- handover, complaint


def handover_problems(spec: HandoverSpec) -> list[str]:
    problems = []
    if spec.department not in Department.values:
        problems.append("取次先の課を選んでください。")
    if spec.reason not in HandoverReason.values:
        problems.append("取次ぎの理由を選んでください。")
    if not spec.detail.strip():
        problems.append("取次ぎの内容を入力してください。")
    return problems


@transaction.atomic
def handover_create(
    *,
    actor: Any,
    payer: Payer | None,
    contact: ContactEvent,
    department: str,
    reason: str,
    detail: str,
    request: Any = None,
) -> Handover:
    """取次ぎ: the city decides (instalment approval, reduction, seizure…), never the center."""
    spec = HandoverSpec(department, reason, detail)
    _refuse(handover_problems(spec))
    handover = Handover.objects.create(
        payer=payer,
        contact=contact,
        department=department,
        reason=reason,
        detail=detail.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="handover.create",
        target_type="payer" if payer else "contact",
        target_id=payer.pk if payer else contact.pk,
        summary=(
            f"{Department(department).label}へ取次ぎ（{HandoverReason(reason).label}）"
            f"：{payer.name if payer else '不明の相手'}"
        ),
        detail={"contact": contact.pk, "handover": handover.pk},
        request=request,
    )
    return handover


@transaction.atomic
def complaint_create(
    *,
    actor: Any,
    payer: Payer | None,
    contact: ContactEvent | None,
    content: str,
    request: Any = None,
) -> Complaint:
    """苦情・トラブル: on the supervisors' page at once, with the content."""
    if not content.strip():
        raise ValidationError(["苦情の内容を入力してください。"])
    complaint = Complaint.objects.create(
        payer=payer, contact=contact, content=content.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="complaint.create",
        target_type="complaint",
        target_id=complaint.pk,
        summary=f"苦情の申出：{payer.name if payer else '不明の相手'}",
        detail={"contact": contact.pk if contact else None},
        request=request,
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor: Any, complaint: Complaint, resolution: str, request: Any = None
) -> Complaint:
    if not can(actor, "calls.supervise"):
        raise PermissionDenied("calls.supervise")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.RESOLVED:
        raise ValidationError(["この苦情は既に解決済みです。"])
    if not resolution.strip():
        raise ValidationError(["対応結果を入力してください。"])
    complaint.status = ComplaintStatus.RESOLVED
    complaint.resolution = resolution.strip()
    complaint.handled_by = actor
    complaint.resolved_at = timezone.now()
    complaint.save(update_fields=["status", "resolution", "handled_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="complaint.resolve",
        target_type="complaint",
        target_id=complaint.pk,
        summary="苦情を解決済みにした",
        request=request,
    )
    return complaint


# ---------------------------------------------------------------- one call, all of it


def conversation_outcome(
    conv: Conversation, *, payer: Payer | None, owed: Owed | None
) -> narrative.Outcome:
    """What the narrative needs, labels resolved."""
    by_id = owed.by_id if owed else {}
    chosen = (
        [by_id[i].inst for i in conv.promise_installment_ids if i in by_id]
        if conv.promise_installment_ids
        else [o.inst for o in (owed.open_items if owed else [])]
    )
    reissue = None
    if conv.reissue and conv.reissue.installment_ids:
        r = conv.reissue
        if r.to_registered:
            destination = "登録住所"
        else:
            postal = _postal(r.postal_code)
            zip_text = f"〒{postal[:3]}-{postal[3:]} " if len(postal) == 7 else ""
            destination = f"指定の送付先（{zip_text}{r.address.strip()}{r.building.strip()}）"
        reissue = narrative.ReissueNote(
            installments_phrase(by_id[i].inst for i in r.installment_ids if i in by_id),
            destination,
            not r.flyer_declined,
        )
    reached = conv.result in (ContactResult.REACHED_PAYER, ContactResult.HANDLED)
    return narrative.Outcome(
        kind=conv.kind,
        result=conv.result,
        phone=phone_normalize_lenient(conv.phone_number) if conv.phone_number else "",
        counterpart=conv.counterpart,
        owed_phrase=(
            installments_phrase(o.inst for o in owed.open_items)
            if owed and reached and conv.kind == ContactKind.OUTBOUND
            else ""
        ),
        owed_amount=owed.principal if owed else 0,
        promises=tuple(narrative.PromiseNote(p.promised_on, p.amount) for p in conv.promise_lines),
        promised_for=installments_phrase(chosen) if conv.promise_lines else "",
        reissue=reissue,
        account_transfer=conv.account_transfer_recommended,
        income_declaration=conv.income_declaration_reminded,
        nhi_loss=conv.nhi_loss_explained,
        child_allowance_form=conv.child_allowance_form_promised,
        language="" if conv.language == Language.JAPANESE else Language(conv.language).label,
        inquiry=(
            InquiryCategory(conv.inquiry_category).label
            if conv.inquiry_category in InquiryCategory.values and conv.inquiry_category
            else ""
        ),
        handovers=tuple(
            narrative.HandoverNote(
                Department(h.department).label, HandoverReason(h.reason).label, h.detail
            )
            for h in conv.handovers
            if h.department in Department.values and h.reason in HandoverReason.values
        ),
        complaint=conv.complaint,
        new_phones=tuple(
            narrative.PhoneNote(
                d, PhoneKind(p.kind if p.kind in PhoneKind.values else _phone_kind_of(d)).label
            )
            for p in conv.new_phones
            if (d := phone_normalize_lenient(p.number))
        ),
        rung_on=conv.rung_on,
        words=conv.operator_words,
    )


def conversation_draft(
    conv: Conversation, *, payer: Payer | None, today: date | None = None
) -> str:
    owed = payer_owed(payer, today=_today(today)) if payer else None
    return narrative.draft_note(conversation_outcome(conv, payer=payer, owed=owed))


def conversation_problems(
    conv: Conversation, *, payer: Payer | None, owed: Owed | None, today: date
) -> list[str]:
    problems = _kind_result_problems(conv.kind, conv.result, payer)
    if conv.kind in (ContactKind.INBOUND, ContactKind.RETURN_CALL) and not conv.inquiry_category:
        problems.append("問合せ内容（ア〜ケ）を選んでください。")
    if payer is None and (conv.promise_lines or conv.reissue):
        problems.append("納付約束・納付書再発行には納付義務者の特定が必要です。")
    if owed is not None and conv.promise_lines:
        problems += promise_problems(
            owed=owed,
            lines=conv.promise_lines,
            installment_ids=conv.promise_installment_ids,
            today=today,
        )
    if owed is not None and payer is not None and conv.reissue:
        problems += reissue_problems(payer=payer, owed=owed, spec=conv.reissue)
    for h in conv.handovers:
        problems += handover_problems(h)
    for p in conv.new_phones:
        problems += phone_problems(p.number)[1]
        if payer is None:
            problems.append("聴取した電話番号の登録には納付義務者の特定が必要です。")
    return list(dict.fromkeys(problems))


def conversation_record(
    *,
    actor: Any,
    payer: Payer | None,
    conv: Conversation,
    idempotency_key: str | None = None,
    today: date | None = None,
    request: Any = None,
) -> ContactEvent:
    """A reached payer or an inbound call, with all that came of it, in one transaction.

    Everything is checked first and every problem is reported at once; nothing is
    written unless all of it can be. A repeated key returns the first call's record.
    """
    if idempotency_key:
        existing = ContactEvent.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    today = _today(today)
    owed = payer_owed(payer, today=today) if payer else None
    _refuse(conversation_problems(conv, payer=payer, owed=owed, today=today))
    note = conv.note.strip() or narrative.draft_note(
        conversation_outcome(conv, payer=payer, owed=owed)
    )
    touched = list(conv.promise_installment_ids)
    if conv.reissue:
        touched += list(conv.reissue.installment_ids)
    if not touched and owed is not None and conv.kind == ContactKind.OUTBOUND:
        touched = [o.inst.pk for o in owed.open_items]
    by_id = owed.by_id if owed else {}
    try:
        with transaction.atomic():
            contact = contact_record(
                actor=actor,
                payer=payer,
                kind=conv.kind,
                result=conv.result,
                phone_number=conv.phone_number,
                counterpart=conv.counterpart,
                installments=[by_id[i].inst for i in dict.fromkeys(touched) if i in by_id],
                inquiry_category=conv.inquiry_category,
                language=conv.language,
                account_transfer_recommended=conv.account_transfer_recommended,
                income_declaration_reminded=conv.income_declaration_reminded,
                nhi_loss_explained=conv.nhi_loss_explained,
                child_allowance_form_promised=conv.child_allowance_form_promised,
                note=note,
                operator_words=conv.operator_words,
                call_id=conv.call_id,
                idempotency_key=idempotency_key,
                request=request,
            )
            if payer is not None and conv.promise_lines:
                promise_create(
                    actor=actor,
                    payer=payer,
                    contact=contact,
                    lines=conv.promise_lines,
                    installment_ids=conv.promise_installment_ids,
                    today=today,
                    owed=owed,
                    request=request,
                )
            if payer is not None and conv.reissue:
                reissue_request(
                    actor=actor,
                    payer=payer,
                    contact=contact,
                    spec=conv.reissue,
                    owed=owed,
                    request=request,
                )
            for h in conv.handovers:
                handover_create(
                    actor=actor,
                    payer=payer,
                    contact=contact,
                    department=h.department,
                    reason=h.reason,
                    detail=h.detail,
                    request=request,
                )
            if conv.complaint.strip():
                complaint_create(
                    actor=actor,
                    payer=payer,
                    contact=contact,
                    content=conv.complaint,
                    request=request,
                )
            if payer is not None:
                for p in conv.new_phones:
                    phone_add(
                        actor=actor,
                        payer=payer,
                        number=p.number,
                        kind=p.kind,
                        origin=p.origin,
                        today=today,
                        request=request,
                    )
    except IntegrityError:
        if idempotency_key:
            existing = ContactEvent.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return contact


# ---------------------------------------------------------------- settlement


@dataclass
class SettleSummary:
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0

    @property
    def settled(self) -> int:
        return self.kept + self.partly_kept + self.broken


@transaction.atomic
def promise_settle_due(*, today: date, actor: Any = None) -> SettleSummary:
    """Each open promise whose date + grace days has passed becomes kept, partly kept or
    broken from the payments on its installments since the promise was made.

    An instalment plan is settled in order: payments count toward the earlier parts first.
    Run after each payments import (収納データ); re-running changes nothing.
    """
    grace = CallSettings.current().promise_grace_days
    due = list(
        PaymentPromise.objects.filter(
            status=PromiseStatus.OPEN, promised_on__lt=today - timedelta(days=grace)
        )
        .select_related("contact")
        .order_by("contact_id", "plan_seq", "id")
    )
    summary = SettleSummary()
    if not due:
        return summary
    contact_ids = {p.contact_id for p in due}
    plans: dict[int, list[PaymentPromise]] = {}
    for p in PaymentPromise.objects.filter(contact_id__in=contact_ids).order_by("plan_seq", "id"):
        plans.setdefault(p.contact_id, []).append(p)
    inst_ids: dict[int, list[int]] = {}
    through = PaymentPromise.installments.through
    for pid, iid in through.objects.filter(paymentpromise__contact_id__in=contact_ids).values_list(
        "paymentpromise_id", "installment_id"
    ):
        inst_ids.setdefault(pid, []).append(iid)
    for promise in due:
        plan = plans[promise.contact_id]
        ids = inst_ids.get(promise.pk) or list(
            promise.payer.installments.values_list("id", flat=True)
        )
        since = timezone.localdate(promise.contact.at)
        until = promise.promised_on + timedelta(days=grace)
        paid = (
            Payment.objects.filter(
                installment_id__in=ids, paid_on__gte=since, paid_on__lte=until
            ).aggregate(s=Sum("amount"))["s"]
            or 0
        )
        earlier = sum(p.amount for p in plan if p.plan_seq < promise.plan_seq)
        credited = max(0, min(promise.amount, int(paid) - earlier))
        if credited >= promise.amount:
            promise.status = PromiseStatus.KEPT
            summary.kept += 1
        elif credited > 0:
            promise.status = PromiseStatus.PARTLY_KEPT
            summary.partly_kept += 1
        else:
            promise.status = PromiseStatus.BROKEN
            summary.broken += 1
        promise.paid_amount = credited
        promise.settled_on = today
        promise.save(update_fields=["status", "paid_amount", "settled_on"])
    audit_record(
        actor=actor,
        action="promise.settle",
        summary=(
            f"納付約束の履行判定（{today:%Y-%m-%d}、猶予{grace}日）：履行{summary.kept}件、"
            f"一部履行{summary.partly_kept}件、不履行{summary.broken}件"
        ),
        detail={"promises": [p.pk for p in due]},
    )
    return summary


# ---------------------------------------------------------------- mailing


@dataclass
class Envelope:
    payer: Payer
    postal_code: str
    address: str
    building: str
    addressee: str
    flyer: bool
    reissues: list[SlipReissue]
    installments: list[Any]
    seq: int = 0

    @property
    def what(self) -> str:
        return installments_phrase(self.installments)

    @property
    def destination(self) -> str:
        registered = all(r.send_to_registered for r in self.reissues)
        postal = f"〒{self.postal_code[:3]}-{self.postal_code[3:]} " if self.postal_code else ""
        where = f"{postal}{self.address}{(' ' + self.building) if self.building else ''}"
        return f"登録住所（{where}）" if registered else f"指定の送付先（{where}）"


def envelopes_of(reissues: Iterable[SlipReissue]) -> list[Envelope]:
    """One envelope per payer and address: two requests to one home go out together."""
    out: dict[tuple, Envelope] = {}
    for r in reissues:
        key = (r.payer_id, r.postal_code, r.address, r.building, r.addressee)
        env = out.get(key)
        if env is None:
            env = out[key] = Envelope(
                r.payer, r.postal_code, r.address, r.building, r.addressee, False, [], []
            )
        env.reissues.append(r)
        env.flyer = env.flyer or r.flyer_enclosed
        for inst in r.installments.all():
            if inst not in env.installments:
                env.installments.append(inst)
    envelopes = sorted(out.values(), key=lambda e: (e.postal_code, e.address, e.payer.pk))
    for n, env in enumerate(envelopes, start=1):
        env.seq = n
    return envelopes


def mailing_batch_create(
    *,
    actor: Any,
    reissue_ids: Sequence[int] | None = None,
    idempotency_key: str | None = None,
    request: Any = None,
) -> MailingBatch:
    """Prints the queued reissues' window-envelope address sheets as one PDF, records the
    batch and writes a 発送 contact per envelope so each payer's history shows it."""
    from nofu.calls.labels import labels_pdf

    if idempotency_key:
        existing = MailingBatch.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            qs = SlipReissue.objects.filter(status=ReissueStatus.QUEUED)
            if reissue_ids is not None:
                qs = qs.filter(pk__in=list(reissue_ids))
            if connection.vendor == "postgresql":
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            reissues = list(
                qs.select_related("payer").prefetch_related("installments").order_by("id")
            )
            if not reissues:
                raise ValidationError(["発送待ちの納付書はありません。"])
            envelopes = envelopes_of(reissues)
            batch = MailingBatch.objects.create(
                created_by=actor,
                items=len(reissues),
                payers=len(envelopes),
                idempotency_key=idempotency_key or None,
            )
            now = timezone.localtime()
            pdf = labels_pdf(envelopes, batch_no=batch.pk, printed_on=now.date())
            batch.pdf = pdf
            batch.sha256 = sha256_of(pdf)
            batch.file_name = f"宛名_発送バッチ{batch.pk}_{now:%Y%m%d}.pdf"
            batch.save(update_fields=["pdf", "sha256", "file_name"])
            SlipReissue.objects.filter(pk__in=[r.pk for r in reissues]).update(
                status=ReissueStatus.PRINTED, batch=batch
            )
            for env in envelopes:
                contact = ContactEvent.objects.create(
                    payer=env.payer,
                    kind=ContactKind.MAIL,
                    result=ContactResult.SENT,
                    counterpart=Counterpart.NONE,
                    at=timezone.now(),
                    operator=actor,
                    account_transfer_recommended=env.flyer,
                    mailing_batch=batch,
                    note=narrative.mailing_note(
                        what=env.what,
                        destination=env.destination,
                        flyer=env.flyer,
                        batch_no=batch.pk,
                    ),
                )
                contact.installments.set(env.installments)
            audit_record(
                actor=actor,
                action="mailing.batch",
                target_type="mailing_batch",
                target_id=batch.pk,
                summary=f"発送バッチ第{batch.pk}号：納付書{len(reissues)}件、封筒{len(envelopes)}通",
                detail={"sha256": batch.sha256, "reissues": [r.pk for r in reissues]},
                request=request,
            )
    except IntegrityError:
        if idempotency_key:
            existing = MailingBatch.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return batch
