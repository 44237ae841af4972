"""The review screen (名寄せ確認), and merge / split pages for supervisors and managers.

Views are thin: they read the pair or payers, render both sides, and call the actions.
Every page that shows a payer's personal data writes `payer.view` to the audit log.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record
from nofu.lib.subjects import subject_name
from nofu.matching.actions import review_decide
from nofu.matching.models import OPEN_STATUSES, PayerChange, ReviewPair, ReviewStatus
from nofu.payers.actions import payer_merge, payer_split
from nofu.payers.models import Installment, Payer

_REASON = re.compile(r"^(?P<label>[^:]+): (?P<text>.+?)(?: \((?P<w>[-+]?[\d.]+)\))?$")


def reason_items(reasons: str) -> list[dict[str, Any]]:
    """「氏名: 一致 (12.3)、…」 as items with a sign, for coloured chips."""
    items = []
    for part in (reasons or "").split("、"):
        part = part.strip()
        if not part:
            continue
        m = _REASON.match(part)
        if not m:
            items.append({"label": part, "text": "", "weight": None, "sign": "neutral"})
            continue
        w = float(m["w"]) if m["w"] else None
        sign = "bad" if m["label"] == "矛盾" or (w is not None and w < 0) else "good"
        if w is not None and abs(w) < 0.05:
            sign = "neutral"
        items.append({"label": m["label"], "text": m["text"], "weight": w, "sign": sign})
    return items


def _audit_view(request: HttpRequest, payers: list[Payer], why: str) -> None:
    for p in payers:
        audit_record(
            actor=request.user,
            action="payer.view",
            target_type="payer",
            target_id=p.pk,
            summary=f"{p.name}（{p.payer_no}）を閲覧（{why}）",
            request=request,
        )


# --- queue --------------------------------------------------------------------------------


TABS = {
    "open": ("未判断", Q(status=ReviewStatus.OPEN)),
    "later": ("保留", Q(status=ReviewStatus.LATER)),
    "decided": (
        "判断済み",
        Q(status__in=[ReviewStatus.SAME, ReviewStatus.DIFFERENT, ReviewStatus.CLOSED]),
    ),
}


@require_capability("match.review")
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    qs = ReviewPair.objects.filter(TABS[tab][1]).select_related("payer_a", "payer_b", "decided_by")
    qs = qs.order_by("-decided_at", "-id") if tab == "decided" else qs.order_by("-weight", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    counts = {k: ReviewPair.objects.filter(q).count() for k, (_label, q) in TABS.items()}
    for r in page:
        r.items = reason_items(r.reasons)
    audit_record(
        actor=request.user,
        action="match.queue",
        summary=f"名寄せ確認の一覧（{TABS[tab][0]}、{page.number}ページ）を閲覧",
        request=request,
    )
    return render(
        request,
        "matching/queue.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(k, label, counts[k]) for k, (label, _q) in TABS.items()],
        },
    )


# --- one pair ---------------------------------------------------------------------------------

COMPARED = [
    ("氏名", "name"),
    ("氏名カナ", "name_kana"),
    ("生年月日", "birth_date"),
    ("性別", "sex"),
    ("国籍", "nationality"),
    ("法人", "corporation"),
    ("宛名番号", "resident_no"),
    ("郵便番号", "postal_code"),
    ("住所", "address"),
    ("方書", "building"),
    ("電話番号1", "phone1"),
    ("電話番号2", "phone2"),
]


def _side(payer: Payer, source: str, key: str) -> dict[str, Any]:
    rows = list(payer.installments.order_by("subject_code", "fiscal_year", "due_date", "id"))
    record = next((i for i in rows if (i.source_system, i.receivable_key) == (source, key)), None)
    if record is None:  # moved since (a split): show where it is now
        record = Installment.objects.filter(source_system=source, receivable_key=key).first()
    by_subject: dict[tuple[str, int], dict[str, Any]] = {}
    for i in rows:
        s = by_subject.setdefault(
            (i.subject_code, i.fiscal_year),
            {"subject": subject_name(i.subject_code), "year": i.fiscal_year, "n": 0, "unpaid": 0},
        )
        s["n"] += 1
        s["unpaid"] += i.unpaid
    return {
        "payer": payer,
        "record": record,
        "rows": rows,
        "owed": list(by_subject.values()),
        "unpaid": sum(i.unpaid for i in rows),
        "resident_nos": sorted({i.resident_no for i in rows if i.resident_no}),
        "sources": sorted({i.source_system for i in rows}),
        "phones": list(payer.phones.order_by("status", "-last_seen")),
        "addresses": list(payer.addresses.order_by("-last_seen")),
    }


def _compare(a: Installment | None, b: Installment | None) -> list[dict[str, Any]]:
    out = []
    for label, field in COMPARED:
        va = getattr(a, field, "") if a else ""
        vb = getattr(b, field, "") if b else ""
        if field == "corporation":
            va, vb = ("法人" if va else "個人"), ("法人" if vb else "個人")
        va = "" if va is None else va
        vb = "" if vb is None else vb
        state = (
            "blank" if va in ("", None) or vb in ("", None) else ("same" if va == vb else "diff")
        )
        out.append({"label": label, "a": va, "b": vb, "state": state})
    return out


def _neighbours(r: ReviewPair) -> tuple[int | None, int | None]:
    """The previous and next pair in the queue order (open first, best score first)."""
    if r.status not in OPEN_STATUSES:
        return None, None
    same_status = ReviewPair.objects.filter(status=r.status)
    nxt = (
        same_status.filter(Q(weight__lt=r.weight) | Q(weight=r.weight, id__gt=r.pk))
        .order_by("-weight", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if nxt is None and r.status == ReviewStatus.OPEN:
        nxt = (
            ReviewPair.objects.filter(status=ReviewStatus.LATER)
            .order_by("-weight", "id")
            .values_list("pk", flat=True)
            .first()
        )
    prev = (
        same_status.filter(Q(weight__gt=r.weight) | Q(weight=r.weight, id__lt=r.pk))
        .order_by("weight", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return prev, nxt


@require_capability("match.review")
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(ReviewPair.objects.select_related("payer_a", "payer_b"), pk=pk)
    a = _side(r.payer_a, r.a_source, r.a_key)
    b = _side(r.payer_b, r.b_source, r.b_key)
    prev, nxt = _neighbours(r)
    _audit_view(request, [r.payer_a, r.payer_b], "名寄せ確認")
    return render(
        request,
        "matching/pair.html",
        {
            "r": r,
            "a": a,
            "b": b,
            "fields": _compare(a["record"], b["record"]),
            "items": reason_items(r.reasons),
            "prev": prev,
            "next": nxt,
            "open": r.status in OPEN_STATUSES,
            "remaining": ReviewPair.objects.filter(status=ReviewStatus.OPEN).count(),
        },
    )


@require_POST
@require_capability("match.review")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(ReviewPair, pk=pk)
    verdict = request.POST.get("verdict", "")
    try:
        review_decide(
            actor=request.user,
            review=r,
            verdict=verdict,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("matching:pair", pk=r.pk)
    r.refresh_from_db()
    messages.success(
        request,
        f"{r.payer_a.payer_no} と {r.payer_b.payer_no} を「{r.get_status_display()}」と記録しました。",
    )
    nxt = (
        ReviewPair.objects.filter(status=ReviewStatus.OPEN)
        .order_by("-weight", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if nxt is not None and request.POST.get("then") != "queue":
        return redirect("matching:pair", pk=nxt)
    return redirect("matching:queue")


# --- merge and split ------------------------------------------------------------------------


def _payer_by_number(text: str) -> Payer | None:
    m = re.fullmatch(r"\s*[NnＮｎ]?\s*0*(\d+)\s*", text or "")
    if not m:
        return None
    return Payer.objects.filter(pk=int(m.group(1))).first()


def _summary(p: Payer) -> dict[str, Any]:
    rows = p.installments.aggregate(n=Count("id"), unpaid=Sum("unpaid"))
    return {
        "payer": p,
        "n": rows["n"] or 0,
        "unpaid": rows["unpaid"] or 0,
        "resident_nos": sorted(
            set(p.installments.exclude(resident_no="").values_list("resident_no", flat=True))
        ),
        "sources": sorted(set(p.installments.values_list("source_system", flat=True))),
        "phones": list(p.phones.values_list("number", flat=True)[:6]),
        "contacts": p.contacts.count(),
        "promises": p.promises.count(),
    }


@require_capability("match.review")
def merge(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    a = _payer_by_number(data.get("a", ""))
    b = _payer_by_number(data.get("b", ""))
    errors: list[str] = []
    if data.get("b") and b is None:
        errors.append(f"名寄せ番号「{data.get('b')}」の納付義務者は見つかりません。")
    if a is not None and b is not None and a.pk == b.pk:
        errors.append("同じ納付義務者です。別の名寄せ番号を入力してください。")
        b = None
    if request.method == "POST" and a is not None and b is not None:
        keep, other = (a, b) if data.get("keep", "a") == "a" else (b, a)
        if not data.get("confirm"):
            errors.append("「統合してよい」にチェックしてください。")
        else:
            try:
                kept = payer_merge(
                    actor=request.user,
                    keep=keep,
                    other=other,
                    reason=data.get("reason", ""),
                    request=request,
                )
            except ValidationError as e:
                errors.extend(e.messages)
            else:
                messages.success(
                    request,
                    f"{other.payer_no} を {kept.payer_no} に統合しました（同一人として記録）。",
                )
                return redirect("payers:detail", pk=kept.pk)
    sides = [_summary(p) for p in (a, b) if p is not None]
    _audit_view(request, [s["payer"] for s in sides], "統合")
    return render(
        request,
        "matching/merge.html",
        {"a": a, "b": b, "sides": sides, "errors": errors, "form": data},
        status=400 if errors and request.method == "POST" else 200,
    )


@require_capability("match.review")
def split(request: HttpRequest, pk: int) -> HttpResponse:
    payer = get_object_or_404(Payer, pk=pk)
    errors: list[str] = []
    chosen: set[int] = set()
    if request.method == "POST":
        try:
            chosen = {int(x) for x in request.POST.getlist("installment")}
        except ValueError:
            raise Http404 from None
        if not request.POST.get("confirm"):
            errors.append("「分割してよい」にチェックしてください。")
        else:
            try:
                new = payer_split(
                    actor=request.user,
                    payer=payer,
                    installment_ids=chosen,
                    reason=request.POST.get("reason", ""),
                    request=request,
                )
            except ValidationError as e:
                errors.extend(e.messages)
            else:
                messages.success(
                    request,
                    f"期別{len(chosen)}件を新しい納付義務者 {new.payer_no} に分割しました"
                    f"（{payer.payer_no} とは別人として記録）。",
                )
                return redirect("payers:detail", pk=new.pk)
    rows = list(payer.installments.order_by("source_system", "resident_no", "name", "id"))
    for i in rows:
        i.subject_label = subject_name(i.subject_code)
    _audit_view(request, [payer], "分割")
    return render(
        request,
        "matching/split.html",
        {"payer": payer, "rows": rows, "chosen": chosen, "errors": errors, "form": request.POST},
        status=400 if errors else 200,
    )


def merged_into(payer: Payer) -> PayerChange | None:
    return PayerChange.objects.filter(kind="merge", other=payer).select_related("payer").first()


def review_url(r: ReviewPair) -> str:
    return reverse("matching:pair", args=[r.pk])
