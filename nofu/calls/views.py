"""The operator workspace: outbound preview dialing, inbound and return calls, the
supervisors' complaints page, the managers' mailing page and call settings.

Views parse, call one action, render. The payer being called is kept in the session
(`calls_offer`); the call-list app decides who it is (`next_payer`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record
from nofu.calllists.queue import next_payer, payer_hold, release
from nofu.calls import actions
from nofu.calls.forms import conversation_from_post, form_state, new_key
from nofu.calls.models import (
    CallSettings,
    Complaint,
    ComplaintStatus,
    ContactKind,
    ContactResult,
    Counterpart,
    Department,
    HandoverReason,
    InquiryCategory,
    Language,
    MailingBatch,
    ReissueStatus,
    SlipReissue,
)
from nofu.calls.owed import payer_owed
from nofu.calls.queries import (
    caller_lookup,
    contact_history,
    contacts_today,
    open_promises,
    phone_histories,
)
from nofu.calls.scripts import script_for
from nofu.lib.business_calendar import closed_reason
from nofu.payers.models import Payer, PhoneKind, PhoneOrigin, PhoneStatus
from nofu.payers.search import payers_search

SESSION_OFFER = "calls_offer"
MAILING_CAPABILITY = "mailing.print"
SETTINGS_CAPABILITY = "rules.edit"

QUICK_OUTCOMES = [
    ("1", ContactResult.NO_ANSWER, "不在"),
    ("2", ContactResult.BUSY, "話中"),
    ("3", ContactResult.INVALID_NUMBER, "不通・番号誤り"),
    ("4", ContactResult.VOICEMAIL, "留守電"),
    ("5", ContactResult.REACHED_OTHER, "本人以外に伝言"),
    ("6", ContactResult.REACHED_PAYER, "本人と通話"),
    ("7", ContactResult.REFUSED, "拒否"),
]


# the telephony app's snippets: the softphone bar and click-to-call through the phone gateway
SOFTPHONE = "telephony/_softphone.html"
DIAL_BUTTON = "telephony/_dial_button.html"


def _choices() -> dict[str, Any]:
    return {
        "counterparts": [c for c in Counterpart.choices if c[0]],
        "languages": Language.choices,
        "inquiry_categories": [c for c in InquiryCategory.choices if c[0]],
        "departments": Department.choices,
        "handover_reasons": HandoverReason.choices,
        "phone_kinds": PhoneKind.choices,
        "phone_origins": [c for c in PhoneOrigin.choices if c[0] != PhoneOrigin.CITY_DATA],
        "settings": CallSettings.current,  # read only when the form shows it
    }


def _audit_payer_view(request: HttpRequest, payer: Payer, what: str) -> None:
    """A view of a payer's personal data, e.g. "を架電画面で表示"."""
    audit_record(
        actor=request.user,
        action="payer.view",
        target_type="payer",
        target_id=payer.pk,
        summary=f"{payer.name}（{payer.payer_no}）{what}",
        request=request,
    )


def _payer_context(request: HttpRequest, payer: Payer) -> dict[str, Any]:
    """Everything shown before dialing; audited as a view of personal data."""
    today = timezone.localdate()
    owed = payer_owed(payer, today=today)
    history = contact_history(payer)
    phones = phone_histories(payer, history)
    _audit_payer_view(request, payer, "を架電画面で表示")
    codes = list(dict.fromkeys(o.inst.subject_code for o in owed.open_items))
    resident_nos = sorted({o.inst.resident_no for o in owed.items if o.inst.resident_no})
    promises = open_promises(payer)
    first_usable = next(
        (h.phone.number for h in phones if h.phone.status != PhoneStatus.INVALID), ""
    )
    return {
        "payer": payer,
        "owed": owed,
        "receivables": owed.receivables(),
        "history": history,
        "phones": phones,
        "promises": promises,
        "script": script_for(codes, name=payer.name),
        "resident_nos": resident_nos,
        "queued_reissues": list(
            SlipReissue.objects.filter(payer=payer, status=ReissueStatus.QUEUED)
        ),
        "first_phone": first_usable,
        "today": today,
    }


def _posted_payer(request: HttpRequest) -> Payer | None:
    value = (request.POST.get("payer") or "").strip()
    return Payer.objects.filter(pk=int(value)).first() if value.isdigit() else None


def _offer(request: HttpRequest) -> dict[str, Any] | None:
    return request.session.get(SESSION_OFFER)


def _offer_set(request: HttpRequest, payer: Payer, reason: str, list_name: str = "") -> None:
    request.session[SESSION_OFFER] = {
        "payer": payer.pk,
        "reason": reason,
        "list": list_name,
        "key": new_key(),
    }


def _offer_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_OFFER, None)
    release(operator=request.user)


def _workspace(
    request: HttpRequest,
    *,
    reached: bool = False,
    problems: list[str] | None = None,
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    offer = _offer(request)
    payer = None
    if request.GET.get("payer"):
        try:
            payer = Payer.objects.filter(pk=int(request.GET["payer"])).first()
        except ValueError:
            payer = None
        if payer is not None and (offer is None or offer["payer"] != payer.pk):
            holder = payer_hold(operator=request.user, payer=payer)
            if holder:
                messages.warning(
                    request,
                    f"{payer.name}さんは現在 {holder} さんが対応中です。重ねて架電しないでください。",
                )
            _offer_set(request, payer, "指定した納付義務者")
            offer = _offer(request)
    elif offer:
        payer = Payer.objects.filter(pk=offer["payer"]).first()
    ctx: dict[str, Any] = {
        "offer": offer,
        "quick": QUICK_OUTCOMES,
        "today_counts": contacts_today(request.user),
        "softphone": SOFTPHONE,
        "dial_button": DIAL_BUTTON,
        "reached": reached or request.GET.get("reached") == "1",
        "problems": problems or [],
        "note": note,
        "form": form_state(request.POST if request.method == "POST" else None),
        "phone_selected": request.POST.get("phone_number") or request.GET.get("phone", ""),
        "idem": request.POST.get("idem") or new_key(),
        **_choices(),
    }
    if payer is not None:
        ctx.update(_payer_context(request, payer))
        if not ctx["phone_selected"]:
            ctx["phone_selected"] = ctx["first_phone"]
    return render(request, "calls/workspace.html", ctx, status=status)


@require_capability("calls.work")
def workspace(request: HttpRequest) -> HttpResponse:
    return _workspace(request)


@require_POST
@require_capability("calls.work")
def take_next(request: HttpRequest) -> HttpResponse:
    offer = next_payer(operator=request.user)
    if offer is None:
        request.session.pop(SESSION_OFFER, None)
        messages.info(request, "現在、架電できる対象者はいません。")
    else:
        _offer_set(request, offer.payer, offer.reason, offer.list_name)
    return redirect("calls:workspace")


@require_POST
@require_capability("calls.work")
def skip(request: HttpRequest) -> HttpResponse:
    _offer_clear(request)
    messages.info(request, "この対象者を架電せずに戻しました。")
    return redirect("calls:workspace")


@require_POST
@require_capability("calls.work")
def outcome(request: HttpRequest) -> HttpResponse:
    """One keystroke: no answer, busy, dead number, voicemail, someone else, refused."""
    payer = _posted_payer(request)
    if payer is None:
        raise Http404
    result = request.POST.get("result", "")
    counterpart = request.POST.get("counterpart", "")
    if result == ContactResult.REACHED_OTHER and not counterpart:
        counterpart = Counterpart.FAMILY
    if result not in (
        ContactResult.REACHED_OTHER,
        ContactResult.REFUSED,
    ):
        counterpart = ""
    try:
        event = actions.contact_record(
            actor=request.user,
            payer=payer,
            kind=ContactKind.OUTBOUND,
            result=result,
            phone_number=request.POST.get("phone_number", ""),
            counterpart=counterpart,
            operator_words=request.POST.get("operator_words", ""),
            call_id=request.POST.get("call_id", ""),
            idempotency_key=request.POST.get("idem") or None,
            request=request,
        )
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("calls:workspace")
    _offer_clear(request)
    messages.success(request, f"{payer.name}：{event.get_result_display()}を記録しました。")
    return redirect("calls:workspace")


@require_POST
@require_capability("calls.work")
def conversation(request: HttpRequest) -> HttpResponse:
    """The reached-payer form (outbound) and the inbound form share this endpoint."""
    kind = request.POST.get("kind", ContactKind.OUTBOUND)
    payer = None
    if request.POST.get("payer"):
        payer = _posted_payer(request)
        if payer is None:
            raise Http404
    conv, problems = conversation_from_post(request.POST)
    draft = actions.conversation_draft(conv, payer=payer) if not problems else ""
    rerender = _inbound if kind != ContactKind.OUTBOUND else _workspace
    if problems or request.POST.get("action") == "draft":
        note = request.POST.get("note", "") if conv.note else draft
        return rerender(request, reached=True, problems=problems, note=note)
    try:
        event = actions.conversation_record(
            actor=request.user,
            payer=payer,
            conv=conv,
            idempotency_key=request.POST.get("idem") or None,
            request=request,
        )
    except ValidationError as e:
        note = request.POST.get("note", "") if conv.note else draft
        return rerender(request, reached=True, problems=e.messages, note=note, status=422)
    who = payer.name if payer else "不明の相手"
    messages.success(request, f"{who}との{event.get_kind_display()}を記録しました。")
    if kind == ContactKind.OUTBOUND:
        _offer_clear(request)
        return redirect("calls:workspace")
    return redirect("calls:inbound")


@require_POST
@require_capability("calls.work")
def draft(request: HttpRequest) -> HttpResponse:
    """The 交渉記事 as it stands, for the form to refresh while the operator types."""
    payer = None
    if request.POST.get("payer"):
        payer = _posted_payer(request)
    conv, _ = conversation_from_post(request.POST)
    return HttpResponse(
        actions.conversation_draft(conv, payer=payer), content_type="text/plain; charset=utf-8"
    )


OWED_ON_MAX_DAYS = 3 * 366


def owed_on_parse(value: str, *, today: date) -> tuple[date | None, str]:
    """The payment day the operator typed, or why it cannot be used (Japanese)."""
    value = value.strip()
    if not value:
        return None, ""
    try:
        on = date.fromisoformat(value)
    except ValueError:
        return None, f"納付予定日「{value}」は日付として読めません（例：2026-12-10）。"
    if on < today:
        return None, "納付予定日は本日以降の日付を指定してください。"
    if on > today + timedelta(days=OWED_ON_MAX_DAYS):
        return None, "納付予定日は3年以内の日付を指定してください。"
    return on, ""


@require_GET
@require_capability("calls.work")
def owed(request: HttpRequest) -> HttpResponse:
    """The owed panel for a chosen payment day: what to bring if paying then (issue 6)."""
    value = request.GET.get("payer", "")
    payer = get_object_or_404(Payer, pk=int(value)) if value.isdigit() else None
    if payer is None:
        raise Http404
    today = timezone.localdate()
    on, problem = owed_on_parse(request.GET.get("on", ""), today=today)
    result = payer_owed(payer, today=today, on=on)
    _audit_payer_view(request, payer, f"の延滞金を{on or today}納付で試算")
    ctx = {
        "payer": payer,
        "owed": result,
        "receivables": result.receivables(),
        "today": today,
        "owed_on_problem": problem,
        "owed_on_closed": closed_reason(on) if on else None,
    }
    return render(request, "calls/_owed.html", ctx)


def _inbound(
    request: HttpRequest,
    *,
    reached: bool = True,
    problems: list[str] | None = None,
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    src = request.POST if request.method == "POST" else request.GET
    number = (src.get("number") or src.get("phone_number") or "").strip()
    match = caller_lookup(number) if number else None
    payer = None
    payer_id = src.get("payer")
    if payer_id:
        payer = Payer.objects.filter(pk=payer_id).first() if payer_id.isdigit() else None
    elif match and len(match.payers) == 1:
        payer = match.payers[0]
    q = (request.GET.get("q") or "").strip()
    found = payers_search(q) if q else None
    kind = ContactKind.RETURN_CALL if match and match.is_return_call else ContactKind.INBOUND
    ctx: dict[str, Any] = {
        "number": number,
        "match": match,
        "kind": kind,
        "q": q,
        "found": found,
        "problems": problems or [],
        "note": note,
        "form": form_state(request.POST if request.method == "POST" else None),
        "idem": request.POST.get("idem") or new_key(),
        "softphone": SOFTPHONE,
        "dial_button": DIAL_BUTTON,
        "phone_selected": (match.number if match else "") or number,
        "unknown": src.get("unknown") == "1",
        "call_id": (src.get("call_id") or "")[:64],  # from the softphone's 受電画面を開く
        "recent": contacts_recent_inbound(request.user),
        **_choices(),
    }
    if match and match.rung:
        ctx["rung_on"] = timezone.localdate(match.rung.at)
    if payer is not None:
        ctx.update(_payer_context(request, payer))
    if number or payer:
        audit_record(
            actor=request.user,
            action="calls.caller_lookup",
            summary=f"着信番号の照会（{len(match.payers) if match else 0}件）",
            request=request,
        )
    return render(request, "calls/inbound.html", ctx, status=status)


def contacts_recent_inbound(user: Any) -> list[Any]:
    from nofu.calls.models import ContactEvent

    since = timezone.now() - timedelta(hours=12)
    return list(
        ContactEvent.objects.filter(
            operator=user,
            kind__in=[ContactKind.INBOUND, ContactKind.RETURN_CALL],
            at__gte=since,
        )
        .select_related("payer")
        .order_by("-at")[:8]
    )


@require_capability("calls.work")
def inbound(request: HttpRequest) -> HttpResponse:
    return _inbound(request)


# ---------------------------------------------------------------- supervisors


@require_capability("calls.supervise")
def complaints(request: HttpRequest) -> HttpResponse:
    open_ = (
        Complaint.objects.exclude(status=ComplaintStatus.RESOLVED)
        .select_related("payer", "created_by", "contact")
        .order_by("-created_at")
    )
    resolved = (
        Complaint.objects.filter(status=ComplaintStatus.RESOLVED)
        .select_related("payer", "created_by", "handled_by")
        .order_by("-resolved_at")[:30]
    )
    return render(
        request,
        "calls/complaints.html",
        {"open": list(open_), "resolved": list(resolved)},
    )


@require_POST
@require_capability("calls.supervise")
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        actions.complaint_resolve(
            actor=request.user,
            complaint=complaint,
            resolution=request.POST.get("resolution", ""),
            request=request,
        )
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        messages.success(request, "苦情を解決済みにしました。")
    return redirect("calls:complaints")


# ---------------------------------------------------------------- managers


@require_capability(MAILING_CAPABILITY)
def mailing(request: HttpRequest) -> HttpResponse:
    queue = list(
        SlipReissue.objects.filter(status=ReissueStatus.QUEUED)
        .select_related("payer", "created_by")
        .prefetch_related("installments")
        .order_by("created_at", "id")
    )
    batches = list(
        MailingBatch.objects.select_related("created_by").defer("pdf").order_by("-at")[:50]
    )
    return render(
        request,
        "calls/mailing.html",
        {"queue": queue, "batches": batches, "idem": new_key()},
    )


@require_POST
@require_capability(MAILING_CAPABILITY)
def mailing_print(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("reissue") if x.isdigit()] or None
    try:
        batch = actions.mailing_batch_create(
            actor=request.user,
            reissue_ids=ids,
            idempotency_key=request.POST.get("idem") or None,
            request=request,
        )
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("calls:mailing")
    messages.success(
        request,
        f"発送バッチ第{batch.pk}号を作成しました（納付書{batch.items}件・封筒{batch.payers}通）。"
        "PDFを印刷してください。",
    )
    return redirect(f"{reverse('calls:mailing')}?printed={batch.pk}")


@require_capability(MAILING_CAPABILITY)
def mailing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(MailingBatch, pk=pk)
    if not batch.pdf:
        raise Http404
    audit_record(
        actor=request.user,
        action="mailing.download",
        target_type="mailing_batch",
        target_id=batch.pk,
        summary=f"発送バッチ第{batch.pk}号の宛名PDFを出力",
        request=request,
    )
    response = HttpResponse(bytes(batch.pdf), content_type="application/pdf")
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"inline; filename=\"mailing-{batch.pk}.pdf\"; filename*=UTF-8''{quote(batch.file_name)}"
    )
    return response


@require_capability(SETTINGS_CAPABILITY)
def call_settings(request: HttpRequest) -> HttpResponse:
    current = CallSettings.current()
    problems: list[str] = []
    if request.method == "POST":
        try:
            values = {
                k: int(request.POST.get(k, ""))
                for k in (
                    "promise_max_days",
                    "promise_max_parts",
                    "promise_grace_days",
                    "return_call_days",
                    "max_calls_per_day",
                    "max_calls_per_week",
                    "retry_after_hours",
                    "max_unanswered",
                )
            }
        except ValueError:
            problems = ["数字で入力してください。"]
        else:
            try:
                actions.call_settings_update(actor=request.user, request=request, **values)
            except ValidationError as e:
                problems = e.messages
            else:
                messages.success(request, "架電の設定を保存しました。")
                return redirect("calls:settings")
    return render(request, "calls/settings.html", {"s": current, "problems": problems})
