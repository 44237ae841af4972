"""Pages of call lists, session planning, the operator's list page and the live board.

Views stay thin: extraction is in `extract`, changes in `actions`, the queue in `queue`,
the board's figures in `board`.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nofu.accounts.access import require_capability
from nofu.audit.actions import audit_record
from nofu.calllists import actions, board, clock, planning, queue
from nofu.calllists.extract import Conditions, preview
from nofu.calllists.forms import (
    CallbackForm,
    ConditionsForm,
    HoldForm,
    NewListForm,
    NewVersionForm,
    PublishForm,
    TargetForm,
)
from nofu.calllists.models import (
    Callback,
    CallHold,
    CallList,
    ClosedDay,
    Lease,
    ListMember,
    ListVersion,
    MemberStatus,
    MonthPlan,
    Session,
    SessionKind,
    VersionStatus,
)
from nofu.lib.business_calendar import closed_reason

# --- lists ----------------------------------------------------------------------------------


@require_capability("lists.manage")
def index(request: HttpRequest) -> HttpResponse:
    lists = CallList.objects.prefetch_related("versions").order_by("-created_at")
    rows = []
    for cl in lists:
        versions = list(cl.versions.all())
        rows.append(
            {
                "list": cl,
                "latest": versions[0] if versions else None,
                "published": next(
                    (v for v in versions if v.status == VersionStatus.PUBLISHED), None
                ),
                "versions": len(versions),
            }
        )
    return render(request, "calllists/index.html", {"rows": rows})


PRESETS: dict[str, dict[str, Any]] = {
    "broken": {
        "name": "不履行フォロー",
        "purpose": "納付約束を守れなかった方に、事情を伺い改めて納付をお願いする（フォローコール）。",
        "conditions": Conditions(
            broken_promise="yes",
            broken_promise_days=60,
            last_contact="not_within",
            last_contact_days=3,
        ),
    },
}


def _builder(
    request: HttpRequest, *, call_list: CallList | None, base: Conditions | None
) -> HttpResponse:
    """The builder: filters, a preview of count and totals (GET), then create (POST)."""
    preset = PRESETS.get(request.GET.get("preset", "")) if call_list is None else None
    head_form: NewListForm | NewVersionForm
    if request.method == "POST":
        cond_form = ConditionsForm(request.POST)
        head_form = NewVersionForm(request.POST) if call_list else NewListForm(request.POST)
        if cond_form.is_valid() and head_form.is_valid():
            h = head_form.cleaned_data
            try:
                version = actions.list_version_create(
                    actor=request.user,
                    conditions=cond_form.conditions(),
                    call_list=call_list,
                    name=h.get("name", ""),
                    purpose=h.get("purpose", ""),
                    note=h.get("note", ""),
                    idempotency_key=request.POST.get("idempotency_key") or None,
                    request=request,
                )
            except ValidationError as e:
                _errors_to(head_form if hasattr(e, "error_dict") else cond_form, e)
            else:
                messages.success(
                    request, f"{version.label}を作成しました（{version.member_count:,}件）。"
                )
                return redirect("calllists:version", pk=version.pk)
        result = None
    else:
        wants_preview = "preview" in request.GET
        if wants_preview:
            cond_form = ConditionsForm(request.GET)
        else:
            start = preset["conditions"] if preset else base
            initial = ConditionsForm.initial_from(start) if start else None
            cond_form = ConditionsForm(initial=initial)
        head_initial: dict[str, Any] = {}
        if preset:
            head_initial = {
                "name": f"{preset['name']} {clock.today():%Y-%m-%d}",
                "purpose": preset["purpose"],
            }
        for k in ("name", "purpose", "note"):
            if request.GET.get(k):
                head_initial[k] = request.GET[k]
        head_form = (
            NewVersionForm(initial=head_initial) if call_list else NewListForm(initial=head_initial)
        )
        result = None
        if wants_preview and cond_form.is_valid():
            c = cond_form.conditions()
            try:
                result = preview(c, as_of=clock.today(), now=clock.now())
            except Exception as e:  # noqa: BLE001 — late-charge rules missing etc.: say so
                from nofu.lib.entaikin import EntaikinError

                if not isinstance(e, EntaikinError):
                    raise
                cond_form.add_error(None, f"延滞金を計算できない期別があります：{e}")
            else:
                audit_record(
                    actor=request.user,
                    action="calllist.preview",
                    summary=f"架電リストの試算：{result.count:,}件",
                    detail={"conditions": c.to_json()},
                    request=request,
                )
    return render(
        request,
        "calllists/build.html",
        {
            "call_list": call_list,
            "form": cond_form,
            "head": head_form,
            "result": result,
            "described": cond_form.conditions().describe() if result is not None else [],
            "idempotency_key": uuid.uuid4().hex,
        },
    )


def _errors_to(form: Any, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for field, errs in e.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, e)


@require_capability("lists.manage")
def build(request: HttpRequest) -> HttpResponse:
    return _builder(request, call_list=None, base=None)


@require_capability("lists.manage")
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    call_list = get_object_or_404(CallList, pk=pk)
    latest = call_list.versions.order_by("-number").first()
    base = Conditions.from_json(latest.conditions) if latest else None
    return _builder(request, call_list=call_list, base=base)


@require_capability("lists.manage")
def version(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_object_or_404(ListVersion.objects.select_related("call_list", "created_by"), pk=pk)
    status = request.GET.get("status", "")
    members = ListMember.objects.filter(version=v).select_related("payer").order_by("rank")
    now = clock.now()
    if status in MemberStatus.values:
        members = members.filter(status=status)
    elif status == "waiting":
        members = members.filter(status=MemberStatus.PENDING, next_at__gt=now)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    counts = dict(
        ListMember.objects.filter(version=v)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    waiting = ListMember.objects.filter(version=v, status=MemberStatus.PENDING, next_at__gt=now)
    reasons = list(
        ListMember.objects.filter(version=v)
        .filter(
            Q(status=MemberStatus.SKIPPED)
            | Q(status=MemberStatus.DONE)
            | Q(pk__in=waiting.values("pk"))
        )
        .exclude(note="")
        .values("status", "note")
        .annotate(n=Count("id"))
        .order_by("-n")[:30]
    )
    previous = (
        ListVersion.objects.filter(call_list=v.call_list, number__lt=v.number)
        .order_by("-number")
        .first()
    )
    diff = None
    if previous is not None and v.added is not None:
        diff = {"previous": previous, "added": v.added, "removed": v.removed}
    audit_record(
        actor=request.user,
        action="calllist.view",
        target_type="calllists.listversion",
        target_id=v.pk,
        summary=f"{v.label}の対象者一覧を閲覧（{page.number}ページ）",
        request=request,
    )
    publish_form = PublishForm(
        initial={
            "audience": v.audience,
            "priority": v.priority,
            "operators": list(v.operators.all()),
        }
    )
    return render(
        request,
        "calllists/version.html",
        {
            "v": v,
            "conditions": v.conditions_text.splitlines(),
            "page": page,
            "status": status,
            "counts": {
                "pending": counts.get(MemberStatus.PENDING, 0),
                "waiting": waiting.count(),
                "done": counts.get(MemberStatus.DONE, 0),
                "skipped": counts.get(MemberStatus.SKIPPED, 0),
            },
            "reasons": reasons,
            "diff": diff,
            "publish_form": publish_form,
            "versions": v.call_list.versions.order_by("-number"),
            "now": now,
        },
    )


@require_POST
@require_capability("lists.manage")
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_object_or_404(ListVersion, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            actions.list_version_publish(
                actor=request.user,
                version=v,
                audience=form.cleaned_data["audience"],
                operators=form.cleaned_data["operators"],
                priority=form.cleaned_data["priority"],
                request=request,
            )
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        else:
            messages.success(request, f"{v.label}を公開しました。")
    else:
        for errs in form.errors.values():
            for msg in errs:
                messages.error(request, msg)
    return redirect("calllists:version", pk=v.pk)


@require_POST
@require_capability("lists.manage")
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_object_or_404(ListVersion, pk=pk)
    actions.list_version_retire(actor=request.user, version=v, request=request)
    messages.success(request, f"{v.label}を終了しました。架電の対象から外れます。")
    return redirect("calllists:version", pk=v.pk)


# --- the month's plan -----------------------------------------------------------------------


@require_capability("lists.manage")
def sessions_now(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    return redirect("calllists:sessions", year=today.year, month=today.month)


@require_capability("lists.manage")
def sessions(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        messages.error(request, "年月の指定が正しくありません。")
        return redirect("calllists:sessions_now")
    days = planning.month_days(year, month)
    first, last = days[0], days[-1]
    if request.method == "POST":
        nights = {d for d in days if request.POST.get(f"night-{d}")}
        weekends = {d for d in days if request.POST.get(f"weekend-{d}")}
        reason = request.POST.get("closed_reason", "").strip()
        closed = {
            d: (request.POST.get(f"closed-reason-{d}", "").strip() or reason or "市の休業日")
            for d in days
            if request.POST.get(f"closed-{d}")
        }
        warnings = actions.month_plan_save(
            actor=request.user,
            year=year,
            month=month,
            nights=nights,
            weekends=weekends,
            closed=closed,
            intensive=bool(request.POST.get("intensive")),
            note=request.POST.get("note", ""),
            request=request,
        )
        if warnings:
            messages.warning(
                request,
                f"{year}年{month}月の稼働計画を保存しました（仕様書との差異が{len(warnings)}件あります）。",
            )
        else:
            messages.success(request, f"{year}年{month}月の稼働計画を保存しました。")
        return redirect("calllists:sessions", year=year, month=month)

    mp = MonthPlan.objects.filter(year=year, month=month).first()
    saved = Session.objects.filter(date__range=(first, last))
    nights = {s.date for s in saved if s.kind == SessionKind.NIGHT}
    weekends = {s.date for s in saved if s.kind == SessionKind.WEEKEND}
    closed = dict(ClosedDay.objects.filter(date__range=(first, last)).values_list("date", "reason"))
    intensive = mp.intensive if mp else month in planning.BONUS_MONTHS
    suggested = "suggest" in request.GET
    if suggested:
        nights, weekends = (
            set(x) for x in planning.suggest(year, month, closed=closed, intensive=intensive)
        )
    warnings = planning.month_warnings(
        year, month, nights=nights, weekends=weekends, closed=closed, intensive=intensive
    )
    today = clock.today()
    weeks = [
        [
            None
            if d is None
            else {
                "date": d,
                "iso": d.isoformat(),
                "closed": closed_reason(d),
                "city_closed": closed.get(d),
                "night": d in nights,
                "weekend": d in weekends,
                "night_ok": planning.night_possible(d, ()),
                "weekend_ok": d.weekday() >= 5 and planning.weekend_possible(d, ()),
                "today": d == today,
                "wd": d.weekday(),
            }
            for d in week
        ]
        for week in planning.month_weeks(year, month)
    ]
    prev_m = (first - timedelta(days=1)).replace(day=1)
    next_m = last + timedelta(days=1)
    fy = planning.fiscal_year_of(first)
    pace = board.pace(clock.now())
    return render(
        request,
        "calllists/sessions.html",
        {
            "year": year,
            "month": month,
            "weeks": weeks,
            "warnings": warnings,
            "intensive": intensive,
            "saved": mp is not None,
            "note": mp.note if mp else "",
            "suggested": suggested,
            "nights": len([d for d in nights if planning.night_possible(d, closed)]),
            "saturdays": len([d for d in weekends if d.weekday() == 5]),
            "sundays": len([d for d in weekends if d.weekday() == 6]),
            "bonus": month in planning.BONUS_MONTHS,
            "pension": month in planning.PENSION_MONTHS,
            "prev": prev_m,
            "next": next_m,
            "minimum": planning.NIGHT_MINIMUM,
            "intensive_minimum": planning.INTENSIVE_NIGHT_MINIMUM,
            "target_form": TargetForm(
                initial={"fiscal_year": fy, "outbound_calls": board.target_for(fy)}
            ),
            "fy": fy,
            "pace": pace,
        },
    )


@require_POST
@require_capability("lists.manage")
def target(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.target_save(
                actor=request.user,
                fiscal_year=d["fiscal_year"],
                outbound_calls=d["outbound_calls"],
                note=d["note"],
                request=request,
            )
        except ValidationError as e:
            for msg in e.messages:
                messages.error(request, msg)
        else:
            messages.success(
                request,
                f"{d['fiscal_year']}年度の架電件数目標を{d['outbound_calls']:,}件にしました。",
            )
    else:
        messages.error(request, "年度と架電件数目標を正しく入力してください。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/lists/") else reverse("calllists:sessions_now"))


# --- the operator's page --------------------------------------------------------------------


@require_capability("calls.work")
def mine(request: HttpRequest) -> HttpResponse:
    versions = queue.versions_for(request.user)
    now = clock.now()
    ready = dict(
        ListMember.objects.filter(version__in=versions, status=MemberStatus.PENDING)
        .filter(Q(next_at__isnull=True) | Q(next_at__lte=now))
        .exclude(Exists(Lease.objects.filter(payer_id=OuterRef("payer_id"))))
        .values("version_id")
        .annotate(n=Count("id"))
        .values_list("version_id", "n")
    )
    lease = queue.current(operator=request.user)
    return render(
        request,
        "calllists/mine.html",
        {
            "versions": [(v, ready.get(v.pk, 0)) for v in versions],
            "lease": lease,
            "empty": request.GET.get("empty")
            and not lease
            and queue.why_none(operator=request.user),
        },
    )


@require_POST
@require_capability("calls.work")
def mine_next(request: HttpRequest) -> HttpResponse:
    offer = queue.next_payer(operator=request.user)
    if offer is None:
        return redirect(reverse("calllists:mine") + "?empty=1")
    return redirect("calllists:mine")


@require_POST
@require_capability("calls.work")
def mine_release(request: HttpRequest) -> HttpResponse:
    queue.release(operator=request.user)
    messages.success(request, "対象者を解放しました。")
    return redirect("calllists:mine")


# --- holds and callbacks -----------------------------------------------------------------


@require_capability("calls.work")
def followups(request: HttpRequest) -> HttpResponse:
    """架電停止 and 折り返し予約: entered here or from the operator screen (same actions)."""
    hold_form = HoldForm(request.POST if request.POST.get("form") == "hold" else None)
    callback_form = CallbackForm(
        request.POST if request.POST.get("form") == "callback" else None, initial={"mine": True}
    )
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "hold" and hold_form.is_valid():
                d = hold_form.cleaned_data
                actions.hold_set(
                    actor=request.user,
                    payer=d["payer"],
                    start=d["start"],
                    end=d["end"],
                    reason=d["reason"],
                    request=request,
                )
                messages.success(request, f"{d['payer'].name}さんの架電停止を登録しました。")
                return redirect("calllists:followups")
            if kind == "callback" and callback_form.is_valid():
                d = callback_form.cleaned_data
                actions.callback_schedule(
                    actor=request.user,
                    payer=d["payer"],
                    due_at=d["due_at"],
                    operator=request.user if d["mine"] else None,
                    note=d["note"],
                    idempotency_key=request.POST.get("idem") or None,
                    request=request,
                )
                messages.success(request, f"{d['payer'].name}さんの折り返し予約を登録しました。")
                return redirect("calllists:followups")
            if kind == "lift":
                hold = get_object_or_404(CallHold, pk=request.POST.get("hold") or 0)
                actions.hold_lift(actor=request.user, hold=hold, request=request)
                messages.success(request, "架電停止を解除しました。")
                return redirect("calllists:followups")
        except ValidationError as e:
            _errors_to(hold_form if kind == "hold" else callback_form, e)
    today = clock.today()
    return render(
        request,
        "calllists/followups.html",
        {
            "hold_form": hold_form,
            "callback_form": callback_form,
            "holds": CallHold.objects.filter(lifted_at__isnull=True, end__gte=today)
            .select_related("payer", "created_by")
            .order_by("end"),
            "callbacks": Callback.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)
            .select_related("payer", "operator", "created_by")
            .order_by("due_at")[:200],
            "idem": uuid.uuid4().hex,
        },
    )


# --- the live board -------------------------------------------------------------------------

STREAM_SECONDS = 55.0  # then the browser reconnects by itself (EventSource)
STREAM_INTERVAL = 2.0


@require_capability("calls.supervise")
def board_page(request: HttpRequest) -> HttpResponse:
    data = board.snapshot(clock.now())
    audit_record(
        actor=request.user, action="board.view", summary="リアルタイムボードを表示", request=request
    )
    return render(
        request,
        "calllists/board.html",
        {"b": data, "initial": data},
    )


@require_capability("calls.supervise")
def board_stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events: the board as JSON whenever it changes, for a bounded time."""

    def events() -> Any:
        yield f"retry: {int(STREAM_INTERVAL * 1000)}\n\n"
        deadline = time.monotonic() + STREAM_SECONDS
        last = ""
        while True:
            data = json.dumps(board.snapshot(clock.now()), ensure_ascii=False, default=str)
            if data != last:
                yield f"event: board\ndata: {data}\n\n"
                last = data
            else:
                yield ": keep-alive\n\n"
            if time.monotonic() >= deadline:
                return
            time.sleep(STREAM_INTERVAL)

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
