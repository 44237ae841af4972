"""The 日報, 月報 and 年報 as the city receives them (第1章 16, 34: Excel).

The figures come from `figures`; this module lays them out. `daily_items` is shared by
the three reports and by the reports page, where each figure links to its records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nofu.calls.models import (
    ContactEvent,
    ContactResult,
    Department,
    Handover,
    Language,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.lib.business_calendar import next_business_day, nth_business_day_of_month
from nofu.lib.phones import format_phone
from nofu.lib.wareki import to_wareki, to_wareki_fiscal_year
from nofu.payers.models import Address, Installment, PhoneOrigin
from nofu.reports import figures as F
from nofu.reports import seams
from nofu.reports.board import calls_target
from nofu.reports.layout import Book, Pct, Sheet

WEEKDAYS = "月火水木金土日"


def jdate(d: date) -> str:
    return f"{to_wareki(d)}（{WEEKDAYS[d.weekday()]}）"


def jmonth(year: int, month: int) -> str:
    return to_wareki(date(year, month, 1)).rsplit("1日", 1)[0]


def stamp(now: datetime) -> str:
    return f"{timezone.localtime(now, F.tz()):%Y/%m/%d %H:%M}"


# --- the items ア–サ --------------------------------------------------------------------


@dataclass
class ItemRow:
    item: str  # "ア 架電件数" on the first row of a group, "" below it
    label: str
    value: int | Pct | None
    amount: int | None = None
    note: str = ""
    records: dict[str, str] = field(default_factory=dict)  # query of the records page


def _breakdown(counter: Any, labels: Sequence[tuple[str, str]]) -> str:
    return "／".join(f"{label} {counter.get(code, 0)}" for code, label in labels)


def daily_items(f: F.DayFigures, start: date, end: date) -> list[ItemRow]:
    def q(kind: str, **kw: str) -> dict[str, str]:
        return {"set": kind, "from": start.isoformat(), "to": end.isoformat(), **kw}

    results = dict(ContactResult.choices)
    not_reached = [(r, results[r]) for r in F.NOT_REACHED]
    reached = [(r, results[r]) for r in ContactResult.reached() if r != ContactResult.HANDLED]
    languages = [
        (code, label) for code, label in Language.choices if f.foreign_by_language.get(code)
    ]
    rows = [
        ItemRow("ア 架電件数", "総架電件数", f.outbound, None, "", q("contacts", item="outbound")),
        ItemRow(
            "",
            "不在数",
            f.not_reached,
            None,
            _breakdown(f.outbound_by_result, not_reached),
            q("contacts", item="not_reached"),
        ),
        ItemRow(
            "",
            "着信件数（通話）",
            f.reached,
            None,
            _breakdown(f.outbound_by_result, reached),
            q("contacts", item="reached"),
        ),
        ItemRow(
            "",
            "返電数",
            f.return_calls,
            None,
            "着信履歴を見た納付義務者からの返電",
            q("contacts", item="return_call"),
        ),
        ItemRow("", "受電件数", f.inbound, None, "", q("contacts", item="inbound")),
        ItemRow(
            "イ 納付約束",
            "納付約束件数・金額",
            f.promise_contacts,
            f.promise_amount,
            f"約束{f.promise_rows}回分（分納を含む）。対象者は「納付約束」シート",
            q("promises"),
        ),
        ItemRow(
            "ウ 納付書再発行",
            "再発行件数",
            f.reissues,
            None,
            "対象者は「納付書再発行」シート",
            q("reissues"),
        ),
    ]
    for i, (code, label) in enumerate(Department.choices):
        rows.append(
            ItemRow(
                "エ 担当課別取次ぎ件数" if i == 0 else "",
                label,
                f.handovers.get(code, 0),
                None,
                "",
                q("handovers", dept=code),
            )
        )
    rows += [
        ItemRow(
            "", "取次ぎ合計", f.handovers_total, None, "一覧は「取次ぎ」シート", q("handovers")
        ),
        ItemRow(
            "オ 苦情・トラブル",
            "発生件数",
            f.complaints,
            None,
            "管理者・副管理者が対応。内容は「苦情・トラブル」シート",
            q("complaints"),
        ),
        ItemRow(
            "カ 口座振替勧奨",
            "勧奨件数",
            f.account_transfer,
            None,
            "",
            q("contacts", item="account_transfer"),
        ),
        ItemRow(
            "キ 外国人（外国語）対応",
            "対応件数",
            f.foreign,
            None,
            _breakdown(f.foreign_by_language, languages),
            q("contacts", item="foreign"),
        ),
        ItemRow(
            "ク 国民健康保険料資格喪失手続きの説明・案内",
            "説明・案内件数",
            f.nhi_loss,
            None,
            "対象者は「国保資格喪失説明」シート",
            q("contacts", item="nhi_loss"),
        ),
        ItemRow(
            "ケ 国民健康保険料所得申告勧奨",
            "勧奨者件数",
            f.income_declaration,
            None,
            "",
            q("contacts", item="income_declaration"),
        ),
        ItemRow(
            "コ 児童手当・特例給付に係る学校給食費等の徴収に関する申出書",
            "提出の約束件数",
            f.child_allowance,
            None,
            "対象者は「児童手当申出書」シート",
            q("contacts", item="child_allowance"),
        ),
        ItemRow(
            "サ 情報取得（電話番号聴取等）",
            "電話番号",
            f.phones_obtained,
            None,
            "一覧は「情報取得」シート",
            q("info", item="phones"),
        ),
        ItemRow("", "住所", f.addresses_obtained, None, "", q("info", item="addresses")),
        ItemRow("", "計", f.info_obtained, None, "", q("info")),
    ]
    return rows


def answer_items(f: F.DayFigures, start: date, end: date, title: str) -> list[ItemRow]:
    def q(**kw: str) -> dict[str, str]:
        return {"set": "calls", "from": start.isoformat(), "to": end.isoformat(), **kw}

    return [
        ItemRow(title, "総受電件数（運営時間内）", f.offered, None, "電話システムの記録", q()),
        ItemRow(
            "",
            "応答件数",
            f.answered,
            None,
            f"うちIVRガイダンス {f.ivr}",
            q(status="answered"),
        ),
        ItemRow(
            "",
            "応答率",
            Pct(f.answer_rate),
            None,
            f"目標90%以上。混雑時アナウンス {f.busy}・放棄 {f.abandoned}は応答に含めず、"
            f"時間外 {f.after_hours}は除外",
            q(status="unanswered"),
        ),
    ]


ITEM_COLUMNS = ["項目", "内訳", "件数・率", "金額（円）", "備考"]


def write_items(sh: Sheet, items: Sequence[ItemRow]) -> None:
    """Items as a table, the item name merged down over its sub-rows."""
    group_start = sh.row
    group_name = ""
    for it in items:
        if it.item:
            if group_name:
                sh.merge_down(group_start, sh.row - 1, 0, group_name)
            group_start, group_name = sh.row, it.item
        sh.write(sh.row, 1, it.label)
        sh.write(sh.row, 2, it.value)
        sh.write(sh.row, 3, it.amount)
        sh.write(sh.row, 4, it.note)
        sh.row += 1
    if group_name:
        sh.merge_down(group_start, sh.row - 1, 0, group_name)


def _summary_sheet(book: Book, name: str) -> Sheet:
    sh = book.sheet(name, wrap=[0, 4])
    sh.set_width(0, 28)
    sh.set_width(4, 52)
    return sh


# --- person lists -------------------------------------------------------------------------


@dataclass
class PersonList:
    sheet: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    wrap: list[int] = field(default_factory=list)


def resident_map(payer_ids: set[int]) -> dict[int, str]:
    out: dict[int, list[str]] = defaultdict(list)
    for pid, no in (
        Installment.objects.filter(payer_id__in=payer_ids)
        .exclude(resident_no="")
        .values_list("payer_id", "resident_no")
        .order_by("payer_id", "resident_no")
        .distinct()
    ):
        out[pid].append(no)
    return {k: ";".join(v) for k, v in out.items()}


def _keys(insts: Any) -> str:
    return ";".join(sorted(i.receivable_key for i in insts))


def _staff(user: Any) -> str:
    return (user.staff_code or user.username) if user else ""


def _local(at: datetime) -> datetime:
    return timezone.localtime(at, F.tz()).replace(tzinfo=None, second=0, microsecond=0)


def daily_lists(day: date) -> list[PersonList]:
    """The persons behind イ, ウ, エ, オ, ク, コ and サ, one sheet each."""
    lo, hi = F.day_bounds(day, day)
    promises = list(
        PaymentPromise.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=PromiseStatus.CANCELLED)
        .select_related("contact__operator", "payer")
        .prefetch_related("installments", "contact__installments")
        .order_by("contact__at", "contact_id", "promised_on", "plan_seq", "id")
    )
    reissues = list(
        SlipReissue.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .exclude(status=ReissueStatus.CANCELLED)
        .select_related("contact__operator", "payer")
        .prefetch_related("installments")
        .order_by("contact__at", "id")
    )
    handovers = list(
        Handover.objects.filter(contact__at__gte=lo, contact__at__lt=hi)
        .select_related("contact__operator", "payer")
        .order_by("contact__at", "id")
    )
    complaints = F.complaints_between(day, day)
    contacts = list(
        ContactEvent.objects.filter(at__gte=lo, at__lt=hi)
        .filter(Q(nhi_loss_explained=True) | Q(child_allowance_form_promised=True))
        .select_related("operator", "payer")
        .prefetch_related("installments")
        .order_by("at", "id")
    )
    phones = list(F.learned_phones().filter(first_seen=day).select_related("payer").order_by("id"))
    addresses = list(
        Address.objects.filter(first_seen=day)
        .exclude(origin=PhoneOrigin.CITY_DATA)
        .select_related("payer")
        .order_by("id")
    )
    payer_ids = {
        x.payer_id
        for group in (promises, reissues, handovers, complaints, contacts, phones, addresses)
        for x in group
        if x.payer_id
    }
    rno = resident_map(payer_ids)

    def who(x: Any) -> list[str]:
        return [rno.get(x.payer_id, ""), x.payer.name if x.payer_id else "（不明）"]

    lists = [
        PersonList(
            "納付約束",
            "納付約束 対象者一覧",
            [
                "No.",
                "対応日時",
                "宛名番号",
                "氏名",
                "債権番号",
                "納付約束日",
                "納付約束額",
                "回数",
                "状況",
                "対応者ID",
            ],
            [
                [
                    n,
                    _local(p.contact.at),
                    *who(p),
                    _keys(p.installments.all() or p.contact.installments.all()),
                    p.promised_on,
                    p.amount,
                    f"{p.plan_seq}/{p.plan_count}" if p.plan_count > 1 else "",
                    p.get_status_display(),
                    _staff(p.contact.operator),
                ]
                for n, p in enumerate(promises, 1)
            ],
            wrap=[4],
        ),
        PersonList(
            "納付書再発行",
            "納付書再発行 対象者一覧",
            [
                "No.",
                "対応日時",
                "宛名番号",
                "氏名",
                "債権番号",
                "送付先",
                "送付先住所",
                "口座振替案内",
                "状況",
                "対応者ID",
            ],
            [
                [
                    n,
                    _local(r.contact.at),
                    *who(r),
                    _keys(r.installments.all()),
                    "登録住所" if r.send_to_registered else "指定住所",
                    " ".join(
                        x
                        for x in (
                            f"〒{r.postal_code}" if r.postal_code else "",
                            r.address,
                            r.building,
                        )
                        if x
                    ),
                    "同封" if r.flyer_enclosed else "なし",
                    r.get_status_display(),
                    _staff(r.contact.operator),
                ]
                for n, r in enumerate(reissues, 1)
            ],
            wrap=[4, 6],
        ),
        PersonList(
            "取次ぎ",
            "担当課別取次ぎ 一覧",
            ["No.", "対応日時", "取次先課", "理由", "宛名番号", "氏名", "内容", "状況", "対応者ID"],
            [
                [
                    n,
                    _local(h.contact.at),
                    h.get_department_display(),
                    h.get_reason_display(),
                    *who(h),
                    h.detail,
                    h.get_status_display(),
                    _staff(h.contact.operator),
                ]
                for n, h in enumerate(handovers, 1)
            ],
            wrap=[6],
        ),
        PersonList(
            "苦情・トラブル",
            "苦情・トラブル 発生一覧",
            [
                "No.",
                "発生日時",
                "宛名番号",
                "氏名",
                "内容",
                "対応者（管理者等）",
                "状況",
                "対応結果",
                "受付者ID",
            ],
            [
                [
                    n,
                    _local(c.contact.at if c.contact_id else c.created_at),
                    *who(c),
                    c.content,
                    str(c.handled_by) if c.handled_by_id else "",
                    c.get_status_display(),
                    c.resolution,
                    _staff(c.created_by),
                ]
                for n, c in enumerate(complaints, 1)
            ],
            wrap=[4, 7],
        ),
        PersonList(
            "国保資格喪失説明",
            "国民健康保険料資格喪失手続きの説明・案内 対象者一覧",
            ["No.", "対応日時", "対応区分", "宛名番号", "氏名", "債権番号", "電話番号", "対応者ID"],
            [
                [
                    n,
                    _local(c.at),
                    c.get_kind_display(),
                    *who(c),
                    _keys(c.installments.all()),
                    format_phone(c.phone_number),
                    _staff(c.operator),
                ]
                for n, c in enumerate((c for c in contacts if c.nhi_loss_explained), 1)
            ],
        ),
        PersonList(
            "児童手当申出書",
            "児童手当・特例給付に係る学校給食費等の徴収に関する申出書 提出約束 対象者一覧",
            [
                "No.",
                "対応日時",
                "対応区分",
                "宛名番号",
                "氏名",
                "債権番号",
                "児童氏名",
                "学校名",
                "対応者ID",
            ],
            [
                [
                    n,
                    _local(c.at),
                    c.get_kind_display(),
                    *who(c),
                    _keys(c.installments.all()),
                    "、".join(sorted({i.child_name for i in c.installments.all() if i.child_name})),
                    "、".join(
                        sorted({i.school_name for i in c.installments.all() if i.school_name})
                    ),
                    _staff(c.operator),
                ]
                for n, c in enumerate((c for c in contacts if c.child_allowance_form_promised), 1)
            ],
        ),
        PersonList(
            "情報取得",
            "情報取得（電話番号聴取等） 一覧",
            ["No.", "取得日", "区分", "宛名番号", "氏名", "取得内容", "種別", "取得方法"],
            [
                [n, x.first_seen, kind, *who(x), value, sort, x.get_origin_display()]
                for n, (x, kind, value, sort) in enumerate(
                    [(p, "電話番号", format_phone(p.number), p.get_kind_display()) for p in phones]
                    + [
                        (a, "住所", " ".join(v for v in (a.address, a.building) if v), "")
                        for a in addresses
                    ],
                    1,
                )
            ],
            wrap=[5],
        ),
    ]
    return lists


def write_list(book: Book, pl: PersonList, when: str) -> None:
    sh = book.sheet(pl.sheet, wrap=pl.wrap, max_width=40)
    sh.title(pl.title, when, F.CENTER_NAME, max(len(pl.columns), 4))
    sh.header(pl.columns)
    if pl.rows:
        sh.rows(pl.rows)
    else:
        sh.write_row(["該当なし", *[None] * (len(pl.columns) - 1)])
    sh.write_row([None] * (len(pl.columns) - 2) + ["件数", len(pl.rows)], total=True)
    sh.finish()


# --- 日報 ---------------------------------------------------------------------------------


def daily_workbook(day: date, *, now: datetime) -> bytes:
    fig = F.day_figures(day, day)[day]
    due = datetime.combine(next_business_day(day), time(10, 0))
    book = Book()
    sh = _summary_sheet(book, "日報")
    sh.title(
        "業務報告書（日報）",
        f"対象日：{jdate(day)}",
        F.CENTER_NAME,
        len(ITEM_COLUMNS),
        extra=f"作成：{stamp(now)}　提出期限：{jdate(due.date())} 午前10時",
    )
    sh.header(ITEM_COLUMNS)
    write_items(sh, daily_items(fig, day, day))
    sh.blank()
    sh.header(ITEM_COLUMNS)
    write_items(sh, answer_items(fig, day, day, "（参考）受電の応答率"))
    sh.finish(one_page=True, freeze=False)
    for pl in daily_lists(day):
        write_list(book, pl, f"対象日：{jdate(day)}")
    return book.close()


# --- the per-day / per-month table ---------------------------------------------------------

PERIOD_COLUMNS: list[tuple[str, Callable[[F.DayFigures], Any]]] = [
    ("総架電", lambda f: f.outbound),
    ("不在", lambda f: f.not_reached),
    ("着信\n（通話）", lambda f: f.reached),
    ("返電", lambda f: f.return_calls),
    ("受電", lambda f: f.inbound),
    ("納付約束\n件数", lambda f: f.promise_contacts),
    ("納付約束\n金額（円）", lambda f: f.promise_amount),
    ("納付書\n再発行", lambda f: f.reissues),
    ("取次ぎ", lambda f: f.handovers_total),
    ("苦情・\nトラブル", lambda f: f.complaints),
    ("口座振替\n勧奨", lambda f: f.account_transfer),
    ("外国語\n対応", lambda f: f.foreign),
    ("国保喪失\n説明", lambda f: f.nhi_loss),
    ("所得申告\n勧奨", lambda f: f.income_declaration),
    ("児童手当\n申出書", lambda f: f.child_allowance),
    ("情報\n取得", lambda f: f.info_obtained),
    ("受電\n（時間内）", lambda f: f.offered),
    ("応答", lambda f: f.answered),
    ("応答率", lambda f: Pct(f.answer_rate)),
]


def _activity(f: F.DayFigures) -> bool:
    """Anything recorded that day (a call after hours, excluded from every figure, is not)."""
    return any(
        getattr(f, x.name)
        for x in fields(f)
        if x.name != "after_hours" and isinstance(getattr(f, x.name), int)
    )


def report_days(start: date, end: date, per_day: dict[date, F.DayFigures]) -> list[date]:
    """Business days, and any other day on which something was recorded (weekend sessions)."""
    open_days = set(F.business_days(start, end))
    return [d for d in F.days(start, end) if d in open_days or _activity(per_day[d])]


PERIOD_SPLIT = 10  # ア–オ on the first table, カ–サ and the answer rate on the second


def write_period_tables(
    sh: Sheet,
    first: Sequence[str],
    rows: Sequence[tuple[Sequence[Any], F.DayFigures]],
    *,
    paged: bool,
) -> None:
    """The daily items per day (or month) as two tables, so each prints at a legible size."""
    total = F.DayFigures.total(f for _h, f in rows)
    parts = (
        ("ア～オ 架電件数・納付約束・納付書再発行・取次ぎ・苦情", PERIOD_COLUMNS[:PERIOD_SPLIT]),
        ("カ～サ・受電の応答率", PERIOD_COLUMNS[PERIOD_SPLIT:]),
    )
    for i, (title, columns) in enumerate(parts):
        if i:
            if paged:
                sh.page_break()
            else:
                sh.blank()
        sh.section(title)
        sh.header([*first, *(h for h, _g in columns)], height=30)
        for head, f in rows:
            sh.write_row([*head, *(g(f) for _h, g in columns)])
        sh.write_row(
            ["合計", *[""] * (len(first) - 1), *(g(total) for _h, g in columns)], total=True
        )


# --- 月報 ---------------------------------------------------------------------------------


def call_list_size(start: date, end: date) -> tuple[int, str]:
    """架電リスト件数: persons on the call lists in use; before any list, persons called."""
    n = seams.call_list_size(start, end)
    if n is not None:
        return n, "期間中に公開されていた架電リストの対象者数（重複を除く）"
    lo, hi = F.day_bounds(start, end)
    n = (
        ContactEvent.objects.filter(kind="outbound", at__gte=lo, at__lt=hi)
        .exclude(payer=None)
        .values("payer_id")
        .distinct()
        .count()
    )
    return n, "架電リスト機能の導入前のため、期間中に架電した納付義務者の実人数を計上"


def monthly_workbook(year: int, month: int, *, as_of: date, now: datetime) -> bytes:
    start, end = date(year, month, 1), F.month_end(year, month)
    per_day = F.day_figures(start, end)
    shown = report_days(start, end, per_day)
    total = F.DayFigures.total(per_day.values())
    list_size, list_note = call_list_size(start, end)
    pr = F.promise_results(start, end, as_of)
    fy = year if month >= 4 else year - 1
    ytd = F.outbound_by_month(fy)
    ytd_calls = sum(n for (y, m), n in ytd.items() if (y, m) <= (year, month))
    target, _note = calls_target(fy)
    coll = {(c.year, c.month): c for c in F.collection_by_month(fy)}[(year, month)]
    ytd_answer = F.answer_stats(date(fy, 4, 1), end)
    due = nth_business_day_of_month(year + (month == 12), month % 12 + 1, 5)

    book = Book()
    sh = _summary_sheet(book, "月報")
    sh.title(
        "業務報告書（月報）",
        f"対象月：{jmonth(year, month)}（{start:%Y/%m/%d}～{end:%Y/%m/%d}）",
        F.CENTER_NAME,
        len(ITEM_COLUMNS),
        extra=f"作成：{stamp(now)}　提出期限：{jdate(due)}（翌月5稼働日）",
    )
    sh.section("ア 日報項目の月計")
    sh.header(ITEM_COLUMNS)
    write_items(sh, daily_items(total, start, end))
    sh.page_break()
    sh.section("イ 対応件数の月計")
    sh.header(ITEM_COLUMNS)
    write_items(
        sh,
        [
            ItemRow("対応件数", "架電リスト件数", list_size, None, list_note),
            ItemRow("", "架電件数", total.outbound),
            ItemRow("", "不在数", total.not_reached),
            ItemRow("", "通話数", total.reached, None, "架電のうち通話できたもの"),
            ItemRow("", "受電件数", total.inbound, None, "返電を除く"),
            ItemRow("", "納付約束件数", total.promise_contacts),
        ],
    )
    sh.blank()
    sh.section("ウ 受電率（応答率）")
    sh.header(ITEM_COLUMNS)
    write_items(sh, answer_items(total, start, end, "受電率（応答率）"))
    sh.blank()
    sh.section("エ 納付約束結果")
    sh.header(ITEM_COLUMNS)
    write_items(
        sh,
        [
            ItemRow(
                "納付約束結果",
                "納付約束者数",
                pr.promisers,
                None,
                f"約束件数 {pr.promises}・約束額 {pr.promised_amount:,}円",
            ),
            ItemRow("", "納付約束者当初未納額", None, pr.initial_unpaid, "約束時点の未納額"),
            ItemRow("", "納付額", None, pr.paid, f"約束日から{to_wareki(as_of)}までの収納"),
            ItemRow("", "現未納額", None, pr.still_unpaid),
            ItemRow("", "収納率", Pct(pr.rate), None, "納付額 ÷ 当初未納額"),
        ],
    )
    sh.blank()
    sh.section(f"（参考）履行基準・数値目標の状況（{to_wareki_fiscal_year(fy)} {month}月末累計）")
    sh.header(ITEM_COLUMNS)
    write_items(
        sh,
        [
            ItemRow(
                "架電件数",
                "年度累計",
                ytd_calls,
                None,
                f"履行基準 年間{target:,}件以上",
            ),
            ItemRow(
                "収納率（SLA）",
                "滞納額（受領累計）",
                None,
                coll.delinquency,
                "4月～翌3月に受領した架電対象者データの滞納額",
            ),
            ItemRow(
                "", "収納金額（累計）", None, coll.paid_cumulative, "同滞納額の4月～翌5月の収納"
            ),
            ItemRow("", "収納率", Pct(coll.rate), None, "目標60%以上"),
            ItemRow(
                "応答率",
                "年度累計",
                Pct(ytd_answer.rate),
                None,
                f"受電 {ytd_answer.offered:,}・応答 {ytd_answer.answered:,}。目標90%以上",
            ),
        ],
    )
    sh.finish(freeze=False)

    day_sheet = book.sheet("日別集計")
    day_sheet.title(
        "日報項目の日別集計",
        f"対象月：{jmonth(year, month)}",
        F.CENTER_NAME,
        2 + PERIOD_SPLIT,
    )
    write_period_tables(
        day_sheet,
        ["日付", "曜日"],
        [((f"{d.month}/{d.day}", WEEKDAYS[d.weekday()]), per_day[d]) for d in shown],
        paged=True,
    )
    day_sheet.note(
        "営業日と、営業日以外で記録のあった日（土日開庁）を掲載。応答率＝応答÷受電（時間内）。"
    )
    day_sheet.finish(freeze=False)

    write_list(
        book,
        PersonList(
            "納付約束結果",
            "納付約束結果 対象者一覧",
            [
                "No.",
                "約束日",
                "宛名番号",
                "氏名",
                "納付約束日",
                "納付約束額",
                "当初未納額",
                "納付額",
                "現未納額",
                "状況",
            ],
            _promise_result_rows(pr),
            wrap=[4],
        ),
        f"対象月：{jmonth(year, month)}　収納状況：{to_wareki(as_of)}現在",
    )
    return book.close()


def _promise_result_rows(pr: F.PromiseResults) -> list[list[Any]]:
    rno = resident_map({r["payer_id"] for r in pr.rows})
    return [
        [
            n,
            r["since"],
            rno.get(r["payer_id"], ""),
            r["name"],
            ";".join(f"{d:%Y/%m/%d}" for d in r["promised_on"]),
            r["amount"],
            r["initial"],
            r["paid"],
            max(r["initial"] - r["paid"], 0),
            r["status"],
        ]
        for n, r in enumerate(pr.rows, 1)
    ]


# --- 年報 ---------------------------------------------------------------------------------


def annual_workbook(fy: int, *, as_of: date, now: datetime) -> bytes:
    start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
    per_day = F.day_figures(start, end)
    months = F.fiscal_months(fy)
    per_month = {ym: F.DayFigures() for ym in months}
    for d, f in per_day.items():
        per_month[(d.year, d.month)].add(f)
    total = F.DayFigures.total(per_month.values())
    coll = F.collection_by_month(fy)
    final = coll[-1]
    list_size, list_note = call_list_size(start, end)
    pr = F.promise_results(start, end, as_of)
    label = to_wareki_fiscal_year(fy)
    target, target_note = calls_target(fy)

    def verdict(ok: bool | None) -> str:
        return "－" if ok is None else ("達成" if ok else "未達成")

    book = Book()
    sh = _summary_sheet(book, "年報")
    sh.title(
        "年次報告書（年報）",
        f"対象年度：{label}（{start:%Y/%m/%d}～{end:%Y/%m/%d}）",
        F.CENTER_NAME,
        len(ITEM_COLUMNS),
        extra=f"作成：{stamp(now)}　収納状況：{to_wareki(min(as_of, final.end))}現在",
    )
    sh.section("1 履行基準・数値目標（第2章 Ⅰ.4、Ⅱ.5）")
    sh.header(ITEM_COLUMNS)
    write_items(
        sh,
        [
            ItemRow(
                "架電件数（履行基準）",
                "年間架電件数",
                total.outbound,
                None,
                f"基準 {target:,}件以上：" + verdict(total.outbound >= target),
            ),
            ItemRow("", "達成率", Pct(total.outbound / target), None, target_note),
            ItemRow(
                "収納率（SLA）",
                "滞納額",
                None,
                final.delinquency,
                "4月～翌3月に受領した架電対象者データの滞納額の合計",
            ),
            ItemRow(
                "", "収納金額", None, final.paid_cumulative, "同滞納額につき4月～翌5月末の収納"
            ),
            ItemRow(
                "",
                "収納率",
                Pct(final.rate),
                None,
                "目標60%以上："
                + verdict(None if final.rate is None else final.rate >= F.COLLECTION_RATE_TARGET),
            ),
            ItemRow("応答率（履行基準）", "総受電件数（運営時間内）", total.offered),
            ItemRow("", "応答件数", total.answered, None, f"うちIVRガイダンス {total.ivr}"),
            ItemRow(
                "",
                "応答率",
                Pct(total.answer_rate),
                None,
                "目標90%以上："
                + verdict(
                    None if total.answer_rate is None else total.answer_rate >= F.ANSWER_RATE_TARGET
                ),
            ),
        ],
    )
    sh.blank()
    sh.section("2 対応件数・納付約束結果の年計")
    sh.header(ITEM_COLUMNS)
    write_items(
        sh,
        [
            ItemRow("対応件数", "架電リスト件数", list_size, None, list_note),
            ItemRow("", "架電件数", total.outbound),
            ItemRow("", "不在数", total.not_reached),
            ItemRow("", "通話数", total.reached),
            ItemRow("", "受電件数", total.inbound),
            ItemRow("", "納付約束件数", total.promise_contacts),
            ItemRow("納付約束結果", "納付約束者数", pr.promisers),
            ItemRow("", "納付約束者当初未納額", None, pr.initial_unpaid),
            ItemRow("", "納付額", None, pr.paid, f"{to_wareki(as_of)}現在"),
            ItemRow("", "現未納額", None, pr.still_unpaid),
            ItemRow("", "収納率", Pct(pr.rate)),
        ],
    )
    sh.page_break()
    sh.section("3 日報項目の年計")
    sh.header(ITEM_COLUMNS)
    write_items(sh, daily_items(total, start, end))
    sh.finish(freeze=False)

    ms = book.sheet("月別集計")
    ms.title("日報項目の月別集計", f"対象年度：{label}", F.CENTER_NAME, 1 + PERIOD_SPLIT)
    write_period_tables(
        ms, ["月"], [((f"{y}年{m}月",), per_month[(y, m)]) for y, m in months], paged=False
    )
    ms.finish(one_page=True, freeze=False)

    cs = book.sheet("収納率（SLA）")
    cs.title(
        "収納率（数値目標）の月次推移",
        f"対象年度：{label}（滞納額は{start:%Y/%m}～{end:%Y/%m}受領分）",
        F.CENTER_NAME,
        6,
    )
    cs.header(
        [
            "月",
            "当月受領\n滞納額（円）",
            "滞納額\n累計（円）",
            "当月収納額（円）",
            "収納額\n累計（円）",
            "収納率\n（累計）",
        ],
        height=30,
    )
    for c in coll:
        cs.write_row(
            [
                f"{c.year}年{c.month}月",
                c.handed_over,
                c.delinquency,
                c.paid,
                c.paid_cumulative,
                Pct(c.rate),
            ]
        )
    cs.note(
        "収納率＝収納金額÷滞納額（第2章 Ⅰ.4(2)）。滞納額は4月～翌3月に受領した架電対象者データの"
        "受領時未納額の合計、収納金額は同滞納額につき4月～翌5月末に納付された金額（受領日以降、"
        "期別ごとに受領時未納額を上限）。"
    )
    cs.finish()

    by_month: dict[tuple[int, int], F.AnswerStats] = {}
    for ym, f in per_month.items():  # the answer figures were counted with the day figures
        by_month[ym] = F.AnswerStats(
            f.offered, f.answered, f.ivr, f.busy, f.abandoned, f.after_hours
        )
    rs = book.sheet("応答率")
    rs.title("応答率（履行基準）の月次推移", f"対象年度：{label}", F.CENTER_NAME, 8)
    rs.header(
        [
            "月",
            "総受電件数\n（運営時間内）",
            "応答件数",
            "うちIVR\nガイダンス",
            "混雑時\nアナウンス",
            "放棄",
            "応答率",
            "時間外\n（除外）",
        ],
        height=30,
    )
    total_ans = F.AnswerStats()
    for y, m in months:
        s = by_month[(y, m)]
        total_ans.add(s)
        rs.write_row(
            [
                f"{y}年{m}月",
                s.offered,
                s.answered,
                s.ivr,
                s.busy,
                s.abandoned,
                Pct(s.rate),
                s.after_hours,
            ]
        )
    t = total_ans
    rs.write_row(
        ["合計", t.offered, t.answered, t.ivr, t.busy, t.abandoned, Pct(t.rate), t.after_hours],
        total=True,
    )
    rs.note(
        "応答＝運営時間内の受電に対して通話を開始したもの（IVRの音声ガイダンス開始を含み、"
        "混雑時用の音声アナウンスを除く）。応答率＝応答件数÷運営時間内の総受電件数（第2章 Ⅱ.5）。"
    )
    rs.finish()
    return book.close()
