from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record
from nofu.charges.services import LoadedRules, installment_late_charge
from nofu.lib.entaikin import EntaikinError
from nofu.lib.subjects import subject_name
from nofu.payers.models import Payer
from nofu.payers.search import payers_search


@require_capability("payer.view")
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").replace("\x00", "")  # PostgreSQL text cannot hold NUL
    result = payers_search(q)
    if q.strip():
        audit_record(
            actor=request.user,
            action="payer.search",
            summary=f"検索「{q[:100]}」",
            detail={"kind": result.kind, "hits": len(result.payers)},
            request=request,
        )
    return render(request, "payers/search.html", {"q": q, "result": result})


@require_capability("payer.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    payer = get_object_or_404(Payer, pk=pk)
    installments = list(
        payer.installments.prefetch_related("payments").order_by(
            "subject_code", "fiscal_year", "due_date", "id"
        )
    )
    today = timezone.localdate()
    loaded = LoadedRules.load()
    for i in installments:
        try:
            i.late_now = installment_late_charge(i, today, loaded=loaded).total
        except EntaikinError as exc:  # e.g. next year's rate not yet registered
            i.late_now, i.late_error = None, str(exc)
    receivables = []
    for (code, year), items in groupby(installments, key=lambda i: (i.subject_code, i.fiscal_year)):
        items = list(items)
        receivables.append(
            {
                "subject": subject_name(code),
                "code": code,
                "fiscal_year": year,
                "items": items,
                "assessed": sum(i.assessed for i in items),
                "unpaid": sum(i.unpaid for i in items),
            }
        )
    totals = {
        "assessed": sum(i.assessed for i in installments),
        "unpaid": sum(i.unpaid for i in installments),
        "late": sum(i.late_charge_at_extraction or 0 for i in installments),
        "late_now": sum(i.late_now or 0 for i in installments),
    }
    resident_nos = sorted({i.resident_no for i in installments if i.resident_no})
    audit_record(
        actor=request.user,
        action="payer.view",
        target_type="payer",
        target_id=payer.pk,
        summary=f"{payer.name}（{payer.payer_no}）を閲覧",
        request=request,
    )
    return render(
        request,
        "payers/detail.html",
        {
            "payer": payer,
            "today": today,
            "receivables": receivables,
            "totals": totals,
            "installments": installments,
            "resident_nos": resident_nos,
            "phones": payer.phones.order_by("status", "-last_seen"),
            "addresses": payer.addresses.order_by("-last_seen"),
        },
    )
