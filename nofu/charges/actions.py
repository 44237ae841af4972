"""Changes to the late-charge rules: one typed function per action.

Each validates with the calculator's own types (so the database can never hold a rule the
calculator refuses), saves, appends a `RuleChange` and writes the audit event in the same
transaction. Edits carry the version the manager saw: a stale edit is refused, never
silently overwritten.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nofu.audit.actions import audit_record
from nofu.charges.models import ChangeKind, RuleChange, StartChoice, SubjectRule, YearRate
from nofu.lib.entaikin import EntaikinError, RuleSet, Start, rates_from_special_base, to_bp

CONFLICT = "他の利用者が先に変更しました。画面を開き直して、最新の内容を確認してください。"
NO_CHANGE = "変更された項目がありません。"
SUBJECT_CODE = re.compile(r"^[0-9A-Za-z]{1,4}$")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "変更理由を入力してください。"})
    return reason


def _record(
    *,
    actor: Any,
    kind: str,
    key: str,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    reason: str,
    action: str,
    summary: str,
    request: Any,
) -> None:
    RuleChange.objects.create(
        kind=kind,
        key=key,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "system",
        old=old,
        new=new,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=action,
        target_type=f"charges.{kind}",
        target_id=key,
        summary=summary,
        reason=reason,
        detail={"old": old, "new": new},
        request=request,
    )


def _changes(old: dict[str, Any], new: dict[str, Any], labels: dict[str, str]) -> str:
    return "、".join(
        f"{labels.get(k, k)} {old.get(k)}→{v}" for k, v in new.items() if old.get(k) != v
    )


# --- yearly rates ---------------------------------------------------------------------

RATE_LABELS = {
    "special_base": "特例基準割合",
    "first_rate": "1か月以内",
    "later_rate": "1か月経過後",
    "note": "備考",
}


def _rate_values(
    special_base: Decimal | str,
    first_rate: Decimal | str | None,
    later_rate: Decimal | str | None,
    note: str,
) -> dict[str, Any]:
    """Checks the rates; a blank first/later rate is derived from 特例基準割合 with the caps."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"note": (note or "").strip()}
    for name, value in (
        ("special_base", special_base),
        ("first_rate", first_rate),
        ("later_rate", later_rate),
    ):
        if value is None or value == "":
            continue
        try:
            values[name] = Decimal(to_bp(value)) / 100
        except EntaikinError as e:
            errors[name] = str(e)
    if "special_base" not in values and "special_base" not in errors:
        errors["special_base"] = "延滞金特例基準割合を入力してください。"
    if errors:
        raise ValidationError(errors)
    derived = rates_from_special_base(values["special_base"])
    values.setdefault("first_rate", derived[0])
    values.setdefault("later_rate", derived[1])
    if values["first_rate"] > values["later_rate"]:
        raise ValidationError(
            {"first_rate": "1か月以内の割合が1か月経過後の割合を上回っています。"}
        )
    return values


def _normalized(rate: YearRate) -> dict[str, Any]:
    """A snapshot with the decimals written the same way however they were entered."""
    snap = rate.snapshot()
    for k in ("special_base", "first_rate", "later_rate"):
        snap[k] = str(Decimal(snap[k]).quantize(Decimal("0.01")))
    return snap


@transaction.atomic
def rate_create(
    *,
    actor: Any,
    year: int,
    special_base: Decimal | str,
    first_rate: Decimal | str | None = None,
    later_rate: Decimal | str | None = None,
    note: str = "",
    reason: str,
    request: Any = None,
) -> YearRate:
    """Registers a new year's rates (announced each autumn)."""
    reason = _require_reason(reason)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "年は2000〜2100で入力してください。"})
    values = _rate_values(special_base, first_rate, later_rate, note)
    if YearRate.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": f"{year}年の割合は登録済みです。変更画面から修正してください。"}
        )
    rate = YearRate.objects.create(year=year, updated_by=str(actor), **values)
    new = _normalized(rate)
    _record(
        actor=actor,
        kind=ChangeKind.RATE,
        key=str(year),
        old=None,
        new=new,
        reason=reason,
        action="charges.rate_create",
        summary=f"{year}年の延滞金割合を登録（1か月以内 {new['first_rate']}%、"
        f"1か月経過後 {new['later_rate']}%）",
        request=request,
    )
    return rate


@transaction.atomic
def rate_update(
    *,
    actor: Any,
    year: int,
    expected_version: int,
    special_base: Decimal | str,
    first_rate: Decimal | str | None = None,
    later_rate: Decimal | str | None = None,
    note: str = "",
    reason: str,
    request: Any = None,
) -> YearRate:
    reason = _require_reason(reason)
    try:
        rate = YearRate.objects.select_for_update().get(year=year)
    except YearRate.DoesNotExist:
        raise ValidationError(f"{year}年の割合は登録されていません。") from None
    if rate.version != expected_version:
        raise ValidationError(CONFLICT)
    values = _rate_values(special_base, first_rate, later_rate, note)
    old = _normalized(rate)
    for k, v in values.items():
        setattr(rate, k, v)
    new = _normalized(rate)
    if new == old:
        raise ValidationError(NO_CHANGE)
    rate.version += 1
    rate.updated_by = str(actor)
    rate.save()
    _record(
        actor=actor,
        kind=ChangeKind.RATE,
        key=str(year),
        old=old,
        new=new,
        reason=reason,
        action="charges.rate_update",
        summary=f"{year}年の延滞金割合を変更（{_changes(old, new, RATE_LABELS)}）",
        request=request,
    )
    return rate


# --- rule sets per subject ------------------------------------------------------------

RULE_FIELDS = (
    "subject_name",
    "first_period_months",
    "start",
    "notice_deadline_days",
    "base_unit",
    "base_threshold",
    "result_unit",
    "result_threshold",
    "shift_closed_due",
    "basis",
)
RULE_LABELS = {f: str(SubjectRule._meta.get_field(f).verbose_name) for f in RULE_FIELDS}


INT_FIELDS = (
    "first_period_months",
    "notice_deadline_days",
    "base_unit",
    "base_threshold",
    "result_unit",
    "result_threshold",
)


def _rule_values(values: dict[str, Any]) -> dict[str, Any]:
    """All rule fields, typed and checked; unset ones take the local-tax defaults."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"不明な項目です: {', '.join(sorted(unknown))}")
    defaults = {f: SubjectRule._meta.get_field(f).get_default() for f in RULE_FIELDS}
    merged = {**defaults, **values}
    out: dict[str, Any] = {
        "subject_name": str(merged["subject_name"] or "").strip(),
        "basis": str(merged["basis"] or "").strip(),
        "start": str(merged["start"]),
        "shift_closed_due": bool(merged["shift_closed_due"]),
    }
    errors: dict[str, str] = {}
    for f in INT_FIELDS:
        try:
            out[f] = int(merged[f])
        except (TypeError, ValueError):
            errors[f] = "整数で入力してください。"
    if not out["subject_name"]:
        errors["subject_name"] = "科目名を入力してください。"
    if out["start"] not in StartChoice.values:
        errors["start"] = "起算日の指定が正しくありません。"
    if errors:
        raise ValidationError(errors)
    if not 0 <= out["notice_deadline_days"] <= 60:
        raise ValidationError({"notice_deadline_days": "0〜60日で入力してください。"})
    try:
        RuleSet(
            first_period_months=out["first_period_months"],
            start=Start(out["start"]),
            base_unit=out["base_unit"],
            base_threshold=out["base_threshold"],
            result_unit=out["result_unit"],
            result_threshold=out["result_threshold"],
        )
    except EntaikinError as e:
        raise ValidationError(str(e)) from None
    return out


@transaction.atomic
def subject_rule_create(
    *, actor: Any, subject_code: str, reason: str, request: Any = None, **values: Any
) -> SubjectRule:
    """Adds the rule for a subject code the city newly uses; unset fields are local tax."""
    reason = _require_reason(reason)
    code = (subject_code or "").strip()
    if not SUBJECT_CODE.match(code):
        raise ValidationError({"subject_code": "科目コードは英数字4文字以内で入力してください。"})
    clean = _rule_values(values)
    if SubjectRule.objects.filter(subject_code=code).exists():
        raise ValidationError({"subject_code": f"科目コード「{code}」は登録済みです。"})
    rule = SubjectRule.objects.create(subject_code=code, updated_by=str(actor), **clean)
    _record(
        actor=actor,
        kind=ChangeKind.SUBJECT,
        key=code,
        old=None,
        new=rule.snapshot(),
        reason=reason,
        action="charges.rule_create",
        summary=f"科目 {code} {rule.subject_name} の延滞金規則を登録",
        request=request,
    )
    return rule


@transaction.atomic
def subject_rule_update(
    *,
    actor: Any,
    subject_code: str,
    expected_version: int,
    reason: str,
    request: Any = None,
    **values: Any,
) -> SubjectRule:
    reason = _require_reason(reason)
    try:
        rule = SubjectRule.objects.select_for_update().get(subject_code=subject_code)
    except SubjectRule.DoesNotExist:
        raise ValidationError(f"科目コード「{subject_code}」は登録されていません。") from None
    if rule.version != expected_version:
        raise ValidationError(CONFLICT)
    old = rule.snapshot()
    current = {k: v for k, v in old.items() if k != "subject_code"}
    clean = _rule_values({**current, **values})
    for k, v in clean.items():
        setattr(rule, k, v)
    new = rule.snapshot()
    if new == old:
        raise ValidationError(NO_CHANGE)
    rule.version += 1
    rule.updated_by = str(actor)
    rule.save()
    _record(
        actor=actor,
        kind=ChangeKind.SUBJECT,
        key=subject_code,
        old=old,
        new=new,
        reason=reason,
        action="charges.rule_update",
        summary=f"科目 {subject_code} の延滞金規則を変更（{_changes(old, new, RULE_LABELS)}）",
        request=request,
    )
    return rule
