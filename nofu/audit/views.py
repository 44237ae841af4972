from __future__ import annotations

import io
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record, exchange_record, sha256_of
from nofu.audit.models import AuditEvent, DataExchange, Direction
from nofu.lib.xlsx import write_table


@require_capability("audit.view")
def log(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    action = request.GET.get("action", "").strip()
    events = AuditEvent.objects.select_related("actor")
    if q:
        events = events.filter(
            Q(summary__icontains=q)
            | Q(actor_name__icontains=q)
            | Q(target_id=q)
            | Q(reason__icontains=q)
        )
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action")
    return render(
        request, "audit/log.html", {"page": page, "q": q, "action": action, "actions": actions}
    )


@require_capability("register.view")
def register(request: HttpRequest) -> HttpResponse:
    page = Paginator(DataExchange.objects.all(), 100).get_page(request.GET.get("page"))
    return render(request, "audit/register.html", {"page": page})


REGISTER_COLUMNS = [
    "日時",
    "区分",
    "データ種別",
    "ファイル名",
    "抽出元",
    "読込件数",
    "取込件数",
    "エラー件数",
    "結果",
    "SHA-256",
    "担当者",
    "備考",
]


@require_capability("register.view")
def register_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.get_direction_display(),
            e.kind,
            e.file_name,
            e.source_system,
            e.rows_read,
            e.rows_imported,
            e.rows_rejected,
            e.status,
            e.sha256,
            e.actor_name,
            e.note,
        ]
        for e in DataExchange.objects.order_by("at", "id")
    ]
    buf = io.BytesIO()
    write_table(buf, title="データ授受管理簿", columns=REGISTER_COLUMNS, rows=rows)
    data = buf.getvalue()
    name = f"データ授受管理簿_{datetime.now():%Y%m%d_%H%M%S}.xlsx"
    audit_record(
        actor=request.user,
        action="export.register",
        summary=f"{name}（{len(rows)}件）",
        request=request,
    )
    exchange_record(
        actor=request.user,
        direction=Direction.OUT,
        kind="データ授受管理簿",
        file_name=name,
        sha256=sha256_of(data),
        size_bytes=len(data),
        rows_read=len(rows),
        rows_imported=len(rows),
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
