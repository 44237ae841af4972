"""Which payer a newly arrived row belongs to: the seam for the matching engine (名寄せ).

The importer hands the assigner the accepted rows whose key (抽出元, 債権番号) it has
never seen; the assigner returns a payer id for each, creating payers as needed.
Re-sent rows keep the payer they already have, so a later import never undoes a
supervisor's decision. The default, `MatchingAssigner`, runs the matching engine
(名寄せ, `nofu.matching.assignment`) incrementally against the payers already known;
`ResidentNoAssigner` groups by 宛名番号 only (rows without one, 国保返納金 and 給食費, each
get a payer of their own) and is kept for tests that want exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import polars as pl
from django.db import connection

from nofu.intake.bulk import allocate_ids, analyze, bulk_insert, drop, frame_insert, is_postgres
from nofu.lib.subjects import UNIFIED


class PayerAssigner(Protocol):
    def assign(self, rows: pl.DataFrame, *, now: object) -> pl.Series:
        """`rows` has the normalized fields; returns payer ids (Int64), one per row."""
        ...


def existing_payers_by_resident_no(numbers: list[str]) -> dict[str, int]:
    """Through a temporary table, in one statement (PostgreSQL spent 49 s of a
    million-row import on 500-number IN lists)."""
    if not numbers:
        return {}
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_resident_nos")
        cur.execute("CREATE TEMPORARY TABLE tmp_resident_nos (resident_no varchar(20) PRIMARY KEY)")
    bulk_insert("tmp_resident_nos", ["resident_no"], ((n,) for n in set(numbers)))
    analyze("tmp_resident_nos")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.resident_no, MIN(i.payer_id) FROM tmp_resident_nos t "
            "JOIN payers_installment i ON i.resident_no = t.resident_no GROUP BY i.resident_no"
        )
        found = dict(cur.fetchall())
    drop("tmp_resident_nos")
    return found


TOTALS_SCHEMA = {
    "payer_id": pl.Int64,
    "total_unpaid": pl.Int64,
    "open_installments": pl.Int64,
    "account_transfer": pl.Boolean,
}


@dataclass
class FileSession:
    """One file's import, slice after slice, inside its transaction.

    Payers created for the file are written once, when the file ends, with their
    totals already summed from the file's rows: written slice by slice and refreshed at
    the end, every one of them was updated once more (a million-row PostgreSQL import
    spent 9 s on that UPDATE, which also rewrites the payers' search indexes). The
    installments refer to them meanwhile; the foreign keys are checked at commit.
    Assigners may keep what stays true for the whole file in `extras`.
    """

    pending: list[pl.DataFrame] = field(default_factory=list)
    pending_ids: set[int] = field(default_factory=set)
    next_id: int = 0  # SQLite: the next free id beyond the pending payers
    totals: list[pl.DataFrame] = field(default_factory=list)
    refresh: set[int] = field(default_factory=set)  # written early: totals by SQL at the end
    extras: dict[str, Any] = field(default_factory=dict)

    def allocate(self, n: int) -> list[int]:
        if is_postgres() or not self.pending_ids:
            ids = allocate_ids("payers_payer", n)
        else:  # SQLite takes MAX(id) + 1, and the pending payers are not written yet
            ids = list(range(self.next_id, self.next_id + n))
        if ids:
            self.next_id = ids[-1] + 1
        return ids

    def add_totals(self, rows: pl.DataFrame) -> None:
        """Sums of the installments about to be written (payer_id, unpaid, account_transfer)
        for the payers still pending; the others are refreshed from the database."""
        if not self.pending_ids or rows.height == 0:
            return
        mine = rows.filter(pl.col("payer_id").is_in(list(self.pending_ids)))
        self.totals.append(_sums(mine))

    def flush(self) -> None:
        """Writes the pending payers (before anything reads them from the database: a
        merge); their totals are then summed by the database at the end of the file."""
        if not self.pending:
            return
        frame = pl.concat(self.pending)
        frame_insert("payers_payer", frame)
        self.refresh.update(self.pending_ids)
        self.pending, self.pending_ids, self.totals = [], set(), []

    def finish(self) -> set[int]:
        """Writes the pending payers with their totals; returns the payers whose totals
        the database must still sum."""
        if self.pending:
            frame = pl.concat(self.pending)
            sums = pl.concat([pl.DataFrame(schema=TOTALS_SCHEMA), *self.totals])
            sums = sums.group_by("payer_id").agg(
                pl.col("total_unpaid").sum(),
                pl.col("open_installments").sum(),
                pl.col("account_transfer").any(),
            )
            frame = (
                frame.drop("total_unpaid", "open_installments", "account_transfer")
                .join(sums.rename({"payer_id": "id"}), on="id", how="left", maintain_order="left")
                .with_columns(
                    pl.col("total_unpaid").fill_null(0),
                    pl.col("open_installments").fill_null(0),
                    pl.col("account_transfer").fill_null(False),
                )
                .select(frame.columns)
            )
            frame_insert("payers_payer", frame)
            self.pending, self.pending_ids, self.totals = [], set(), []
        return self.refresh


def _sums(rows: pl.DataFrame) -> pl.DataFrame:
    """What `payers_refresh_totals` computes, over these rows (payer_id, unpaid,
    account_transfer)."""
    return (
        rows.group_by("payer_id")
        .agg(
            pl.col("unpaid").sum().alias("total_unpaid"),
            (pl.col("unpaid") > 0).sum().alias("open_installments"),
            pl.col("account_transfer").fill_null(False).any().alias("account_transfer"),
        )
        .cast(TOTALS_SCHEMA)  # type: ignore[arg-type]
    )


# per thread and task: a web process may import two files at once
_session: ContextVar[FileSession | None] = ContextVar("nofu_import_file", default=None)


@contextmanager
def file_session() -> Iterator[FileSession]:
    """Open around the slices of one file (see `FileSession`); the caller calls
    `finish()` before the file's totals are refreshed."""
    session = FileSession()
    token = _session.set(session)
    try:
        yield session
    finally:
        _session.reset(token)


def current_session() -> FileSession | None:
    return _session.get()


def payers_flush() -> None:
    """Writes the payers a file import has created so far (before reading payers back)."""
    session = _session.get()
    if session is not None:
        session.flush()


def payers_create(rows: pl.DataFrame, *, now: object) -> list[int]:
    """One new payer per row of `rows`, identity taken from that row; returns their ids.
    Inside a file's import they are written when the file ends (`FileSession`)."""
    session = _session.get()
    ids = session.allocate(rows.height) if session else allocate_ids("payers_payer", rows.height)
    kind = pl.when(pl.col("corporation")).then(pl.lit("corporation")).otherwise(pl.lit("person"))
    stamp = str(connection.ops.adapt_datetimefield_value(now))
    frame = rows.select(
        pl.Series("id", ids, dtype=pl.Int64),
        kind.alias("kind"),
        "name",
        "name_kana",
        "birth_date",
        "sex",
        "nationality",
        "postal_code",
        pl.col("address_street").alias("address"),
        "building",
        "name_key",
        "kana_key",
        "address_key",
        pl.lit(0).alias("total_unpaid"),
        pl.lit(0).alias("open_installments"),
        pl.lit(False).alias("account_transfer"),
        pl.lit(stamp).alias("created_at"),
        pl.lit(stamp).alias("updated_at"),
    ).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    if session is not None:
        if frame.height:
            session.pending.append(frame)
            session.pending_ids.update(ids)
    else:
        frame_insert("payers_payer", frame)
    return ids


class ResidentNoAssigner:
    """Groups by 宛名番号; a row without one becomes a payer of its own."""

    def assign(self, rows: pl.DataFrame, *, now: object) -> pl.Series:
        rows = rows.with_row_index("__i")
        with_no = rows.filter(pl.col("resident_no") != "")
        known = existing_payers_by_resident_no(with_no["resident_no"].unique().to_list())
        # one representative row per unknown resident_no; prefer the unified system's row
        unknown = (
            with_no.filter(~pl.col("resident_no").is_in(list(known)))
            .sort(pl.col("source_system") != UNIFIED, "__i")
            .unique("resident_no", keep="first", maintain_order=True)
        )
        new_ids = payers_create(unknown, now=now)
        known.update(zip(unknown["resident_no"].to_list(), new_ids, strict=True))
        loners = rows.filter(pl.col("resident_no") == "")
        loner_ids = payers_create(loners, now=now)
        by_row = dict(zip(loners["__i"].to_list(), loner_ids, strict=True))
        mapping = pl.DataFrame(
            {"resident_no": list(known), "__pid": list(known.values())},
            schema={"resident_no": pl.String, "__pid": pl.Int64},
        )
        joined = rows.join(mapping, on="resident_no", how="left", maintain_order="left")
        loner_series = pl.Series(
            "__lid", [by_row.get(i) for i in joined["__i"].to_list()], dtype=pl.Int64
        )
        return joined.select(pl.coalesce(pl.col("__pid"), loner_series).alias("payer_id"))[
            "payer_id"
        ]


class MatchingAssigner:
    """The matching engine: a new row joins the payer of the records it is surely linked
    to, uncertain pairs go to the review queue, remembered decisions are respected."""

    def assign(self, rows: pl.DataFrame, *, now: object) -> pl.Series:
        from nofu.matching.assignment import assign_rows

        return assign_rows(rows, now=now)


def default_assigner() -> PayerAssigner:
    return MatchingAssigner()


def today() -> date:
    return date.today()
