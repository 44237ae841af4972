"""Extraction of a call list (属性分析): conditions as data, their words, the query.

`Conditions` is what a manager chose, stored as JSON on the list version beside its
Japanese description, so the extraction stays reproducible and readable as know-how
(第1章17). `extract()` turns conditions into ranked rows (payer, owed, late charge,
installments); `preview()` gives the count and totals without saving anything.

The amount a list ranks by is what the payer owes on the installments that match the
installment conditions (subjects, fiscal years, overdue), not all they owe: a list of
city-tax payers ranks by city tax.
"""

from __future__ import annotations

import io
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from nofu.calllists.models import ListOrder
from nofu.calls.models import ContactEvent, ContactKind, Language, PaymentPromise, PromiseStatus
from nofu.lib.address import CHIBA_WARDS
from nofu.lib.subjects import SUBJECTS
from nofu.payers.models import Installment, Payer, PayerKind, Phone, PhoneStatus

SCHEMA = 1
OUTSIDE_CITY = "市外・不明"
WARDS = (*CHIBA_WARDS, OUTSIDE_CITY)
JAPAN = ("日本", "")


@dataclass
class Conditions:
    """A manager's extraction conditions. Every field has a neutral default (no filter)."""

    subjects: list[str] = field(default_factory=list)
    fiscal_year_from: int | None = None
    fiscal_year_to: int | None = None
    overdue_only: bool = True  # only installments past their due date
    owed_min: int | None = None
    owed_max: int | None = None
    installments_min: int | None = None
    wards: list[str] = field(default_factory=list)
    kind: str = "any"  # any | person | corporation
    nationality: str = "any"  # any | japan | foreign | listed
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # language of an earlier contact
    phone: str = "valid"  # valid | any
    account_transfer: str = "any"  # any | yes | no
    last_contact: str = "any"  # any | never | not_within | within
    last_contact_days: int = 30
    broken_promise: str = "any"  # any | yes | no
    broken_promise_days: int | None = None  # broken within this many days
    attempts_max: int | None = None  # outbound calls in the last attempts_days, at most
    attempts_min: int | None = None
    attempts_days: int = 30
    order: str = ListOrder.TOTAL_OWED
    limit: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conditions:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    # --- words -------------------------------------------------------------------------

    def describe(self) -> list[str]:
        """The conditions in Japanese, one line each, as the version page and know-how show."""
        out: list[str] = []
        if self.subjects:
            names = "、".join(SUBJECTS[c].short if c in SUBJECTS else c for c in self.subjects)
            out.append(f"科目：{names}")
        else:
            out.append("科目：すべて")
        if self.fiscal_year_from or self.fiscal_year_to:
            a = f"{self.fiscal_year_from}年度" if self.fiscal_year_from else ""
            b = f"{self.fiscal_year_to}年度" if self.fiscal_year_to else ""
            out.append(f"年度：{a}〜{b}")
        out.append("期別：納期限を過ぎた未納のみ" if self.overdue_only else "期別：未納すべて")
        if self.owed_min is not None or self.owed_max is not None:
            a = f"{self.owed_min:,}円" if self.owed_min is not None else ""
            b = f"{self.owed_max:,}円" if self.owed_max is not None else ""
            out.append(f"対象未納額：{a}〜{b}")
        if self.installments_min:
            out.append(f"未納期別数：{self.installments_min}期以上")
        if self.wards:
            out.append(f"区：{'、'.join(self.wards)}")
        if self.kind != "any":
            out.append(f"区分：{PayerKind(self.kind).label}")
        if self.nationality == "japan":
            out.append("国籍：日本")
        elif self.nationality == "foreign":
            out.append("国籍：外国籍")
        elif self.nationality == "listed" and self.nationalities:
            out.append(f"国籍：{'、'.join(self.nationalities)}")
        if self.languages:
            labels = "、".join(Language(x).label for x in self.languages if x in Language.values)
            out.append(f"過去の対応言語：{labels}")
        out.append("電話番号：有効な番号あり" if self.phone == "valid" else "電話番号：問わない")
        if self.account_transfer == "yes":
            out.append("口座振替：あり")
        elif self.account_transfer == "no":
            out.append("口座振替：なし")
        if self.last_contact == "never":
            out.append("最終接触：接触歴なし")
        elif self.last_contact == "not_within":
            out.append(f"最終接触：{self.last_contact_days}日以上接触なし")
        elif self.last_contact == "within":
            out.append(f"最終接触：{self.last_contact_days}日以内に接触あり")
        if self.broken_promise == "yes":
            days = f"（{self.broken_promise_days}日以内）" if self.broken_promise_days else ""
            out.append(f"納付約束：不履行あり{days}")
        elif self.broken_promise == "no":
            out.append("納付約束：不履行なし")
        if self.attempts_min is not None or self.attempts_max is not None:
            a = f"{self.attempts_min}回" if self.attempts_min is not None else ""
            b = f"{self.attempts_max}回" if self.attempts_max is not None else ""
            out.append(f"直近{self.attempts_days}日の架電回数：{a}〜{b}")
        out.append(f"並び順：{ListOrder(self.order).label}")
        if self.limit:
            out.append(f"件数上限：{self.limit:,}件")
        return out


# --- the query ------------------------------------------------------------------------------


def _installment_filters(c: Conditions, *, as_of: date) -> QuerySet:
    qs = Installment.objects.filter(unpaid__gt=0)
    if c.overdue_only:
        qs = qs.filter(due_date__lt=as_of)
    if c.subjects:
        qs = qs.filter(subject_code__in=c.subjects)
    if c.fiscal_year_from:
        qs = qs.filter(fiscal_year__gte=c.fiscal_year_from)
    if c.fiscal_year_to:
        qs = qs.filter(fiscal_year__lte=c.fiscal_year_to)
    return qs


def installments_matching(c: Conditions, *, as_of: date, now: datetime) -> QuerySet:
    """Installments that match installment conditions and whose payer matches payer conditions."""
    qs = _installment_filters(c, as_of=as_of)
    if c.phone == "valid":
        qs = qs.filter(Exists(_valid_phones(OuterRef("payer_id"))))
    payers = payers_matching(c, now=now, phone=False)
    if payers is not None:
        qs = qs.filter(payer_id__in=payers.values("pk"))
    return qs


def _valid_phones(payer: Any) -> QuerySet:
    return Phone.objects.filter(payer_id=payer).exclude(status=PhoneStatus.INVALID)


def payers_matching(c: Conditions, *, now: datetime, phone: bool = True) -> QuerySet | None:
    """Payers matching the payer conditions; None when there are none (every payer matches)."""
    qs = Payer.objects.all()
    if c.wards:
        wards = [w for w in c.wards if w in CHIBA_WARDS]
        q = Q()
        for w in wards:
            q |= Q(address_key__startswith=w) | Q(address__contains=f"千葉市{w}")
        if OUTSIDE_CITY in c.wards:
            inside = Q()
            for w in CHIBA_WARDS:
                inside |= Q(address_key__startswith=w) | Q(address__contains=f"千葉市{w}")
            q |= ~inside
        qs = qs.filter(q)
    if c.kind in PayerKind.values:
        qs = qs.filter(kind=c.kind)
    if c.nationality == "japan":
        qs = qs.filter(nationality__in=JAPAN)
    elif c.nationality == "foreign":
        qs = qs.exclude(nationality__in=JAPAN)
    elif c.nationality == "listed" and c.nationalities:
        qs = qs.filter(nationality__in=c.nationalities)
    if c.languages:
        qs = qs.filter(
            Exists(ContactEvent.objects.filter(payer_id=OuterRef("pk"), language__in=c.languages))
        )
    if phone and c.phone == "valid":
        qs = qs.filter(Exists(_valid_phones(OuterRef("pk"))))
    if c.account_transfer in ("yes", "no"):
        qs = qs.filter(account_transfer=c.account_transfer == "yes")
    contacts = ContactEvent.objects.filter(payer_id=OuterRef("pk"))
    if c.last_contact == "never":
        qs = qs.exclude(Exists(contacts))
    elif c.last_contact in ("not_within", "within"):
        recent = Exists(contacts.filter(at__gte=now - timedelta(days=c.last_contact_days)))
        qs = qs.filter(recent) if c.last_contact == "within" else qs.exclude(recent)
    if c.broken_promise in ("yes", "no"):
        broken = PaymentPromise.objects.filter(payer_id=OuterRef("pk"), status=PromiseStatus.BROKEN)
        if c.broken_promise == "yes" and c.broken_promise_days:
            since = (now - timedelta(days=c.broken_promise_days)).date()
            broken = broken.filter(Q(settled_on__gte=since) | Q(settled_on__isnull=True))
        qs = qs.filter(Exists(broken)) if c.broken_promise == "yes" else qs.exclude(Exists(broken))
    if c.attempts_min is not None or c.attempts_max is not None:
        since = now - timedelta(days=c.attempts_days)
        calls = (
            ContactEvent.objects.filter(kind=ContactKind.OUTBOUND, at__gte=since)
            .values("payer_id")
            .annotate(n=Count("id"))
        )
        if c.attempts_min:
            qs = qs.filter(pk__in=calls.filter(n__gte=c.attempts_min).values("payer_id"))
        if c.attempts_max is not None:
            qs = qs.exclude(pk__in=calls.filter(n__gt=c.attempts_max).values("payer_id"))
    return qs if qs.query.where else None


def grouped(c: Conditions, *, as_of: date) -> QuerySet:
    """One row per payer: owed on the matching installments and how many of them (before
    payer conditions, which `_ranked_sql` applies to the grouped rows: cheaper than joining
    every installment to its payer)."""
    qs = (
        _installment_filters(c, as_of=as_of)
        .order_by()
        .values("payer_id")
        .annotate(owed=Sum("unpaid"), n=Count("id"))
    )
    if c.owed_min is not None:
        qs = qs.filter(owed__gte=c.owed_min)
    if c.owed_max is not None:
        qs = qs.filter(owed__lte=c.owed_max)
    if c.installments_min:
        qs = qs.filter(n__gte=c.installments_min)
    return qs


# --- ranked rows ----------------------------------------------------------------------------


@dataclass
class Extraction:
    rows: pl.DataFrame  # payer_id, owed, late_charge, n — in rank order
    count: int
    total_owed: int
    total_late_charge: int | None
    seconds: float


def _fetch(qs: QuerySet, columns: list[str]) -> pl.DataFrame:
    sql, params = qs.query.sql_with_params()
    return _fetch_sql(sql, list(params), columns)


def _fetch_sql(sql: str, params: list[Any], columns: list[str]) -> pl.DataFrame:
    """Rows without model overhead: COPY … TO STDOUT as CSV on PostgreSQL (read by Polars),
    the raw cursor on SQLite."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            buf = io.BytesIO()
            with cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for chunk in copy:
                    buf.write(chunk)
            if not buf.tell():
                return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
            buf.seek(0)
            return pl.read_csv(
                buf,
                has_header=False,
                new_columns=columns,
                infer_schema=False,  # everything as text; callers cast
            )
        cur.execute(sql, params)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=columns, orient="row")


def work_mem() -> None:
    """Enough memory for one extraction's hash and sort (PostgreSQL; this transaction only)."""
    if connection.vendor == "postgresql" and not connection.get_autocommit():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '64MB'")


def extract(c: Conditions, *, as_of: date, now: datetime) -> Extraction:
    t0 = time.perf_counter()
    if c.order == ListOrder.TOTAL_OWED:
        sql, params = _ranked_sql(c, as_of=as_of, now=now)
        df = _fetch_sql(sql, params, ["payer_id", "owed", "n", "rank"]).with_columns(
            pl.col("payer_id").cast(pl.Int64),
            pl.col("owed").cast(pl.Int64),
            pl.col("n").cast(pl.Int64),
            pl.lit(0, dtype=pl.Int64).alias("late_charge"),
        )
        df = df.sort(["owed", "payer_id"], descending=[True, False])
        late_total = None
    else:
        df = _with_late_charges(c, as_of=as_of, now=now)
        key = "late_charge" if c.order == ListOrder.LATE_CHARGE else "with_late"
        df = df.with_columns((pl.col("owed") + pl.col("late_charge")).alias("with_late"))
        df = df.sort([key, "owed", "payer_id"], descending=[True, True, False]).drop("with_late")
        late_total = None
    if c.limit:
        df = df.head(c.limit)
    if c.order != ListOrder.TOTAL_OWED:
        late_total = int(df["late_charge"].sum()) if df.height else 0
    return Extraction(
        rows=df.select("payer_id", "owed", "late_charge", "n"),
        count=df.height,
        total_owed=int(df["owed"].sum()) if df.height else 0,
        total_late_charge=late_total,
        seconds=time.perf_counter() - t0,
    )


def _as_date(name: str) -> pl.Expr:
    """Text (PostgreSQL's COPY) or dates (SQLite) to dates."""
    return pl.col(name).cast(pl.String).str.to_date("%Y-%m-%d", strict=False).alias(name)


def _with_late_charges(c: Conditions, *, as_of: date, now: datetime) -> pl.DataFrame:
    """Per payer: owed and the current late charge of the matching installments (in bulk)."""
    from nofu.charges.services import late_charges

    qs = installments_matching(c, as_of=as_of, now=now).values_list(
        "payer_id", "unpaid", "due_date", "subject_code", "demand_notice_date"
    )
    inst = _fetch(qs, ["payer_id", "unpaid", "due", "subject", "notice"])
    if inst.height == 0:
        return pl.DataFrame(
            schema={"payer_id": pl.Int64, "owed": pl.Int64, "n": pl.Int64, "late_charge": pl.Int64}
        )
    inst = inst.with_columns(
        pl.col("payer_id").cast(pl.Int64),
        pl.col("unpaid").cast(pl.Int64),
        _as_date("due"),
        _as_date("notice"),
    )
    charge = late_charges(
        inst["unpaid"].to_numpy(),
        inst["due"].to_numpy().astype("datetime64[D]"),
        np.asarray(inst["subject"].to_list()),
        as_of,
        demand_notice_sent=inst["notice"].to_numpy().astype("datetime64[D]"),
    )
    inst = inst.with_columns(pl.Series("late_charge", charge, dtype=pl.Int64))
    df = inst.group_by("payer_id").agg(
        pl.col("unpaid").sum().alias("owed"),
        pl.len().cast(pl.Int64).alias("n"),
        pl.col("late_charge").sum().alias("late_charge"),
    )
    if c.owed_min is not None:
        df = df.filter(pl.col("owed") >= c.owed_min)
    if c.owed_max is not None:
        df = df.filter(pl.col("owed") <= c.owed_max)
    if c.installments_min:
        df = df.filter(pl.col("n") >= c.installments_min)
    return df


@dataclass
class Preview:
    count: int
    total_owed: int
    total_late_charge: int | None
    top: list[dict[str, Any]]
    seconds: float


def _ranked_sql(c: Conditions, *, as_of: date, now: datetime) -> tuple[str, list[Any]]:
    """The default order (total owed, highest first) as SQL: payer_id, owed, n, "rank"."""
    inner, params = (
        grouped(c, as_of=as_of).values_list("payer_id", "owed", "n").query.sql_with_params()
    )
    params = list(params)
    where: list[str] = []
    if c.phone == "valid":
        phones = Phone._meta.db_table
        where.append(
            f"EXISTS (SELECT 1 FROM {phones} ph WHERE ph.payer_id = g.payer_id AND ph.status <> %s)"
        )
        params.append(PhoneStatus.INVALID.value)
    payers = payers_matching(c, now=now, phone=False)
    if payers is not None:
        psql, pparams = payers.values("pk").query.sql_with_params()
        where.append(f"g.payer_id IN ({psql})")
        params.extend(pparams)
    sql = f"SELECT g.payer_id, g.owed, g.n FROM ({inner}) g"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if c.limit:
        sql += " ORDER BY g.owed DESC, g.payer_id LIMIT %s"
        params.append(c.limit)
    return (
        "SELECT r.payer_id, r.owed, r.n, "
        'ROW_NUMBER() OVER (ORDER BY r.owed DESC, r.payer_id) AS "rank" '
        f"FROM ({sql}) r",
        params,
    )


def snapshot(
    version_id: int, c: Conditions, *, as_of: date, now: datetime
) -> tuple[int, int, int | None, float]:
    """Writes the members of a version; returns (count, total owed, total late charge, seconds).

    The default order never leaves the database (INSERT … SELECT with ROW_NUMBER); orders by
    late charge are computed in bulk in Python and written with COPY / executemany.
    """
    from nofu.calllists.models import ListMember
    from nofu.intake.bulk import bulk_insert

    t0 = time.perf_counter()
    work_mem()
    table = ListMember._meta.db_table
    if c.order == ListOrder.TOTAL_OWED:
        select, params = _ranked_sql(c, as_of=as_of, now=now)
        with connection.cursor() as cur:
            cur.execute(
                f'INSERT INTO {table} (version_id, payer_id, "rank", owed, late_charge, '
                "installments, status, attempts, note) "
                f"SELECT %s, r.payer_id, r.\"rank\", r.owed, 0, r.n, 'pending', 0, '' "
                f"FROM ({select}) r",
                [version_id, *params],
            )
            cur.execute(
                f"SELECT COUNT(*), COALESCE(SUM(owed), 0) FROM {table} WHERE version_id = %s",
                [version_id],
            )
            count, total = cur.fetchone()
        return int(count), int(total), None, time.perf_counter() - t0
    ex = extract(c, as_of=as_of, now=now)
    bulk_insert(
        table,
        [
            "version_id",
            "payer_id",
            "rank",
            "owed",
            "late_charge",
            "installments",
            "status",
            "attempts",
            "note",
        ],
        (
            (version_id, pid, rank, owed, late, n, "pending", 0, "")
            for rank, (pid, owed, late, n) in enumerate(ex.rows.iter_rows(), start=1)
        ),
    )
    return ex.count, ex.total_owed, ex.total_late_charge, time.perf_counter() - t0


@transaction.atomic
def preview(c: Conditions, *, as_of: date, now: datetime, top: int = 20) -> Preview:
    """Count, totals and the first rows; saves nothing."""
    t0 = time.perf_counter()
    work_mem()
    if c.order == ListOrder.TOTAL_OWED:
        select, params = _ranked_sql(c, as_of=as_of, now=now)
        with connection.cursor() as cur:
            cur.execute(f"SELECT COUNT(*), COALESCE(SUM(owed), 0) FROM ({select}) r", params)
            count, total = cur.fetchone()
            cur.execute(
                f'SELECT payer_id, owed, 0, n FROM ({select}) r ORDER BY r."rank" LIMIT %s',
                [*params, top],
            )
            head = cur.fetchall()
        late_total = None
        count, total = int(count), int(total)
    else:
        ex = extract(c, as_of=as_of, now=now)
        head = list(ex.rows.head(top).iter_rows())
        count, total, late_total = ex.count, ex.total_owed, ex.total_late_charge
    payers = Payer.objects.in_bulk([r[0] for r in head])
    rows = [
        {"rank": i + 1, "payer": payers.get(pid), "owed": owed, "late_charge": late, "n": n}
        for i, (pid, owed, late, n) in enumerate(head)
    ]
    return Preview(count, total, late_total, rows, time.perf_counter() - t0)
