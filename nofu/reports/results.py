"""架電結果データ (data-exchange §3) and 電話番号情報 (§4): the day's files for the city.

One row per contact event of the day (架電・受電・返電・発送), in the order they happened.
The CSV is CP932 with CRLF, quoted only where a field needs it (a comma, a quote or a line
break; line breaks inside 交渉記事 are written as CRLF inside the quotes, RFC 4180). A
character CP932 cannot hold becomes 〓 in the CSV and is counted; the .xlsx keeps the
text as recorded. Decisions where the spec is silent (also in README.md):

- 抽出元 / 宛名番号 / 債権番号 come from the installments the contact was about (several
  joined by `;`, ordered by source system then key); a contact about no installment in
  particular takes the payer's 宛名番号 and leaves 抽出元 and 債権番号 blank.
- 対応日時 `YYYY/MM/DD HH:MM` (local time), 納付約束日 `YYYY/MM/DD`, amounts as plain
  integers. Several promises of one contact (an instalment plan) are joined by `;` in
  date order, in both 納付約束日 and 納付約束額. Cancelled promises are left out.
- 納付書発送 is 有 when a slip reissue was requested in the contact (not cancelled) or the
  contact is itself a mailing; 発送先住所 is the reissue's address (〒 postal code first).
- 口座振替案内 is 有 when the operator recommended account transfer or a reissue goes out
  with the account-transfer flyer.
- 取次先課: the departments of the contact's handovers (`;`). 対応者ID: the operator's
  staff code (the user name when none is set).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from nofu.calls.models import (
    ContactEvent,
    ContactKind,
    ContactResult,
    Counterpart,
    Department,
    Handover,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.lib.phones import format_phone
from nofu.lib.subjects import SOURCE_SYSTEMS
from nofu.payers.models import Installment
from nofu.reports.figures import day_bounds, learned_phones, tz
from nofu.reports.layout import Book

RESULT_COLUMNS = [
    "抽出元",
    "宛名番号",
    "債権番号",
    "対応日時",
    "対応区分",
    "結果",
    "相手",
    "電話番号",
    "交渉記事",
    "納付約束日",
    "納付約束額",
    "納付書発送",
    "発送先住所",
    "口座振替案内",
    "取次先課",
    "対応者ID",
]
PHONE_COLUMNS = ["抽出元", "宛名番号", "債権番号", "電話番号", "種別", "取得方法", "取得日"]

GETA = "〓"
# Characters whose usual Unicode form has no CP932 code but a CP932 twin of the same
# shape: mapped, not replaced (— EM DASH is ― in Shift_JIS, ¦ is ￤).
CP932_TWINS = str.maketrans({"\u2014": "\u2015", "\u00a6": "\uffe4"})

RESULTS_KIND = "架電結果データ"
PHONES_KIND = "電話番号情報"


def file_names(day: date) -> dict[str, str]:
    """The four files of a day; the key says what each is."""
    stamp = f"{day:%Y%m%d}"
    return {
        "results_csv": f"{RESULTS_KIND}_{stamp}.csv",
        "results_xlsx": f"{RESULTS_KIND}_{stamp}.xlsx",
        "phones_csv": f"{PHONES_KIND}_{stamp}.csv",
        "phones_xlsx": f"{PHONES_KIND}_{stamp}.xlsx",
    }


FILE_KINDS = {
    "results_csv": RESULTS_KIND,
    "results_xlsx": RESULTS_KIND,
    "phones_csv": PHONES_KIND,
    "phones_xlsx": PHONES_KIND,
}


@dataclass
class ExportFile:
    key: str
    kind: str
    name: str
    data: bytes
    rows: int
    replaced: int  # characters written as 〓 (CSV only)


def _sys_order(system: str) -> tuple[int, str]:
    return (SOURCE_SYSTEMS.index(system) if system in SOURCE_SYSTEMS else 99, system)


def _join(values: Sequence[str]) -> str:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return ";".join(seen)


def _ymd(d: date) -> str:
    return f"{d:%Y/%m/%d}"


def _payer_resident_nos(payer_ids: set[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        Installment.objects.filter(payer_id__in=payer_ids)
        .exclude(resident_no="")
        .values_list("payer_id", "resident_no")
        .order_by("payer_id", "resident_no")
        .distinct()
    )
    for pid, no in rows:
        out[pid].append(no)
    return out


def result_rows(day: date) -> list[list[Any]]:
    """The 架電結果データ of `day`: typed values (dates, ints); `csv_text` renders them.

    Read with a handful of flat queries over the day (no per-contact queries), so a
    day of thousands of contacts exports in well under a second.
    """
    lo, hi = day_bounds(day, day)
    on_day = {"contact__at__gte": lo, "contact__at__lt": hi}
    contacts = list(
        ContactEvent.objects.filter(at__gte=lo, at__lt=hi)
        .order_by("at", "id")
        .values_list(
            "id",
            "payer_id",
            "at",
            "kind",
            "result",
            "counterpart",
            "phone_number",
            "note",
            "account_transfer_recommended",
            "operator__staff_code",
            "operator__username",
        )
    )
    through = ContactEvent.installments.through
    insts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for cid, system, resident, key in through.objects.filter(
        contactevent__at__gte=lo, contactevent__at__lt=hi
    ).values_list(
        "contactevent_id",
        "installment__source_system",
        "installment__resident_no",
        "installment__receivable_key",
    ):
        insts[cid].append((system, resident, key))
    promises: dict[int, list[tuple[date, int, int, int]]] = defaultdict(list)
    for cid, on, amount, seq, pk in (
        PaymentPromise.objects.filter(**on_day)
        .exclude(status=PromiseStatus.CANCELLED)
        .values_list("contact_id", "promised_on", "amount", "plan_seq", "id")
    ):
        promises[cid].append((on, seq, pk, amount))
    reissues: dict[int, list[tuple[str, str, str, bool]]] = defaultdict(list)
    for cid, postal, address, building, flyer in (
        SlipReissue.objects.filter(**on_day)
        .exclude(status=ReissueStatus.CANCELLED)
        .order_by("id")
        .values_list("contact_id", "postal_code", "address", "building", "flyer_enclosed")
    ):
        reissues[cid].append((postal, address, building, flyer))
    departments = dict(Department.choices)
    handovers: dict[int, list[str]] = defaultdict(list)
    for cid, dept in (
        Handover.objects.filter(**on_day).order_by("id").values_list("contact_id", "department")
    ):
        handovers[cid].append(departments.get(dept, dept))
    for cid, sent_to in _mailed_to(contacts).items():
        reissues[cid] = sent_to
    fallback = _payer_resident_nos({c[1] for c in contacts if c[1] and not insts.get(c[0])})
    kinds, results = dict(ContactKind.choices), dict(ContactResult.choices)
    counterparts = dict(Counterpart.choices)
    zone = tz()
    rows: list[list[Any]] = []
    for (cid, payer_id, at, kind, result, counterpart, phone, note, transfer_rec,
         staff_code, username) in contacts:  # fmt: skip
        mine = sorted(insts.get(cid, []), key=lambda i: (*_sys_order(i[0]), i[2]))
        if mine:
            systems = _join([i[0] for i in mine])
            resident = _join([i[1] for i in mine])
            keys = ";".join(i[2] for i in mine)
        else:
            systems, keys = "", ""
            resident = ";".join(fallback.get(payer_id, [])) if payer_id else ""
        plan = sorted(promises.get(cid, []))
        if len(plan) == 1:
            promised_on: Any = plan[0][0]
            promised_amount: Any = plan[0][3]
        else:
            promised_on = ";".join(_ymd(p[0]) for p in plan)
            promised_amount = ";".join(str(p[3]) for p in plan)
        sent = reissues.get(cid, [])
        address = _join(
            [
                " ".join(x for x in (f"〒{postal}" if postal else "", addr, building) if x)
                for postal, addr, building, _flyer in sent
            ]
        )
        transfer = transfer_rec or any(r[3] for r in sent)
        rows.append(
            [
                systems,
                resident,
                keys,
                timezone.localtime(at, zone).replace(tzinfo=None, second=0, microsecond=0),
                kinds.get(kind, kind),
                results.get(result, result),
                counterparts.get(counterpart, "") if counterpart else "",
                format_phone(phone) if phone else "",
                note,
                promised_on,
                promised_amount,
                "有" if sent or kind == ContactKind.MAIL else "無",
                address,
                "有" if transfer else "無",
                _join(handovers.get(cid, [])),
                staff_code or username,
            ]
        )
    return rows


MAILING_WINDOW = timedelta(minutes=10)


def _mailed_to(contacts: Sequence[tuple]) -> dict[int, list[tuple[str, str, str, bool]]]:
    """Where each mailing (発送) contact went: the printed reissues of that payer's batch.

    The workspace records one 発送 contact per envelope right after printing the batch;
    the reissues printed in that batch for the payer carry the address.
    """
    mailings = [(c[0], c[1], c[2]) for c in contacts if c[3] == ContactKind.MAIL and c[1]]
    if not mailings:
        return {}
    printed = (
        SlipReissue.objects.filter(
            payer_id__in={m[1] for m in mailings},
            status=ReissueStatus.PRINTED,
            batch__at__gte=min(m[2] for m in mailings) - MAILING_WINDOW,
            batch__at__lte=max(m[2] for m in mailings),
        )
        .order_by("batch__at", "id")
        .values_list(
            "payer_id", "batch__at", "postal_code", "address", "building", "flyer_enclosed"
        )
    )
    by_payer: dict[int, list[tuple]] = defaultdict(list)
    for row in printed:
        by_payer[row[0]].append(row)
    out: dict[int, list[tuple[str, str, str, bool]]] = {}
    for cid, payer_id, at in mailings:
        batches = [r for r in by_payer.get(payer_id, []) if at - MAILING_WINDOW <= r[1] <= at]
        if batches:
            last = max(r[1] for r in batches)
            out[cid] = [r[2:] for r in batches if r[1] == last]
    return out


def phone_rows(day: date) -> list[list[Any]]:
    """電話番号情報: numbers learned (`figures.learned_phones`) first seen on `day`.

    One row per number and source system in which the payer has installments: 宛名番号
    and 債権番号 of that system joined by `;`, so the city can file the number under every
    record of the person. A payer without installments gets one row with those blank.
    """
    phones = list(learned_phones().filter(first_seen=day).order_by("payer_id", "id"))
    by_payer: dict[int, dict[str, list[Installment]]] = defaultdict(lambda: defaultdict(list))
    for inst in Installment.objects.filter(payer_id__in={p.payer_id for p in phones}).only(
        "payer_id", "source_system", "resident_no", "receivable_key"
    ):
        by_payer[inst.payer_id][inst.source_system].append(inst)
    rows: list[list[Any]] = []
    for p in phones:
        systems = by_payer.get(p.payer_id) or {"": []}
        for system in sorted(systems, key=_sys_order):
            insts = sorted(systems[system], key=lambda i: i.receivable_key)
            rows.append(
                [
                    system,
                    _join([i.resident_no for i in insts]),
                    ";".join(i.receivable_key for i in insts),
                    format_phone(p.number),
                    p.get_kind_display(),
                    p.get_origin_display(),
                    p.first_seen,
                ]
            )
    return rows


# --- rendering ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y/%m/%d %H:%M}"
    if isinstance(value, date):
        return _ymd(value)
    return str(value)


def to_cp932(text: str) -> tuple[bytes, int]:
    """CP932 bytes and how many characters had to become 〓."""
    text = text.translate(CP932_TWINS)
    try:
        return text.encode("cp932"), 0
    except UnicodeEncodeError:
        pass
    out = bytearray()
    replaced = 0
    geta = GETA.encode("cp932")
    for ch in text:
        try:
            out += ch.encode("cp932")
        except UnicodeEncodeError:
            out += geta
            replaced += 1
    return bytes(out), replaced


def csv_bytes(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[bytes, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for row in rows:
        w.writerow([_text(v).replace("\r\n", "\n").replace("\n", "\r\n") for v in row])
    return to_cp932(buf.getvalue())


def xlsx_bytes(sheet: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """The same columns as the CSV on one sheet, header in row 1, for the city's systems."""
    book = Book()
    # long values wrap inside narrow columns, so the sheet also prints at a readable size
    wrapped = ("債権番号", "交渉記事", "納付約束日", "納付約束額", "発送先住所", "取次先課", "結果")
    wrap = [columns.index(c) for c in wrapped if c in columns]
    sh = book.sheet(sheet, wrap=wrap, max_width=14, valign="top")
    for name, width in (("交渉記事", 34), ("発送先住所", 20)):
        if name in columns:
            sh.set_width(columns.index(name), width)
    sh.title_text = sheet
    sh.header(columns)
    sh.rows(rows)
    sh.ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    sh.finish()
    return book.close()


def build_files(day: date, keys: Sequence[str] | None = None) -> list[ExportFile]:
    """The day's files (all four unless `keys` names some), built in memory."""
    names = file_names(day)
    keys = list(keys or names)
    out: list[ExportFile] = []
    results = result_rows(day) if any(k.startswith("results") for k in keys) else []
    phones = phone_rows(day) if any(k.startswith("phones") for k in keys) else []
    for key in keys:
        rows, columns = (
            (results, RESULT_COLUMNS) if key.startswith("results") else (phones, PHONE_COLUMNS)
        )
        if key.endswith("csv"):
            data, replaced = csv_bytes(columns, rows)
        else:
            data, replaced = xlsx_bytes(FILE_KINDS[key], columns, rows), 0
        out.append(ExportFile(key, FILE_KINDS[key], names[key], data, len(rows), replaced))
    return out
