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

from datetime import date
from typing import Protocol

import polars as pl
from django.db import connection

from nofu.intake.bulk import allocate_ids, analyze, bulk_insert, drop, frame_insert
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


def payers_create(rows: pl.DataFrame, *, now: object) -> list[int]:
    """One new payer per row of `rows`, identity taken from that row; returns their ids."""
    ids = allocate_ids("payers_payer", rows.height)
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
        pl.col("address_display").alias("address"),
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
