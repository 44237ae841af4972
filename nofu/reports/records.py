"""The records behind each figure: every number on the reports page and the board links here.

`records_for(params)` returns the title, columns and a paginated page of rows for one
figure; the same filters the figures use (figures.py) select the rows, so the count on
this page equals the figure that linked to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F as Col
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from nofu.calls.models import (
    ContactEvent,
    ContactKind,
    Department,
    Handover,
    Language,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.lib.phones import format_phone
from nofu.payers.models import Address, Installment, Payment, PhoneOrigin
from nofu.reports import figures as F

PER_PAGE = 100


class BadQuery(ValueError):
    """A parameter the page cannot use; the message is shown to the user."""


@dataclass
class Cell:
    text: str
    href: str = ""
    num: bool = False


@dataclass
class Records:
    title: str
    columns: list[str]
    page: Page
    rows: list[list[Cell]]
    count: int
    summary: str = ""
    notes: list[str] = field(default_factory=list)


CONTACT_ITEMS: dict[str, tuple[str, Q]] = {
    "all": ("対応記録（すべて）", Q()),
    "outbound": ("総架電件数", Q(kind=ContactKind.OUTBOUND)),
    "not_reached": (
        "不在数",
        Q(kind=ContactKind.OUTBOUND) & ~Q(result__in=list(F.REACHED)),
    ),
    "reached": ("着信件数（通話）", Q(kind=ContactKind.OUTBOUND, result__in=list(F.REACHED))),
    "return_call": ("返電数", Q(kind=ContactKind.RETURN_CALL)),
    "inbound": ("受電件数", Q(kind=ContactKind.INBOUND)),
    "mail": ("発送", Q(kind=ContactKind.MAIL)),
    "account_transfer": ("口座振替勧奨件数", Q(account_transfer_recommended=True)),
    "foreign": ("外国人（外国語）対応件数", ~Q(language=Language.JAPANESE) & ~Q(language="")),
    "nhi_loss": ("国保資格喪失手続きの説明・案内件数", Q(nhi_loss_explained=True)),
    "income_declaration": ("国保料所得申告勧奨者件数", Q(income_declaration_reminded=True)),
    "child_allowance": ("児童手当申出書提出の約束件数", Q(child_allowance_form_promised=True)),
}


def parse_date(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise BadQuery(f"{name}の日付「{value or ''}」を読めません（例: 2025-12-01）。") from None


def _span(params: Any) -> tuple[date, date]:
    start = parse_date(params.get("from"), "開始日")
    end = parse_date(params.get("to") or params.get("from"), "終了日")
    if end < start:
        raise BadQuery("終了日が開始日より前です。")
    if (end - start).days > 800:
        raise BadQuery("期間は2年以内で指定してください。")
    return start, end


def _fy(params: Any) -> int:
    value = (params.get("fy") or "").strip()
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise BadQuery(f"年度「{value}」を読めません（例: 2025）。")
    return int(value)


def _payer_cell(payer: Any) -> Cell:
    if payer is None:
        return Cell("（不明）")
    return Cell(payer.name, reverse("payers:detail", args=[payer.pk]))


def _local(at: Any) -> str:
    return f"{timezone.localtime(at, F.tz()):%Y/%m/%d %H:%M}"


def _page(qs: Any, number: Any) -> Page:
    return Paginator(qs, PER_PAGE).get_page(number)


def _range_text(start: date, end: date) -> str:
    return f"{start:%Y/%m/%d}" if start == end else f"{start:%Y/%m/%d}～{end:%Y/%m/%d}"


def records_for(params: Any) -> Records:
    kind = params.get("set", "contacts")
    handler = HANDLERS.get(kind)
    if handler is None:
        raise BadQuery(f"一覧の種類「{kind}」はありません。")
    return handler(params)


def _contacts(params: Any) -> Records:
    start, end = _span(params)
    item = params.get("item", "all")
    if item not in CONTACT_ITEMS:
        raise BadQuery(f"項目「{item}」はありません。")
    title, q = CONTACT_ITEMS[item]
    lo, hi = F.day_bounds(start, end)
    qs: QuerySet = (
        ContactEvent.objects.filter(q, at__gte=lo, at__lt=hi)
        .select_related("payer", "operator")
        .order_by("at", "id")
    )
    page = _page(qs, params.get("page"))
    rows = [
        [
            Cell(_local(c.at)),
            Cell(c.get_kind_display()),
            Cell(c.get_result_display()),
            Cell(c.get_counterpart_display() if c.counterpart else ""),
            _payer_cell(c.payer),
            Cell(format_phone(c.phone_number)),
            Cell(c.get_language_display() if c.language != Language.JAPANESE else ""),
            Cell(c.operator.staff_code or c.operator.username),
            Cell(c.note),
        ]
        for c in page
    ]
    return Records(
        f"{title}（{_range_text(start, end)}）",
        [
            "対応日時",
            "区分",
            "結果",
            "相手",
            "納付義務者",
            "電話番号",
            "言語",
            "対応者ID",
            "交渉記事",
        ],
        page,
        rows,
        page.paginator.count,
    )


def _promises(params: Any) -> Records:
    start, end = _span(params)
    lo, hi = F.day_bounds(start, end)
    qs = (
        PaymentPromise.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=PromiseStatus.CANCELLED)
        .select_related("payer", "contact__operator")
        .order_by("contact__at", "id")
    )
    amount = qs.aggregate(s=Sum("amount"))["s"] or 0
    contacts = qs.values("contact_id").distinct().count()
    page = _page(qs, params.get("page"))
    rows = [
        [
            Cell(_local(p.contact.at)),
            _payer_cell(p.payer),
            Cell(f"{p.promised_on:%Y/%m/%d}"),
            Cell(f"{p.amount:,}", num=True),
            Cell(f"{p.plan_seq}/{p.plan_count}" if p.plan_count > 1 else ""),
            Cell(p.get_status_display()),
            Cell(f"{p.paid_amount:,}", num=True),
            Cell(p.contact.operator.staff_code or p.contact.operator.username),
        ]
        for p in page
    ]
    return Records(
        f"納付約束（{_range_text(start, end)}）",
        [
            "対応日時",
            "納付義務者",
            "納付約束日",
            "納付約束額",
            "回数",
            "状況",
            "納付額",
            "対応者ID",
        ],
        page,
        rows,
        page.paginator.count,
        summary=f"約束件数 {contacts}件（{page.paginator.count}回分）・約束額 {amount:,}円",
    )


def _reissues(params: Any) -> Records:
    start, end = _span(params)
    lo, hi = F.day_bounds(start, end)
    qs = (
        SlipReissue.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=ReissueStatus.CANCELLED)
        .select_related("payer", "contact__operator")
        .order_by("contact__at", "id")
    )
    page = _page(qs, params.get("page"))
    rows = [
        [
            Cell(_local(r.contact.at)),
            _payer_cell(r.payer),
            Cell(" ".join(x for x in (r.postal_code, r.address, r.building) if x)),
            Cell("同封" if r.flyer_enclosed else "なし"),
            Cell(r.get_status_display()),
            Cell(r.contact.operator.staff_code or r.contact.operator.username),
        ]
        for r in page
    ]
    return Records(
        f"納付書再発行（{_range_text(start, end)}）",
        ["対応日時", "納付義務者", "送付先住所", "口座振替案内", "状況", "対応者ID"],
        page,
        rows,
        page.paginator.count,
    )


def _handovers(params: Any) -> Records:
    start, end = _span(params)
    lo, hi = F.day_bounds(start, end)
    qs = Handover.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
    dept = params.get("dept", "")
    title = "取次ぎ"
    if dept:
        if dept not in Department.values:
            raise BadQuery(f"取次先課「{dept}」はありません。")
        qs = qs.filter(department=dept)
        title = f"取次ぎ：{Department(dept).label}"
    qs = qs.select_related("payer", "contact__operator").order_by("contact__at", "id")
    page = _page(qs, params.get("page"))
    rows = [
        [
            Cell(_local(h.contact.at)),
            Cell(h.get_department_display()),
            Cell(h.get_reason_display()),
            _payer_cell(h.payer),
            Cell(h.detail),
            Cell(h.get_status_display()),
        ]
        for h in page
    ]
    return Records(
        f"{title}（{_range_text(start, end)}）",
        ["対応日時", "取次先課", "理由", "納付義務者", "内容", "状況"],
        page,
        rows,
        page.paginator.count,
    )


def _complaints(params: Any) -> Records:
    start, end = _span(params)
    items = F.complaints_between(start, end)
    page = _page(items, params.get("page"))
    rows = [
        [
            Cell(_local(c.contact.at if c.contact_id else c.created_at)),
            _payer_cell(c.payer),
            Cell(c.content),
            Cell(str(c.handled_by) if c.handled_by_id else ""),
            Cell(c.get_status_display()),
            Cell(c.resolution),
        ]
        for c in page
    ]
    return Records(
        f"苦情・トラブル（{_range_text(start, end)}）",
        ["発生日時", "納付義務者", "内容", "対応者（管理者等）", "状況", "対応結果"],
        page,
        rows,
        page.paginator.count,
    )


def _info(params: Any) -> Records:
    start, end = _span(params)
    item = params.get("item", "")
    entries: list[tuple[date, str, Any, str, str, str]] = []
    if item in ("", "phones"):
        for p in (
            F.learned_phones()
            .filter(first_seen__gte=start, first_seen__lte=end)
            .select_related("payer")
            .order_by("first_seen", "id")
        ):
            entries.append(
                (
                    p.first_seen,
                    "電話番号",
                    p.payer,
                    format_phone(p.number),
                    p.get_kind_display(),
                    p.get_origin_display(),
                )
            )
    if item in ("", "addresses"):
        for a in (
            Address.objects.filter(first_seen__gte=start, first_seen__lte=end)
            .exclude(origin=PhoneOrigin.CITY_DATA)
            .select_related("payer")
            .order_by("first_seen", "id")
        ):
            entries.append(
                (a.first_seen, "住所", a.payer, f"{a.address} {a.building}".strip(), "", "")
            )
    entries.sort(key=lambda e: e[0])
    page = _page(entries, params.get("page"))
    rows = [
        [Cell(f"{d:%Y/%m/%d}"), Cell(k), _payer_cell(p), Cell(v), Cell(s), Cell(o)]
        for d, k, p, v, s, o in page
    ]
    return Records(
        f"情報取得（{_range_text(start, end)}）",
        ["取得日", "区分", "納付義務者", "取得内容", "種別", "取得方法"],
        page,
        rows,
        page.paginator.count,
    )


def _calls(params: Any) -> Records:
    start, end = _span(params)
    calls = F.inbound_calls(start, end)
    status = params.get("status", "")
    if status == "answered":
        calls = [c for c in calls if c.within_hours and c.answered]
    elif status == "unanswered":
        calls = [c for c in calls if c.within_hours and not c.answered]
    elif status == "after_hours":
        calls = [c for c in calls if not c.within_hours]
    elif status == "":
        calls = [c for c in calls if c.within_hours]
    elif status != "all":
        raise BadQuery(f"区分「{status}」はありません。")
    page = _page(calls, params.get("page"))
    rows = [
        [Cell(_local(c.offered_at)), Cell(format_phone(c.caller)), Cell(c.label), Cell(c.call_id)]
        for c in page
    ]
    labels = {
        "": "運営時間内の受電",
        "answered": "応答した受電",
        "unanswered": "応答できなかった受電",
        "after_hours": "時間外の受電（応答率から除外）",
        "all": "すべての受電",
    }
    return Records(
        f"{labels[status]}（{_range_text(start, end)}）",
        ["着信日時", "発信番号", "分類", "通話ID"],
        page,
        rows,
        page.paginator.count,
        notes=[
            "応答＝通話開始またはIVRガイダンス開始（混雑時アナウンスは含めない）。"
            "時間外アナウンスを受けた呼と運営時間外の呼は除外（第2章 Ⅱ.5）。"
        ],
    )


def _payments(params: Any) -> Records:
    fy = _fy(params)
    first, last, pay_last = F.collection_window(fy)
    until = parse_date(params["to"], "基準日") if params.get("to") else pay_last
    qs = (
        Payment.objects.filter(
            installment__handed_over_on__gte=first,
            installment__handed_over_on__lte=last,
            paid_on__gte=first,
            paid_on__lte=min(until, pay_last),
        )
        .filter(paid_on__gte=Col("installment__handed_over_on"))
        .select_related("installment__payer")
        .order_by("paid_on", "id")
    )
    page = _page(qs, params.get("page"))
    counted = {
        pk: take
        for _i, items in F.counted_payments(
            fy, until=until, installment_ids={p.installment_id for p in page}
        )
        for _d, take, pk in items
    }
    total = sum(
        take for _i, items in F.counted_payments(fy, until=until) for _d, take, _pk in items
    )
    rows = [
        [
            Cell(f"{p.paid_on:%Y/%m/%d}"),
            Cell(p.source_system),
            Cell(p.receivable_key),
            _payer_cell(p.installment.payer),
            Cell(p.method),
            Cell(f"{p.amount:,}", num=True),
            Cell(f"{counted.get(p.pk, 0):,}", num=True),
            Cell(f"{p.installment.handed_over_on:%Y/%m/%d}"),
            Cell(f"{p.installment.unpaid_at_handover:,}", num=True),
        ]
        for p in page
    ]
    return Records(
        f"収納率に算入した収納（{fy}年度受領分、{first:%Y/%m/%d}～{min(until, pay_last):%Y/%m/%d}）",
        [
            "収納日",
            "抽出元",
            "債権番号",
            "納付義務者",
            "収納方法",
            "収納額",
            "算入額",
            "受領日",
            "受領時未納額",
        ],
        page,
        rows,
        page.paginator.count,
        summary=f"算入額の合計 {total:,}円",
        notes=["受領日以降の収納を、期別ごとに受領時未納額まで算入（第2章 Ⅰ.4(2)）。"],
    )


def _delinquency(params: Any) -> Records:
    fy = _fy(params)
    first, last, _pay = F.collection_window(fy)
    until = parse_date(params["to"], "基準日") if params.get("to") else last
    qs = (
        Installment.objects.filter(handed_over_on__gte=first, handed_over_on__lte=min(until, last))
        .select_related("payer")
        .order_by("handed_over_on", "id")
    )
    total = qs.aggregate(s=Sum("unpaid_at_handover"))["s"] or 0
    page = _page(qs, params.get("page"))
    rows = [
        [
            Cell(f"{i.handed_over_on:%Y/%m/%d}"),
            Cell(i.source_system),
            Cell(i.receivable_key),
            _payer_cell(i.payer),
            Cell(i.subject_name or i.subject_code),
            Cell(f"{i.unpaid_at_handover:,}", num=True),
            Cell(f"{i.unpaid:,}", num=True),
        ]
        for i in page
    ]
    return Records(
        f"収納率の滞納額（{fy}年度受領分）",
        ["受領日", "抽出元", "債権番号", "納付義務者", "科目", "受領時未納額", "現在の未納額"],
        page,
        rows,
        page.paginator.count,
        summary=f"滞納額の合計 {total:,}円",
    )


HANDLERS = {
    "contacts": _contacts,
    "promises": _promises,
    "reissues": _reissues,
    "handovers": _handovers,
    "complaints": _complaints,
    "info": _info,
    "calls": _calls,
    "payments": _payments,
    "delinquency": _delinquency,
}
