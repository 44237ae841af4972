"""Importing the city's files: 架電対象者データ and 収納データ.

`file_import` is the one entry point (the CLI and the upload page both call it). A file
is imported atomically: either all of its valid rows are in, with every rejected row
reported (row number, column, reason), or, when the file itself is unusable, nothing
is. Re-importing the same or an updated file updates rows by (抽出元, 債権番号) and never
duplicates. Every file read is entered in the データ授受管理簿, whatever the outcome.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from nofu.audit.actions import audit_record, exchange_record, sha256_of
from nofu.audit.models import Direction
from nofu.intake import fields as F
from nofu.intake.bulk import (
    Copy,
    Step,
    Writer,
    analyze,
    bulk_insert,
    drop,
    frame_insert,
    stage,
    staged,
    temp_ids,
)
from nofu.intake.models import BatchStatus, FileKind, ImportBatch
from nofu.lib import address as addr
from nofu.lib import japanese, phones, wareki
from nofu.lib.phones import phone_kind
from nofu.lib.readers import ROW_NO, FileError, Table, TableReader, open_table
from nofu.lib.subjects import SOURCE_SYSTEMS, subject_name
from nofu.payers.assign import FileSession, PayerAssigner, default_assigner, file_session

MAX_ROW_ERRORS_KEPT = 100_000
CHUNK_ROWS = 100_000  # rows normalized and written at a time, inside the file's one transaction
# rows without a birth date matched at a time (see `_matching_parts`)
NO_BIRTH_DATE_ROWS = 15_000


@dataclass
class Problem:
    row_no: int
    column: str
    value: str
    message: str
    severity: str  # "error" rejects the row, "warning" does not


# ---------------------------------------------------------------- parsing


def _py_dtype(values: list[Any]) -> pl.DataType | None:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return pl.Boolean()
    if isinstance(sample, int):
        return pl.Int64()
    if sample is not None and type(sample).__name__ == "date":
        return pl.Date()
    return pl.String()


def parse_columns(table: Table, columns: Sequence[F.Column]) -> tuple[pl.DataFrame, list[Problem]]:
    """Runs each column's parser once per distinct value and maps the results back."""
    df = table.df
    out: list[pl.Series] = [df[ROW_NO]]
    problems: list[Problem] = []
    for col in columns:
        if col.header not in table.columns:
            out.append(pl.Series(col.field, [col.parse("")] * df.height))
            continue
        series = df[col.header]
        values: dict[str, Any] = {}
        for raw in series.unique().to_list():
            try:
                values[raw] = col.parse(raw)
            except F.CellError as exc:
                values[raw] = None
                problems.extend(_problems(df, col.header, raw, str(exc), "error"))
            except F.CellWarning as exc:
                values[raw] = col.parse("")  # the blank value; the original stays in `raw`
                problems.extend(_problems(df, col.header, raw, str(exc), "warning"))
        keys = list(values)
        vals = list(values.values())
        mapped = series.replace_strict(keys, vals, return_dtype=_py_dtype(vals)).alias(col.field)
        out.append(mapped)
    return pl.DataFrame(out), problems


def _problems(
    df: pl.DataFrame, header: str, raw: str, message: str, severity: str
) -> list[Problem]:
    rows = df.filter(pl.col(header) == raw)[ROW_NO].to_list()
    shown = raw if len(raw) <= 100 else raw[:100] + "…"
    return [Problem(n, header, shown, message, severity) for n in rows]


def _missing_required(table: Table | TableReader, columns: Sequence[F.Column]) -> None:
    missing = [c.header for c in columns if c.required and c.header not in table.columns]
    if missing:
        raise FileError(f"必須の列がありません: {'、'.join(missing)}")


def _file_kind(table: Table | TableReader) -> str:
    if "収納日" in table.columns and "収納額" in table.columns:
        return FileKind.PAYMENTS
    return FileKind.CALL_TARGETS


# ---------------------------------------------------------------- entry point


def file_import(
    *,
    data: bytes | None = None,
    path: Path | None = None,
    file_name: str,
    actor: Any,
    request: Any = None,
    assigner: PayerAssigner | None = None,
) -> ImportBatch:
    """Imports one file given as bytes or, for large files, as a path (then the raw bytes
    are dropped once decoded, which keeps a million-row file well under 2 GB)."""
    started = time.monotonic()
    if data is not None:
        sha, size, source = sha256_of(data), len(data), data
        del data
    elif path is not None:
        sha, size, source = sha256_of(path), path.stat().st_size, path
    else:
        raise TypeError("file_import needs data or path")
    try:
        reader = open_table(source)
        del source
        kind = _file_kind(reader)
        columns = F.PAYMENT_COLUMNS if kind == FileKind.PAYMENTS else F.CALL_TARGET_COLUMNS
        _missing_required(reader, columns)
    except FileError as exc:
        return _record_rejected(size, file_name, sha, str(exc), actor, request, started)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name,
            kind=kind,
            encoding=reader.encoding,
            sha256=sha,
            size_bytes=size,
            status=BatchStatus.IMPORTED,
            rows_read=0,
            columns=reader.columns,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        problems: list[Problem] = []
        sources: set[str] = set()
        rows_read = 0
        if kind == FileKind.PAYMENTS:
            table = reader.read_all()
            rows_read = table.df.height
            parsed, found = parse_columns(table, columns)
            problems.extend(found)
            sources.update(parsed["source_system"].drop_nulls().to_list())
            counts = _import_payments(batch, parsed, problems)
            # promises are judged by payments: settle those now due, in this transaction
            from nofu.calls.actions import promise_settle_due

            promise_settle_due(today=timezone.localdate(), actor=actor)
        else:
            counts = (0, 0, 0)
            first_keys = FirstKeys(reader.columns)
            touched: set[int] = set()  # payers whose totals change
            writer = Writer()
            with file_session() as session, _waiting(writer):
                session.extras["stored_sources"] = _sources_stored()
                for chunk in reader.slices(CHUNK_ROWS):
                    rows_read += chunk.height
                    part = Table(
                        df=first_keys.drop_repeats(chunk, problems),
                        encoding=reader.encoding,
                        format=reader.format,
                        columns=reader.columns,
                    )
                    parsed, found = parse_columns(part, columns)
                    problems.extend(found)
                    sources.update(parsed["source_system"].drop_nulls().to_list())
                    for sub, sub_parsed in _matching_parts(part, parsed):
                        n = _import_call_targets(
                            batch, sub, sub_parsed, problems, assigner or default_assigner(),
                            touched, session, writer,
                        )  # fmt: skip
                        counts = (counts[0] + n[0], counts[1] + n[1], counts[2] + n[2])
                    release_caches()
                writer.wait()
                # payers new in this file are written now, with their totals; the others'
                # are summed once per file, not per slice: one grouped pass
                written = set(session.pending_ids) - session.refresh
                refresh = session.finish()
                payers_refresh_totals(sorted((touched - written) | refresh))
        problems.extend(Problem(n, "", "", msg, "error") for n, msg in reader.bad_rows)
        rejected_rows = {p.row_no for p in problems if p.severity == "error"}
        batch.rows_read = rows_read + len(reader.bad_rows)
        batch.rows_rejected = len(rejected_rows)
        batch.rows_inserted, batch.rows_updated, batch.rows_unchanged = counts
        batch.source_system = "・".join(sorted(sources))
        batch.status = BatchStatus.PARTIAL if rejected_rows else BatchStatus.IMPORTED
        batch.seconds = round(time.monotonic() - started, 3)
        batch.save()
        _save_problems(batch, problems)
        summary = (
            f"{file_name}: 読込{batch.rows_read}件、新規{batch.rows_inserted}件、"
            f"更新{batch.rows_updated}件、変更なし{batch.rows_unchanged}件、エラー{batch.rows_rejected}件"
        )
        audit_record(
            actor=actor,
            action="import",
            target_type="import_batch",
            target_id=batch.pk,
            summary=summary,
            detail={"sha256": sha, "kind": kind},
            request=request,
        )
        exchange_record(
            actor=actor,
            direction=Direction.IN,
            kind=FileKind(kind).label,
            file_name=file_name,
            source_system=batch.source_system,
            sha256=sha,
            size_bytes=size,
            rows_read=batch.rows_read,
            rows_imported=batch.rows_imported,
            rows_rejected=batch.rows_rejected,
            status=batch.get_status_display(),
        )
    return batch


@contextmanager
def _waiting(writer: Writer) -> Iterator[None]:
    """Never leaves the file's transaction with its writes still running."""
    try:
        yield
    except BaseException:
        with suppress(Exception):  # the error that stopped the import is the one to show
            writer.wait()
        raise


def _matching_parts(table: Table, parsed: pl.DataFrame) -> Iterator[tuple[Table, pl.DataFrame]]:
    """A slice in parts of at most about `NO_BIRTH_DATE_ROWS` rows without a birth date,
    each assigned payers and written before the next. The matching engine compares such
    a row with every namesake in the city, so what it holds grows with their number: a
    million-row city's 30,000 school-lunch rows (nearly none with a birth date) took it
    1.0 GB above the state it keeps, in two parts 0.35 GB less, for 1.3 s more."""
    no_birth = parsed["birth_date"].null_count()
    parts = -(-no_birth // NO_BIRTH_DATE_ROWS)
    if parts <= 1:
        yield table, parsed
        return
    size = -(-parsed.height // parts)
    for offset in range(0, parsed.height, size):  # parsed is row for row the table's
        df = table.df.slice(offset, size)
        yield (
            Table(df=df, encoding=table.encoding, format=table.format, columns=table.columns),
            parsed.slice(offset, size),
        )


def release_caches() -> None:
    """Empties the normalizers' caches (names, kana, addresses, phones, dates). Each keeps
    up to 262,144 distinct values and there are a dozen: over a million-row file they would
    hold some 700 MB. A slice already normalizes each distinct value once, so what a
    later slice loses is little."""
    for module in (japanese, addr, phones, wareki):
        for obj in vars(module).values():
            info = getattr(obj, "cache_info", None)
            if callable(info) and (info().maxsize or 0) > 1:
                obj.cache_clear()
    _return_freed_memory()


def _return_freed_memory() -> None:
    """Gives the C allocator's free pages back to the system (glibc keeps them: some
    100 MB after a slice of 100,000 rows, which the matching engine's peak then
    stacks on). Elsewhere than glibc, nothing."""
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        return None
    return libc


_libc = _load_libc()


def _record_rejected(
    size: int, file_name: str, sha: str, message: str, actor: Any, request: Any, started: float
) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name,
            sha256=sha,
            size_bytes=size,
            status=BatchStatus.REJECTED,
            file_error=message,
            actor=actor if getattr(actor, "pk", None) else None,
            seconds=round(time.monotonic() - started, 3),
        )
        audit_record(
            actor=actor,
            action="import.rejected",
            target_type="import_batch",
            target_id=batch.pk,
            summary=f"{file_name}: {message}",
            request=request,
        )
        exchange_record(
            actor=actor,
            direction=Direction.IN,
            kind="取込不可",
            file_name=file_name,
            sha256=sha,
            size_bytes=size,
            status="取込不可",
            note=message,
        )
    return batch


def _save_problems(batch: ImportBatch, problems: list[Problem]) -> None:
    problems.sort(key=lambda p: (p.row_no, p.severity != "error"))
    bulk_insert(
        "intake_rowerror",
        ["batch_id", "row_no", "column", "value", "message", "severity"],
        (
            (batch.pk, p.row_no, p.column, p.value[:200], p.message[:300], p.severity)
            for p in problems[:MAX_ROW_ERRORS_KEPT]
        ),
    )


def _rejected(parsed: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    bad = [p.row_no for p in problems if p.severity == "error"]
    return parsed.filter(~pl.col(ROW_NO).is_in(bad)) if bad else parsed


# what str.strip() removes (Polars' own whitespace leaves out \x1c-\x1f)
_PY_SPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def _as_parsed(values: pl.Series) -> pl.Series:
    """The text as the key columns' parsers leave it (NFKC, stripped as Python strips),
    so that two keys one row apart are one key here exactly when they are one key stored.
    NFKC leaves ASCII as it is; the rest is normalized by Python, as the parsers do."""
    ascii_only = values.str.len_bytes() == values.str.len_chars()
    others = values.filter(~ascii_only).unique().to_list()
    out = values.str.strip_chars(_PY_SPACE)
    if others:
        parsed = dict(zip(others, [F.nfkc(v) for v in others], strict=True))
        out = pl.select(pl.when(ascii_only).then(out).otherwise(values.replace(parsed))).to_series()
    return out


class FirstKeys:
    """The keys (抽出元, 債権番号) read so far and the row each first appeared on: a key
    twice in one file keeps its first row, wherever the slices of the file fall."""

    def __init__(self, columns: list[str]) -> None:
        self.active = "抽出元" in columns and "債権番号" in columns
        self.first = pl.DataFrame(schema={"__s": pl.String, "__k": pl.String, "__first": pl.Int64})

    def drop_repeats(self, df: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
        """The rows of `df` whose key is new; the others are reported."""
        if not self.active:
            return df
        keyed = df.select(
            ROW_NO,
            _as_parsed(df["抽出元"]).alias("__s"),
            _as_parsed(df["債権番号"]).alias("__k"),
            pl.col("債権番号").alias("__raw"),
        )
        here = keyed.group_by("__s", "__k").agg(pl.col(ROW_NO).min().alias("__first"))
        new = here.join(self.first, on=["__s", "__k"], how="anti")
        self.first = pl.concat([self.first, new], rechunk=False)
        # the earliest row of each key: in an earlier slice, or in this one
        first = here.select("__s", "__k").join(self.first, on=["__s", "__k"], how="left")
        dup = keyed.join(first, on=["__s", "__k"]).filter(pl.col(ROW_NO) != pl.col("__first"))
        if dup.height == 0:
            return df
        for row_no, value, first_no in dup.select(ROW_NO, "__raw", "__first").iter_rows():
            problems.append(
                Problem(
                    row_no,
                    "債権番号",
                    value,
                    f"同じ債権番号が{first_no}行目にもあります（最初の行だけを取り込みます）。",
                    "error",
                )
            )
        return df.filter(~pl.col(ROW_NO).is_in(dup[ROW_NO].implode()))


# ---------------------------------------------------------------- call targets


INSTALLMENT_COLUMNS = [
    "source_system",
    "receivable_key",
    "payer_id",
    "resident_no",
    "subject_code",
    "subject_name",
    "fiscal_year",
    "installment",
    "due_date",
    "assessed",
    "unpaid",
    "late_charge_at_extraction",
    "demand_notice_date",
    "account_transfer",
    "note",
    "child_name",
    "school_name",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "nationality",
    "corporation",
    "postal_code",
    "address",
    "building",
    "phone1",
    "phone2",
    "raw",
    "row_hash",
    "batch_id",
    "row_no",
    "handed_over_on",
    "unpaid_at_handover",
    "updated_at",
]
UPDATED_COLUMNS = [
    c
    for c in INSTALLMENT_COLUMNS
    if c
    not in ("source_system", "receivable_key", "payer_id", "handed_over_on", "unpaid_at_handover")
]


def _derive_identity(table: Table, parsed: pl.DataFrame) -> pl.DataFrame:
    """Search and matching keys, address split, corporation flag: once per distinct value."""
    names = parsed["name"].unique().to_list()
    name_keys = {n: japanese.name_key(n) for n in names}
    corp_by_name = {n: japanese.is_corporation_name(n) for n in names}
    kanas = parsed["name_kana"].unique().to_list()
    kana_keys = {k: japanese.kana_name_key(k) for k in kanas}
    triples = parsed.select("address", "building", "postal_code").unique()
    addr_rows = []
    for a, b, p in triples.iter_rows():
        n = addr.normalize_address(a, b, p)
        addr_rows.append((a, b, p, n.street, n.building, n.key, n.postal_code or p or ""))
    addr_df = pl.DataFrame(
        addr_rows,
        orient="row",
        schema={
            "address": pl.String,
            "building": pl.String,
            "postal_code": pl.String,
            "address_street": pl.String,
            "building_n": pl.String,
            "address_key": pl.String,
            "postal_n": pl.String,
        },
    )
    out = parsed.with_columns(
        pl.col("name").replace_strict(name_keys, return_dtype=pl.String).alias("name_key"),
        pl.col("name_kana").replace_strict(kana_keys, return_dtype=pl.String).alias("kana_key"),
        pl.coalesce(
            pl.col("corporation"),
            pl.col("name").replace_strict(corp_by_name, return_dtype=pl.Boolean),
        ).alias("corporation"),
    ).join(addr_df, on=["address", "building", "postal_code"], how="left", maintain_order="left")
    hashes = _raw(table).select(
        ROW_NO, pl.col("raw").hash(seed=20251).reinterpret(signed=True).alias("row_hash")
    )
    out = out.join(hashes, on=ROW_NO, how="left", maintain_order="left")
    return out.with_columns(
        pl.col("building_n").alias("building"),
        pl.col("postal_n").alias("postal_code"),
        pl.col("subject_code")
        .map_elements(subject_name, return_dtype=pl.String)
        .alias("subject_label"),
    )


def _raw(table: Table) -> pl.DataFrame:
    """Each row exactly as it arrived, as JSON (every column, unknown ones too)."""
    return table.df.select(
        ROW_NO,
        pl.struct([pl.col(c) for c in table.columns]).struct.json_encode().alias("raw"),
    )


def with_raw(table: Table, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with their raw JSON: made again only for the rows written, after the
    matching engine has run, so that the largest column is not held while it runs."""
    return rows.join(_raw(table), on=ROW_NO, how="left", maintain_order="left")


def _sources_stored() -> set[str]:
    """The source systems of which installments are stored (a file's own rows can
    never be found again by its later slices: a key repeated in a file is refused)."""
    found = set()
    with connection.cursor() as cur:
        for source in SOURCE_SYSTEMS:
            cur.execute(
                "SELECT EXISTS (SELECT 1 FROM payers_installment WHERE source_system = %s)",
                [source],
            )
            if cur.fetchone()[0]:
                found.add(source)
    return found


def _existing_installments(rows: pl.DataFrame, stored: set[str] | None = None) -> pl.DataFrame:
    """The stored installments with the keys of `rows`: one statement joining a temporary
    table of those keys, so a slice never reads every stored row of its source system;
    none at all when no row of their source systems was stored before the file."""
    schema = {
        "source_system": pl.String,
        "receivable_key": pl.String,
        "__id": pl.Int64,
        "__payer": pl.Int64,
        "__hash": pl.Int64,
    }
    if stored is not None and stored.isdisjoint(rows["source_system"].unique().to_list()):
        return pl.DataFrame(schema=schema)
    keys = rows.select("source_system", "receivable_key").unique()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_import_keys")
        cur.execute(
            "CREATE TEMPORARY TABLE tmp_import_keys "
            "(source_system varchar(20), receivable_key varchar(50))"
        )
    frame_insert("tmp_import_keys", keys)
    analyze("tmp_import_keys")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.source_system, i.receivable_key, i.id, i.payer_id, i.row_hash "
            "FROM tmp_import_keys k JOIN payers_installment i "
            "ON i.source_system = k.source_system AND i.receivable_key = k.receivable_key"
        )
        found = cur.fetchall()
    drop("tmp_import_keys")
    return pl.DataFrame(found, schema=schema, orient="row")


def _import_call_targets(
    batch: ImportBatch,
    table: Table,
    parsed: pl.DataFrame,
    problems: list[Problem],
    assigner: PayerAssigner,
    touched_payers: set[int],
    session: FileSession | None,
    writer: Writer,
) -> tuple[int, int, int]:
    over = parsed.filter(pl.col("unpaid") > pl.col("assessed"))
    for row_no, unpaid, assessed in over.select(ROW_NO, "unpaid", "assessed").iter_rows():
        problems.append(
            Problem(
                row_no,
                "未納額",
                str(unpaid),
                f"未納額（{unpaid:,}円）が調定額（{assessed:,}円）を超えています。",
                "error",
            )
        )
    rows = _rejected(parsed, problems)
    if rows.height == 0:
        return 0, 0, 0
    rows = _derive_identity(table, rows)
    writer.wait()  # the previous slice's writes: read nothing before they are in
    now = timezone.now()
    today = timezone.localdate()
    existing = _existing_installments(
        rows, session.extras.get("stored_sources") if session is not None else None
    )
    rows = rows.join(
        existing, on=["source_system", "receivable_key"], how="left", maintain_order="left"
    )
    if existing.height:
        new = rows.filter(pl.col("__id").is_null())
        changed = rows.filter(
            pl.col("__id").is_not_null() & (pl.col("__hash") != pl.col("row_hash"))
        )
    else:  # nothing stored yet: no copy of the slice
        new, changed = rows, rows.clear()
    unchanged = rows.height - new.height - changed.height
    del rows, existing  # the matching engine needs the memory more

    if new.height:
        payer_ids = assigner.assign(new, now=now)
        new = new.with_columns(payer_ids.alias("payer_id"))
        if changed.height:  # the assigner may have merged the payer a re-sent row belongs to
            changed = changed.with_columns(_payers_now(changed["__id"]).alias("__payer"))
    else:
        new = new.with_columns(pl.lit(None, pl.Int64).alias("payer_id"))
    changed = changed.with_columns(pl.col("__payer").alias("payer_id"))
    if changed.height:
        frame = installment_frame(with_raw(table, changed), batch.pk, now, today, fresh=False)
        stage("tmp_changed_installments", "payers_installment", frame)
        sets = ", ".join(f"{c} = s.{c}" for c in UPDATED_COLUMNS)
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE payers_installment SET {sets} FROM tmp_changed_installments s "
                "WHERE payers_installment.id = s.id"
            )
        drop("tmp_changed_installments")
    if session is not None:
        session.add_totals(new.select("payer_id", "unpaid", "account_transfer"))
        # an installment stored before, now of a payer not yet written: sum it in SQL
        session.refresh.update(set(changed["payer_id"].to_list()) & session.pending_ids)
    touched = pl.concat(
        [new.select("payer_id", *_CONTACT_FIELDS), changed.select("payer_id", *_CONTACT_FIELDS)]
    )
    steps: list[Step] = []
    if new.height:
        frame = installment_frame(with_raw(table, new), batch.pk, now, today, fresh=True)
        steps.append(Copy.of("payers_installment", frame))
        del frame
    steps += _phone_steps(touched, today) + _address_steps(touched, today)
    writer.submit(steps)  # written while the next slice is read
    touched_payers.update(touched["payer_id"].unique().to_list())
    return new.height, changed.height, unchanged


def _payers_now(installment_ids: pl.Series) -> pl.Series:
    """The payer each of these stored installments belongs to now, in the same order."""
    temp_ids("tmp_changed_ids", installment_ids.to_list())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.id, i.payer_id FROM tmp_changed_ids t "
            "JOIN payers_installment i ON i.id = t.id"
        )
        owner = dict(cur.fetchall())
    drop("tmp_changed_ids")
    return installment_ids.replace_strict(owner, return_dtype=pl.Int64)


_CONTACT_FIELDS = [
    "source_system",
    "phone1",
    "phone2",
    "postal_code",
    "address_street",
    "building",
    "address_key",
]


def installment_frame(
    df: pl.DataFrame, batch_id: int, now: Any, today: Any, *, fresh: bool
) -> pl.DataFrame:
    """The rows as the installments table stores them, columns named like its columns."""
    subject = pl.when(pl.col("subject_name") != "").then("subject_name").otherwise("subject_label")
    out = df.select(
        "source_system",
        "receivable_key",
        "payer_id",
        "resident_no",
        "subject_code",
        subject.alias("subject_name"),
        "fiscal_year",
        "installment",
        "due_date",
        "assessed",
        "unpaid",
        "late_charge_at_extraction",
        "demand_notice_date",
        "account_transfer",
        "note",
        "child_name",
        "school_name",
        "name",
        "name_kana",
        "birth_date",
        "sex",
        "nationality",
        "corporation",
        "postal_code",
        pl.col("address_street").alias("address"),
        "building",
        "phone1",
        "phone2",
        "raw",
        "row_hash",
        pl.col(ROW_NO).alias("row_no"),
        pl.lit(batch_id, pl.Int64).alias("batch_id"),
        pl.lit(str(connection.ops.adapt_datetimefield_value(now))).alias("updated_at"),
    )
    if fresh:
        out = out.with_columns(
            pl.lit(str(connection.ops.adapt_datefield_value(today))).alias("handed_over_on"),
            pl.col("unpaid").alias("unpaid_at_handover"),
        )
    else:
        out = out.drop("source_system", "receivable_key", "payer_id").with_columns(
            df["__id"].alias("id")
        )
    # dates leave as ISO text, the form both databases store, not adapted value by value
    return out.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))


def _phone_steps(df: pl.DataFrame, today: Any) -> list[Step]:
    pairs = (
        pl.concat(
            [
                df.select("payer_id", "source_system", pl.col("phone1").alias("number")),
                df.select("payer_id", "source_system", pl.col("phone2").alias("number")),
            ]
        )
        .filter(pl.col("number").is_not_null() & (pl.col("number") != ""))
        .unique(["payer_id", "number"], keep="first")
    )
    if pairs.height == 0:
        return []
    kinds = {n: phone_kind(n) for n in pairs["number"].unique().to_list()}
    day = str(connection.ops.adapt_datefield_value(today))
    frame = pairs.select(
        "payer_id",
        "number",
        pl.col("number")
        .replace_strict(kinds, return_dtype=pl.String)
        .replace({"ip": "other", "free": "other"})
        .alias("kind"),
        pl.lit("city_data").alias("origin"),
        pl.lit("unknown").alias("status"),
        "source_system",
        pl.lit(day).alias("first_seen"),
        pl.lit(day).alias("last_seen"),
        pl.lit("").alias("note"),
    )
    cols = ", ".join(frame.columns)
    return staged(
        "tmp_phones",
        "payers_phone",
        frame,
        f"INSERT INTO payers_phone ({cols}) SELECT {cols} FROM tmp_phones WHERE true "
        "ON CONFLICT (payer_id, number) DO UPDATE SET last_seen = excluded.last_seen",
    )


def _address_steps(df: pl.DataFrame, today: Any) -> list[Step]:
    rows = df.filter(pl.col("address_key") != "").unique(["payer_id", "address_key"], keep="last")
    if rows.height == 0:
        return []
    day = str(connection.ops.adapt_datefield_value(today))
    frame = rows.select(
        "payer_id",
        pl.col("postal_code").fill_null(""),
        pl.col("address_street").alias("address"),
        pl.col("building").fill_null(""),
        pl.col("address_key").alias("key"),
        pl.lit("city_data").alias("origin"),
        "source_system",
        pl.lit(day).alias("first_seen"),
        pl.lit(day).alias("last_seen"),
    )
    cols = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    return staged(
        "tmp_addresses",
        "payers_address",
        frame,
        f"INSERT INTO payers_address ({cols}) SELECT {cols} FROM tmp_addresses WHERE true "
        "ON CONFLICT (payer_id, key) DO UPDATE SET last_seen = excluded.last_seen, "
        "postal_code = excluded.postal_code",
    )


def payers_refresh_totals(payer_ids: list[int]) -> None:
    """Recomputes what lists show without summing installments (total unpaid, counts)."""
    if not payer_ids:
        return
    temp_ids("tmp_refresh_payers", payer_ids)
    with connection.cursor() as cur:
        # one grouped pass over their installments, not three lookups per payer (a
        # million-row import refreshes some 200,000 payers); none left: zeros
        cur.execute(
            "UPDATE payers_payer SET total_unpaid = COALESCE(s.total, 0), "
            "open_installments = COALESCE(s.open, 0), account_transfer = (COALESCE(s.transfer, 0) = 1) "
            "FROM (SELECT t.id AS pid, SUM(i.unpaid) AS total, "
            "  SUM(CASE WHEN i.unpaid > 0 THEN 1 ELSE 0 END) AS open, "
            "  MAX(CASE WHEN i.account_transfer THEN 1 ELSE 0 END) AS transfer "
            "  FROM tmp_refresh_payers t LEFT JOIN payers_installment i ON i.payer_id = t.id "
            "  GROUP BY t.id) s "
            "WHERE payers_payer.id = s.pid"
        )
        cur.execute("DROP TABLE tmp_refresh_payers")


# ---------------------------------------------------------------- payments


def _import_payments(
    batch: ImportBatch, parsed: pl.DataFrame, problems: list[Problem]
) -> tuple[int, int, int]:
    rows = _rejected(parsed, problems)
    if rows.height == 0:
        return 0, 0, 0
    key = ["source_system", "receivable_key", "paid_on", "amount", "method"]
    rows = rows.with_columns(pl.int_range(1, pl.len() + 1).over(key).alias("occurrence"))
    keys = rows["receivable_key"].unique().to_list()
    installments: dict[tuple[str, str], int] = {}
    with connection.cursor() as cur:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            cur.execute(
                "SELECT source_system, receivable_key, id FROM payers_installment WHERE "
                f"receivable_key IN ({', '.join('%s' for _ in chunk)})",
                chunk,
            )
            installments.update({(s, k): pk for s, k, pk in cur.fetchall()})
    new_rows = []
    seen = _existing_payment_keys(rows)
    for r in rows.select(*key, "occurrence", ROW_NO).iter_rows():
        k = r[:6]
        if k in seen:
            continue
        inst = installments.get((r[0], r[1]))
        if inst is None:
            problems.append(
                Problem(
                    r[6],
                    "債権番号",
                    r[1],
                    "この債権番号の架電対象者データがありません（収納は記録しました）。",
                    "warning",
                )
            )
        new_rows.append((r[0], r[1], inst, r[2], r[3], r[4], r[5], batch.pk))
    inserted = bulk_insert(
        "payers_payment",
        [
            "source_system",
            "receivable_key",
            "installment_id",
            "paid_on",
            "amount",
            "method",
            "occurrence",
            "batch_id",
        ],
        new_rows,
    )
    return inserted, 0, rows.height - inserted


def _existing_payment_keys(rows: pl.DataFrame) -> set[tuple]:
    keys = rows["receivable_key"].unique().to_list()
    found: set[tuple] = set()
    with connection.cursor() as cur:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            cur.execute(
                "SELECT source_system, receivable_key, paid_on, amount, method, occurrence "
                f"FROM payers_payment WHERE receivable_key IN ({', '.join('%s' for _ in chunk)})",
                chunk,
            )
            for s, k, d, a, m, o in cur.fetchall():
                found.add((s, k, d if not isinstance(d, str) else _iso(d), a, m, o))
    return found


def _iso(s: str) -> Any:
    from datetime import date

    return date.fromisoformat(s)
