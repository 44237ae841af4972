"""The calculator for operators, and the rules pages for managers. Views stay thin:
computing is in nofu.lib.entaikin, changing the rules in nofu.charges.actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from nofu.accounts.access import require_capability
from nofu.charges import actions
from nofu.charges.forms import CalculatorForm, RateForm, SubjectRuleForm
from nofu.charges.models import ChangeKind, RuleChange, SubjectRule, YearRate
from nofu.charges.services import LoadedRules
from nofu.lib.business_calendar import closed_reason
from nofu.lib.entaikin import EntaikinError, compute


@require_capability("calls.work")
@require_capability("payer.view")
def calculator(request: HttpRequest) -> HttpResponse:
    """GET only: a calculation changes nothing, and its URL can be shared or embedded."""
    form = CalculatorForm(request.GET if "amount" in request.GET else None)
    ctx: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        loaded = LoadedRules.load()
        rules = loaded.rule_for(d["subject"])
        today = timezone.localdate()
        ctx["rules"] = rules
        ctx["due_closed"] = closed_reason(d["due"])
        try:
            ctx["result"] = compute(
                d["amount"],
                d["due"],
                d["until"],
                payments=d["payments"],
                rules=rules,
                rates=loaded.rates,
                demand_notice=d["demand_notice"],
            )
            if d["until"] != today and today >= d["due"]:
                ctx["today_result"] = compute(
                    d["amount"],
                    d["due"],
                    today,
                    payments=d["payments"],
                    rules=rules,
                    rates=loaded.rates,
                    demand_notice=d["demand_notice"],
                )
        except EntaikinError as e:
            ctx["error"] = str(e)
    ctx["today"] = timezone.localdate()
    template = (
        "charges/_result.html" if request.headers.get("HX-Request") else "charges/calculator.html"
    )
    return render(request, template, ctx)


def missing_years(today: date) -> list[int]:
    """This year, and from October next year too, when their rates are not registered:
    a charge running into such a year cannot be computed (the rate is never guessed)."""
    wanted = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    have = set(YearRate.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [y for y in wanted if y not in have]


@require_capability("rules.edit")
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "charges/rules.html",
        {
            "missing_years": missing_years(timezone.localdate()),
            "rates": YearRate.objects.all(),
            "subjects": SubjectRule.objects.all(),
            "changes": RuleChange.objects.select_related("actor")[:10],
        },
    )


def _apply(request: HttpRequest, form: Any, action: Any, **kwargs: Any) -> bool:
    """Runs an action on a valid form; puts its errors on the form. True on success."""
    if not form.is_valid():
        return False
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        action(actor=request.user, request=request, **kwargs, **data)
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            for field, errs in e.error_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            form.add_error(None, e)
        return False
    return True


@require_capability("rules.edit")
def rate_new(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST or None)
    del form.fields["version"]
    if request.method == "POST" and _apply(request, form, actions.rate_create):
        messages.success(request, f"{form.cleaned_data['year']}年の延滞金割合を登録しました。")
        return redirect("charges:rules")
    return render(request, "charges/rate_form.html", {"form": form, "rate": None})


@require_capability("rules.edit")
def rate_edit(request: HttpRequest, year: int) -> HttpResponse:
    rate = get_object_or_404(YearRate, year=year)
    initial = {**rate.snapshot(), "version": rate.version}
    form = RateForm(request.POST or None, initial=initial)
    form.fields["year"].disabled = True
    if request.method == "POST" and _apply(
        request,
        form,
        actions.rate_update,
        expected_version=form.cleaned_data.get("version") if form.is_valid() else None,
    ):
        messages.success(request, f"{year}年の延滞金割合を変更しました。")
        return redirect("charges:rules")
    return render(
        request,
        "charges/rate_form.html",
        {"form": form, "rate": rate, "changes": _changes(ChangeKind.RATE, str(year))},
    )


@require_capability("rules.edit")
def subject_new(request: HttpRequest) -> HttpResponse:
    form = SubjectRuleForm(request.POST or None)
    del form.fields["version"]
    if request.method == "POST" and _apply(request, form, actions.subject_rule_create):
        messages.success(
            request, f"科目 {form.cleaned_data['subject_code']} の延滞金規則を登録しました。"
        )
        return redirect("charges:rules")
    return render(request, "charges/subject_form.html", {"form": form, "rule": None})


@require_capability("rules.edit")
def subject_edit(request: HttpRequest, code: str) -> HttpResponse:
    rule = get_object_or_404(SubjectRule, subject_code=code)
    initial = {**rule.snapshot(), "version": rule.version}
    form = SubjectRuleForm(request.POST or None, initial=initial)
    form.fields["subject_code"].disabled = True
    if request.method == "POST" and _apply(
        request,
        form,
        actions.subject_rule_update,
        expected_version=form.cleaned_data.get("version") if form.is_valid() else None,
    ):
        messages.success(request, f"科目 {code} の延滞金規則を変更しました。")
        return redirect("charges:rules")
    return render(
        request,
        "charges/subject_form.html",
        {"form": form, "rule": rule, "changes": _changes(ChangeKind.SUBJECT, code)},
    )


def _changes(kind: str, key: str) -> Any:
    return RuleChange.objects.filter(kind=kind, key=key).select_related("actor")


@require_capability("rules.edit")
def history(request: HttpRequest) -> HttpResponse:
    changes = RuleChange.objects.select_related("actor")
    kind = request.GET.get("kind", "")
    if kind in ChangeKind.values:
        changes = changes.filter(kind=kind)
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "charges/history.html",
        {"page": page, "kind": kind, "kinds": ChangeKind.choices},
    )
