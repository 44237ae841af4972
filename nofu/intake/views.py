from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record
from nofu.intake.importer import file_import
from nofu.intake.models import BatchStatus, ImportBatch

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


@require_capability("intake.import")
def upload(request: HttpRequest) -> HttpResponse:
    batches = ImportBatch.objects.select_related("actor")[:30]
    return render(request, "intake/upload.html", {"batches": batches})


@require_POST
@require_capability("intake.import")
def upload_files(request: HttpRequest) -> HttpResponse:
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "ファイルを選択してください。")
        return redirect("intake:upload")
    last = None
    for f in files:
        if f.size > MAX_UPLOAD_BYTES:
            messages.error(request, f"{f.name}: ファイルが大きすぎます（512MBまで）。")
            continue
        if hasattr(f, "temporary_file_path"):  # large uploads are spooled to disk
            source = {"path": Path(f.temporary_file_path())}
        else:
            source = {"data": f.read()}
        batch = file_import(**source, file_name=f.name, actor=request.user, request=request)
        last = batch
        if batch.status == BatchStatus.REJECTED:
            messages.error(request, f"{f.name}: 取り込めませんでした — {batch.file_error}")
        elif batch.status == BatchStatus.PARTIAL:
            messages.warning(
                request,
                f"{f.name}: {batch.rows_imported}件を取り込み、"
                f"{batch.rows_rejected}件はエラーのため取り込んでいません。",
            )
        else:
            messages.success(request, f"{f.name}: {batch.rows_imported}件を取り込みました。")
    if last is not None and len(files) == 1:
        return redirect("intake:batch", pk=last.pk)
    return redirect("intake:upload")


@require_capability("intake.import")
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(ImportBatch, pk=pk)
    severity = request.GET.get("severity", "")
    errors = b.row_errors.all()
    if severity in ("error", "warning"):
        errors = errors.filter(severity=severity)
    page = Paginator(errors, 200).get_page(request.GET.get("page"))
    counts = {
        "error": b.row_errors.filter(severity="error").count(),
        "warning": b.row_errors.filter(severity="warning").count(),
    }
    return render(
        request, "intake/batch.html", {"b": b, "page": page, "severity": severity, "counts": counts}
    )


@require_capability("intake.import")
def batch_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(ImportBatch, pk=pk)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["行番号", "列", "値", "区分", "内容"])
    for e in b.row_errors.iterator():
        w.writerow([e.row_no, e.column, e.value, e.severity_label, e.message])
    audit_record(
        actor=request.user,
        action="export.import_errors",
        target_type="import_batch",
        target_id=b.pk,
        summary=f"{b.file_name} のエラー一覧",
        request=request,
    )
    response = HttpResponse(
        ("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{b.pk}-errors.csv"'
    return response
