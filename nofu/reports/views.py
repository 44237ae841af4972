"""Reports page, results export page, KPI board and the records behind each figure.

Views parse and render; generating a file goes through `actions` (register + audit).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nofu.accounts.access import can, require_capability
from nofu.audit.actions import audit_record
from nofu.audit.models import DataExchange
from nofu.lib.business_calendar import (
    next_business_day,
    nth_business_day_of_month,
    previous_business_day,
)
from nofu.lib.wareki import fiscal_year_of, to_wareki_fiscal_year
from nofu.reports import charts, documents
from nofu.reports import figures as F
from nofu.reports.actions import KINDS, Period, report_generate, results_export
from nofu.reports.board import kpi
from nofu.reports.layout import Pct
from nofu.reports.records import BadQuery, records_for
from nofu.reports.results import FILE_KINDS, RESULT_COLUMNS, csv_bytes, file_names, phone_rows
from nofu.reports.results import result_rows as build_result_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCHANGE_KINDS = [*KINDS.values(), "架電結果データ", "電話番号情報"]


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _day(value: str | None, default: date) -> tuple[date, str]:
    if not value:
        return default, ""
    try:
        return date.fromisoformat(value.strip()), ""
    except ValueError:
        return default, f"日付「{value}」を読めません。YYYY-MM-DD で指定してください。"


def _month(value: str | None, default: tuple[int, int]) -> tuple[tuple[int, int], str]:
    if not value:
        return default, ""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return default, f"月「{value}」を読めません。YYYY-MM で指定してください。"
    return (int(m.group(1)), int(m.group(2))), ""


def _fy(value: str | None, default: int) -> tuple[int, str]:
    if not value:
        return default, ""
    v = value.strip()
    if not v.isdigit() or not 2000 <= int(v) <= 2100:
        return default, f"年度「{value}」を読めません。西暦4桁（例: 2025）で指定してください。"
    return int(v), ""


def _defaults() -> tuple[date, tuple[int, int], int]:
    today = timezone.localdate()
    prev_month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return previous_business_day(today), prev_month, fiscal_year_of(today)


def records_url(query: dict[str, str]) -> str:
    return f"{reverse('reports:records')}?{urlencode(query)}" if query else ""


@require_capability("reports.view")
def index(request: HttpRequest) -> HttpResponse:
    d_day, d_month, d_fy = _defaults()
    day, e1 = _day(request.GET.get("date"), d_day)
    (year, month), e2 = _month(request.GET.get("month"), d_month)
    fy, e3 = _fy(request.GET.get("fy"), d_fy)
    for e in (e1, e2, e3):
        if e:
            messages.error(request, e)
    fig = F.day_figures(day, day)[day]
    items = [
        *documents.daily_items(fig, day, day),
        *documents.answer_items(fig, day, day, "（参考）受電の応答率"),
    ]
    rows = [
        {
            "item": it.item,
            "label": it.label,
            "value": _figure(it.value),
            "amount": "" if it.amount is None else f"{it.amount:,}",
            "note": it.note,
            "href": records_url(it.records),
        }
        for it in items
    ]
    recent = DataExchange.objects.filter(kind__in=EXCHANGE_KINDS).order_by("-at", "-id")[:10]
    return render(
        request,
        "reports/index.html",
        {
            "day": day,
            "day_label": documents.jdate(day),
            "day_due": f"{documents.jdate(next_business_day(day))} 午前10時",
            "month_value": f"{year:04d}-{month:02d}",
            "month_label": documents.jmonth(year, month),
            "month_due": documents.jdate(
                nth_business_day_of_month(year + (month == 12), month % 12 + 1, 5)
            ),
            "fy": fy,
            "fy_label": to_wareki_fiscal_year(fy),
            "rows": rows,
            "recent": recent,
            "can_generate": can(request.user, "reports.generate"),
            "can_export": can(request.user, "results.export"),
        },
    )


@require_capability("reports.generate")
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("reports:index")
    kind = request.POST.get("kind", "")
    d_day, d_month, d_fy = _defaults()
    error = ""
    if kind == "daily":
        day, error = _day(request.POST.get("date") or "?", d_day)
        period = Period.daily(day)
    elif kind == "monthly":
        (y, m), error = _month(request.POST.get("month") or "?", d_month)
        period = Period.monthly(y, m)
    elif kind == "annual":
        fy, error = _fy(request.POST.get("fy") or "?", d_fy)
        period = Period.annual(fy)
    else:
        error = "作成する報告書の種類を選んでください。"
    if error:
        messages.error(request, error)
        return redirect("reports:index")
    g = report_generate(actor=request.user, period=period, request=request)
    return _attachment(g.data, g.name, XLSX)


@require_capability("results.export")
def results(request: HttpRequest) -> HttpResponse:
    d_day, _m, _f = _defaults()
    day, error = _day(request.GET.get("date"), d_day)
    if error:
        messages.error(request, error)
    rows = build_result_rows(day)
    _csv, replaced = csv_bytes(RESULT_COLUMNS, rows)
    phones = phone_rows(day)
    audit_record(
        actor=request.user,
        action="results.view",
        target_type="results",
        target_id=day.isoformat(),
        summary=f"架電結果データ {day:%Y/%m/%d}分を表示（{len(rows)}件）",
        request=request,
    )
    names = file_names(day)
    preview = [[_cell(v) for v in r] for r in rows[:50]]
    return render(
        request,
        "reports/results.html",
        {
            "day": day,
            "day_label": documents.jdate(day),
            "count": len(rows),
            "replaced": replaced,
            "phones": len(phones),
            "columns": RESULT_COLUMNS,
            "preview": preview,
            "files": [
                {"key": k, "name": names[k], "kind": FILE_KINDS[k]}
                for k in ("results_csv", "results_xlsx", "phones_csv", "phones_xlsx")
            ],
        },
    )


def _figure(v: Any) -> str:
    if isinstance(v, Pct):
        return "－" if v.value is None else f"{v.value * 100:.1f}%"
    return "" if v is None else f"{v:,}"


def _cell(v: Any) -> str:
    if isinstance(v, datetime):
        return f"{v:%Y/%m/%d %H:%M}"
    if isinstance(v, date):
        return f"{v:%Y/%m/%d}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


@require_capability("results.export")
@require_http_methods(["GET", "POST"])
def results_download(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("reports:results")
    d_day, _m, _f = _defaults()
    day, error = _day(request.POST.get("date") or "?", d_day)
    key = request.POST.get("file", "")
    if not error and key not in FILE_KINDS:
        error = "出力するファイルを選んでください。"
    if error:
        messages.error(request, error)
        return redirect(f"{reverse('reports:results')}?date={d_day.isoformat()}")
    (f,) = results_export(actor=request.user, day=day, keys=[key], request=request)
    content_type = XLSX if f.name.endswith(".xlsx") else "text/csv; charset=Shift_JIS"
    return _attachment(f.data, f.name, content_type)


@require_capability("reports.view")
def board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    fy, error = _fy(request.GET.get("fy"), fiscal_year_of(today))
    if error:
        messages.error(request, error)
    k = kpi(fy, today)
    fy_q = {"from": f"{fy}-04-01"}
    calls_until = min(k.as_of, date(fy + 1, 3, 31))

    def span(start: date, end: date) -> dict[str, str]:
        return {"from": start.isoformat(), "to": min(end, calls_until).isoformat()}

    fy_months = [m for m in k.months if (m.year, m.month) <= (fy + 1, 3)]
    calls_chart = charts.bar_chart(
        [
            charts.Bar(
                m.label,
                m.calls_cumulative if m.started else m.calls_forecast_cumulative,
                href=records_url({"set": "contacts", "item": "outbound", **span(m.start, m.end)})
                if m.started
                else "",
                tip=(
                    f"{m.year}年{m.month}月末までの架電 {m.calls_cumulative:,}件（当月 {m.calls:,}件）"
                    if m.started
                    else f"{m.year}年{m.month}月末の見込み {m.calls_forecast_cumulative or 0:,.0f}件"
                ),
                forecast=not m.started,
            )
            for m in fy_months
        ],
        title="架電件数（年度累計）",
        fmt=charts.yen_or_count,
        target=k.calls_target,
        target_label=f"年間目標 {k.calls_target:,}件",
        lines=[
            charts.Line([m.calls_target_cumulative for m in fy_months], "目標ペース（営業日按分）")
        ],
    )
    collection_chart = charts.bar_chart(
        [
            charts.Bar(
                m.label,
                m.collection_rate if m.started else None,
                href=records_url({"set": "payments", "fy": str(fy), "to": m.end.isoformat()}),
                tip=f"{m.year}年{m.month}月末 収納 {m.collected:,}円 ／ 滞納額 {m.delinquency:,}円",
                good=None
                if m.collection_rate is None
                else m.collection_rate >= F.COLLECTION_RATE_TARGET,
            )
            for m in k.months
        ],
        title="収納率（累計）",
        fmt=charts.percent,
        label_fmt=charts.percent1,
        target=F.COLLECTION_RATE_TARGET,
        target_label="目標 60%",
        y_max=1.0,
    )
    answer_chart = charts.bar_chart(
        [
            charts.Bar(
                m.label,
                m.answer_rate,
                href=records_url({"set": "calls", **span(m.start, m.end)}),
                tip=f"{m.year}年{m.month}月 受電 {m.offered:,}件・応答 {m.answered:,}件",
                good=None if m.answer_rate is None else m.answer_rate >= F.ANSWER_RATE_TARGET,
            )
            for m in fy_months
        ],
        title="応答率（月別）",
        fmt=charts.percent,
        label_fmt=charts.percent1,
        target=F.ANSWER_RATE_TARGET,
        target_label="目標 90%",
        y_max=1.0,
    )
    links = {
        "calls": records_url(
            {"set": "contacts", "item": "outbound", **fy_q, "to": calls_until.isoformat()}
        ),
        "payments": records_url({"set": "payments", "fy": str(fy), "to": k.as_of.isoformat()}),
        "delinquency": records_url({"set": "delinquency", "fy": str(fy)}),
        "calls_in": records_url({"set": "calls", **fy_q, "to": calls_until.isoformat()}),
        "answered": records_url(
            {"set": "calls", **fy_q, "to": calls_until.isoformat(), "status": "answered"}
        ),
    }
    month_rows = [
        {
            "m": m,
            "calls_href": records_url(
                {"set": "contacts", "item": "outbound", **span(m.start, m.end)}
            ),
            "pay_href": records_url({"set": "payments", "fy": str(fy), "to": m.end.isoformat()}),
            "calls_in_href": records_url({"set": "calls", **span(m.start, m.end)}),
            "in_fy": (m.year, m.month) <= (fy + 1, 3),
        }
        for m in k.months
    ]
    return render(
        request,
        "reports/board.html",
        {
            "k": k,
            "fy": fy,
            "fy_label": to_wareki_fiscal_year(fy),
            "calls_chart": calls_chart,
            "collection_chart": collection_chart,
            "answer_chart": answer_chart,
            "links": links,
            "month_rows": month_rows,
            "targets": {
                "collection": F.COLLECTION_RATE_TARGET,
                "answer": F.ANSWER_RATE_TARGET,
            },
        },
    )


@require_capability("reports.view")
def records(request: HttpRequest) -> HttpResponse:
    try:
        rec = records_for(request.GET)
    except BadQuery as e:
        return render(request, "reports/records.html", {"error": str(e)})
    audit_record(
        actor=request.user,
        action="reports.records",
        target_type="report",
        summary=f"{rec.title}を表示（{rec.count}件）",
        detail={k: v for k, v in request.GET.items()},
        request=request,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "reports/records.html", {"rec": rec, "query": query.urlencode(), "error": ""}
    )


def due_time(day: date) -> datetime:
    """When the 日報 of `day` is due: 10:00 of the next business day."""
    return datetime.combine(next_business_day(day), time(10, 0), tzinfo=F.tz())
