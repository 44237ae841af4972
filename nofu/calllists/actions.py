"""Changes in this app: one typed function per action, each validating, saving and writing
its audit row in one transaction. Views only parse forms and call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from nofu.audit.actions import audit_record
from nofu.calllists import clock, planning
from nofu.calllists.extract import Conditions, snapshot
from nofu.calllists.models import (
    AnnualTarget,
    Audience,
    Callback,
    CallHold,
    CallList,
    ClosedDay,
    ListMember,
    ListVersion,
    MonthPlan,
    PayerWait,
    Session,
    SessionKind,
    VersionStatus,
)
from nofu.lib.entaikin import EntaikinError

# --- the month's plan -----------------------------------------------------------------------


@transaction.atomic
def month_plan_save(
    *,
    actor: Any,
    year: int,
    month: int,
    nights: Iterable[date],
    weekends: Iterable[date],
    closed: dict[date, str],
    intensive: bool,
    note: str = "",
    request: Any = None,
) -> list[planning.PlanWarning]:
    """Replaces a month's sessions, closed days and intensive flag; returns the warnings.

    A plan that breaks the minimums is saved all the same (the manager may know better,
    e.g. after agreeing a change with the city) — the warnings stay on the page.
    """
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        raise ValidationError("年月の指定が正しくありません。")
    days = set(planning.month_days(year, month))
    nights, weekends = set(nights), set(weekends)
    outside = [d for d in (nights | weekends | set(closed)) if d not in days]
    if outside:
        raise ValidationError(f"{year}年{month}月以外の日付が含まれています。")
    first, last = min(days), max(days)
    old = {
        "nights": sorted(
            str(d)
            for d in Session.objects.filter(date__range=(first, last), kind="night").values_list(
                "date", flat=True
            )
        ),
        "weekends": sorted(
            str(d)
            for d in Session.objects.filter(date__range=(first, last), kind="weekend").values_list(
                "date", flat=True
            )
        ),
        "closed": {
            str(d): r
            for d, r in ClosedDay.objects.filter(date__range=(first, last)).values_list(
                "date", "reason"
            )
        },
    }
    Session.objects.filter(date__range=(first, last)).delete()
    ClosedDay.objects.filter(date__range=(first, last)).delete()
    Session.objects.bulk_create(
        [Session(date=d, kind=SessionKind.NIGHT, created_by=actor) for d in sorted(nights)]
        + [Session(date=d, kind=SessionKind.WEEKEND, created_by=actor) for d in sorted(weekends)]
    )
    ClosedDay.objects.bulk_create(
        [
            ClosedDay(date=d, reason=(r or "市の休業日")[:100], created_by=actor)
            for d, r in sorted(closed.items())
        ]
    )
    MonthPlan.objects.update_or_create(
        year=year,
        month=month,
        defaults={"intensive": intensive, "note": note[:200], "updated_by": actor},
    )
    planning.forget_cached_plan()
    warnings = planning.month_warnings(
        year, month, nights=nights, weekends=weekends, closed=closed, intensive=intensive
    )
    new = {
        "nights": sorted(str(d) for d in nights),
        "weekends": sorted(str(d) for d in weekends),
        "closed": {str(d): r for d, r in closed.items()},
        "intensive": intensive,
    }
    audit_record(
        actor=actor,
        action="sessions.plan",
        target_type="calllists.month",
        target_id=f"{year}-{month:02d}",
        summary=(
            f"{year}年{month}月の稼働計画：夜間{len(nights)}回・土日{len(weekends)}回"
            f"・休業日{len(closed)}日" + ("（強化月間）" if intensive else "")
        ),
        detail={"old": old, "new": new, "warnings": [w.message for w in warnings]},
        request=request,
    )
    return warnings


@transaction.atomic
def target_save(
    *, actor: Any, fiscal_year: int, outbound_calls: int, note: str = "", request: Any = None
) -> AnnualTarget:
    if outbound_calls <= 0:
        raise ValidationError({"outbound_calls": "架電件数目標は1件以上で入力してください。"})
    target, _ = AnnualTarget.objects.update_or_create(
        fiscal_year=fiscal_year,
        defaults={"outbound_calls": outbound_calls, "note": note[:200], "updated_by": actor},
    )
    audit_record(
        actor=actor,
        action="targets.save",
        target_type="calllists.annualtarget",
        target_id=fiscal_year,
        summary=f"{fiscal_year}年度の架電件数目標を{outbound_calls:,}件に設定",
        detail={"note": note},
        request=request,
    )
    return target


# --- call lists -----------------------------------------------------------------------------


@transaction.atomic
def list_version_create(
    *,
    actor: Any,
    conditions: Conditions,
    call_list: CallList | None = None,
    name: str = "",
    purpose: str = "",
    note: str = "",
    idempotency_key: str | None = None,
    request: Any = None,
) -> ListVersion:
    """Extracts now and keeps the result as a new version (a new list when none is given).

    The conditions (as data and as words) and every member with its rank and amounts are
    saved together: the version says for ever what the list contained and why.
    """
    if idempotency_key:
        done = ListVersion.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done  # a double submit returns the version the first one made
    if call_list is None:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": "リスト名を入力してください。"})
        if CallList.objects.filter(name=name).exists():
            raise ValidationError({"name": f"「{name}」という名前のリストは既にあります。"})
        call_list = CallList.objects.create(name=name, purpose=purpose.strip(), created_by=actor)
    else:
        CallList.objects.select_for_update().get(pk=call_list.pk)
    now = clock.now()
    as_of = clock.today()
    number = (call_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        version = ListVersion.objects.create(
            call_list=call_list,
            number=number,
            conditions=conditions.to_json(),
            conditions_text="\n".join(conditions.describe()),
            order=conditions.order,
            as_of=as_of,
            note=note.strip(),
            created_by=actor,
            idempotency_key=idempotency_key or None,
        )
    except IntegrityError as e:
        raise ValidationError("同じ操作が同時に行われました。画面を開き直してください。") from e
    try:
        count, total, late, seconds = snapshot(version.pk, conditions, as_of=as_of, now=now)
    except EntaikinError as e:
        raise ValidationError(f"延滞金を計算できない期別があります：{e}") from e
    version.member_count, version.total_owed, version.total_late_charge = count, total, late
    version.build_seconds = round(seconds, 3)
    previous = call_list.versions.filter(number=number - 1).first()
    if previous is not None:
        now_in = set(ListMember.objects.filter(version=version).values_list("payer_id", flat=True))
        before = set(ListMember.objects.filter(version=previous).values_list("payer_id", flat=True))
        version.added, version.removed = len(now_in - before), len(before - now_in)
    version.save(
        update_fields=[
            "member_count",
            "total_owed",
            "total_late_charge",
            "build_seconds",
            "added",
            "removed",
        ]
    )
    audit_record(
        actor=actor,
        action="calllist.create",
        target_type="calllists.listversion",
        target_id=version.pk,
        summary=f"{version.label}を作成：{count:,}件・対象未納額{total:,}円",
        detail={"conditions": conditions.to_json(), "count": count},
        request=request,
    )
    return version


@transaction.atomic
def list_version_publish(
    *,
    actor: Any,
    version: ListVersion,
    audience: str,
    operators: Iterable[Any] = (),
    priority: int = 5,
    request: Any = None,
) -> ListVersion:
    """Hands the version to the queue; an earlier published version of the list ends."""
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    operators = list(operators)
    if version.status == VersionStatus.RETIRED:
        raise ValidationError("終了した版は公開できません。新しい版を作成してください。")
    if audience not in Audience.values:
        raise ValidationError({"audience": "公開先を選んでください。"})
    if audience == Audience.NAMED and not operators:
        raise ValidationError({"operators": "公開先のオペレーターを1人以上選んでください。"})
    if not 1 <= priority <= 9:
        raise ValidationError({"priority": "優先度は1〜9で指定してください。"})
    now = clock.now()
    replaced = list(
        ListVersion.objects.select_for_update()
        .filter(call_list_id=version.call_list_id, status=VersionStatus.PUBLISHED)
        .exclude(pk=version.pk)
    )
    for old in replaced:
        old.status, old.retired_at, old.retired_by = VersionStatus.RETIRED, now, actor
        old.save(update_fields=["status", "retired_at", "retired_by"])
    first = version.status != VersionStatus.PUBLISHED
    version.status = VersionStatus.PUBLISHED
    version.audience = audience
    version.priority = priority
    if first:
        version.published_at, version.published_by = now, actor
    version.save(update_fields=["status", "audience", "priority", "published_at", "published_by"])
    version.operators.set(operators if audience == Audience.NAMED else [])
    _carry_waits(version)
    transaction.on_commit(_analyze_members)
    names = "、".join(str(o) for o in operators)
    audit_record(
        actor=actor,
        action="calllist.publish",
        target_type="calllists.listversion",
        target_id=version.pk,
        summary=f"{version.label}を公開："
        + (f"指定オペレーター（{names}）" if audience == Audience.NAMED else "共有キュー")
        + f"・優先度{priority}"
        + (f"（第{'・'.join(str(o.number) for o in replaced)}版は終了）" if replaced else ""),
        detail={"audience": audience, "operators": [o.pk for o in operators], "priority": priority},
        request=request,
    )
    return version


def _carry_waits(version: ListVersion) -> None:
    """Payers still waiting after an offer from another list (PayerWait) wait here too —
    marked in one statement, so the first offers do not walk past them one by one."""
    from django.db import connection

    members, waits = ListMember._meta.db_table, PayerWait._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f'UPDATE {members} SET next_at = w."until", note = w.note FROM {waits} w '
            f"WHERE {members}.version_id = %s AND {members}.status = 'pending' "
            f'AND w.payer_id = {members}.payer_id AND w."until" > %s',
            [version.pk, connection.ops.adapt_datetimefield_value(clock.now())],
        )


def _analyze_members() -> None:
    """Fresh planner statistics once a large snapshot goes live: with the old ones PostgreSQL
    thinks the version is tiny and sorts all of it for every offer instead of walking the
    (version, rank) index and stopping at the first free payer."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {ListMember._meta.db_table}")


@transaction.atomic
def list_version_retire(*, actor: Any, version: ListVersion, request: Any = None) -> ListVersion:
    version = ListVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == VersionStatus.RETIRED:
        return version
    version.status, version.retired_at, version.retired_by = (
        VersionStatus.RETIRED,
        clock.now(),
        actor,
    )
    version.save(update_fields=["status", "retired_at", "retired_by"])
    audit_record(
        actor=actor,
        action="calllist.retire",
        target_type="calllists.listversion",
        target_id=version.pk,
        summary=f"{version.label}を終了",
        request=request,
    )
    return version


# --- callbacks and holds (called from the operator screen) ----------------------------------


@transaction.atomic
def callback_schedule(
    *,
    actor: Any,
    payer: Any,
    due_at: datetime,
    operator: Any = None,
    note: str = "",
    idempotency_key: str | None = None,
    request: Any = None,
) -> Callback:
    """折り返し予約: offered first at its time, to `operator` (then to anyone once overdue)."""
    if idempotency_key:
        done = Callback.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    if due_at < clock.now():
        raise ValidationError({"due_at": "過去の日時は指定できません。"})
    day = timezone.localdate(due_at)
    if not planning.load_days(day, day).is_operating(due_at):
        raise ValidationError(
            {"due_at": "指定の日時は架電時間外です（稼働計画をご確認ください）。"}
        )
    cb = Callback.objects.create(
        payer=payer,
        due_at=due_at,
        operator=operator,
        note=note[:200],
        created_by=actor,
        idempotency_key=idempotency_key or None,
    )
    audit_record(
        actor=actor,
        action="callback.schedule",
        target_type="payer",
        target_id=payer.pk,
        summary=f"折り返し予約 {due_at:%Y-%m-%d %H:%M}",
        detail={"callback": cb.pk, "note": note},
        request=request,
    )
    return cb


@transaction.atomic
def hold_set(
    *,
    actor: Any,
    payer: Any,
    start: date,
    end: date,
    reason: str,
    request: Any = None,
) -> CallHold:
    """架電停止: the payer is not offered from start to end (inclusive); the reason shows."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "架電停止の理由を入力してください。"})
    if end < start:
        raise ValidationError({"end": "終了日は開始日以降の日付にしてください。"})
    hold = CallHold.objects.create(
        payer=payer, start=start, end=end, reason=reason[:200], created_by=actor
    )
    audit_record(
        actor=actor,
        action="callhold.set",
        target_type="payer",
        target_id=payer.pk,
        summary=f"架電停止 {start}〜{end}：{reason}",
        detail={"hold": hold.pk},
        request=request,
    )
    return hold


@transaction.atomic
def hold_lift(*, actor: Any, hold: CallHold, request: Any = None) -> CallHold:
    hold = CallHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is None:
        hold.lifted_at = clock.now()
        hold.save(update_fields=["lifted_at"])
        audit_record(
            actor=actor,
            action="callhold.lift",
            target_type="payer",
            target_id=hold.payer_id,
            summary=f"架電停止を解除（{hold.start}〜{hold.end}：{hold.reason}）",
            detail={"hold": hold.pk},
            request=request,
        )
    return hold
