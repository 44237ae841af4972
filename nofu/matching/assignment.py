"""Payers for newly arrived rows, from the matching engine (the importer's seam).

New rows are matched incrementally against every installment already known (with every
remembered decision). Each engine cluster holding new rows goes to the payer of the
known records in it; a cluster of new rows only becomes a new payer. When the known
records of one cluster belong to two payers, the engine is sure they are one person
(a cluster is made of sure links only, and never joins conflicting identities), so the
payers are merged automatically and audited — unless a supervisor said they are two
people or split them apart, which the engine may not see when a shared 宛名番号 ties the
records: then nothing is merged. Uncertain pairs that concern the new rows go to the
review queue.
"""

from __future__ import annotations

import logging
from typing import Any

import polars as pl

from nofu.audit.actions import audit_record
from nofu.lib.matching import MatchError, match_records
from nofu.lib.subjects import UNIFIED
from nofu.matching import engine
from nofu.matching.queue import Candidate, review_enqueue

log = logging.getLogger(__name__)


def assign_rows(rows: pl.DataFrame, *, now: Any) -> pl.Series:
    from nofu.payers.assign import ResidentNoAssigner, current_session

    row = engine.lock_state()
    decisions = engine.decisions_all()
    records = engine.records_frame(rows)
    session = current_session()
    try:
        # a later slice of the same file: the state is the one this import left, and only
        # this import has written installments since (no count of them per slice)
        eng = session.extras.get("engine") if session else None
        if eng is None or not engine.is_current(eng):
            eng = engine.current(decisions, row)
        if eng is None:
            result = match_records(records, decisions=decisions)
            eng = engine.Engine(result, 0, 0, "")
        else:
            eng.result = engine.match_more(eng, records, decisions)
    except MatchError as exc:
        # never lose an import to the engine: group by 宛名番号 and say so in the audit log;
        # the next import catches the state up with these rows as they were assigned
        engine.forget()
        if session is not None:
            session.extras.pop("engine", None)
        log.exception("matching engine failed; falling back to 宛名番号")
        audit_record(
            actor=None,
            action="matching.fallback",
            summary=f"名寄せエンジンが使えず宛名番号のみで名寄せしました: {exc}",
        )
        return ResidentNoAssigner().assign(rows, now=now)
    engine.changed(eng, records.height)
    if session is not None:
        session.extras["engine"] = eng
    return _payers_for(rows, records, eng.result, now=now)


def _payers_for(rows: pl.DataFrame, records: pl.DataFrame, result: Any, *, now: Any) -> pl.Series:
    from nofu.payers.assign import payers_create

    keys = records.select("source", "key").with_row_index("__i")
    clusters = result.clusters
    # the state's million rows are filtered by a set of these keys first, never joined
    # whole: a join's hash table of them cost 100 MB at the import's peak
    mine = clusters.filter(pl.col("key").is_in(keys["key"].unique().implode()))
    new = keys.join(mine, on=["source", "key"], how="left", maintain_order="left")
    new_clusters = new["cluster"].unique()
    old = clusters.filter(pl.col("cluster").is_in(new_clusters.implode())).join(
        keys, on=["source", "key"], how="anti"
    )
    old = old.join(engine.payers_of_keys(old), on=["source", "key"], how="inner")
    per_cluster = old.group_by("cluster").agg(pl.col("payer_id").unique().sort())
    mapping: dict[str, int] = {}
    for cluster, payer_ids in per_cluster.iter_rows():
        if len(payer_ids) == 1:
            mapping[cluster] = payer_ids[0]
        else:
            mapping[cluster] = _one_of(cluster, payer_ids, new, rows, result)
    # clusters of new rows only: one new payer each, named after its unified row if any
    fresh = (
        new.with_columns(rows["source_system"].alias("__src"))
        .filter(~pl.col("cluster").is_in(list(mapping)))
        .sort(pl.col("__src") != UNIFIED, "__i")
        .unique("cluster", keep="first", maintain_order=True)
    )
    if fresh.height:
        ids = payers_create(rows[fresh["__i"].to_list()], now=now)
        mapping.update(zip(fresh["cluster"].to_list(), ids, strict=True))
    payer_ids = new["cluster"].replace_strict(mapping, return_dtype=pl.Int64).alias("payer_id")
    _enqueue_reviews(result, new_clusters, keys.with_columns(payer_ids))
    return payer_ids


def _links_of(result: Any, cluster: str) -> list[dict[str, Any]]:
    members = result.clusters.filter(pl.col("cluster") == cluster).select("source", "key")
    links = result.links.join(
        members.rename({"source": "source_l", "key": "key_l"}), on=["source_l", "key_l"]
    )
    return links.sort("weight", descending=True).head(5).to_dicts()


def _one_of(
    cluster: str, payer_ids: list[int], new: pl.DataFrame, rows: pl.DataFrame, result: Any
) -> int:
    """The engine puts known records of several payers in one cluster with the new rows:
    merge them into the oldest payer, unless people decided they are different."""
    from nofu.payers.actions import payer_merge
    from nofu.payers.assign import payers_flush
    from nofu.payers.models import Payer

    keep = payer_ids[0]
    if _kept_apart(payer_ids):
        # a supervisor said otherwise: join the payer sharing the new rows' 宛名番号
        numbers = set(
            rows[new.filter(pl.col("cluster") == cluster)["__i"].to_list()]["resident_no"]
        ) - {""}
        if numbers:
            from nofu.payers.models import Installment

            hit = (
                Installment.objects.filter(payer_id__in=payer_ids, resident_no__in=numbers)
                .order_by("payer_id")
                .values_list("payer_id", flat=True)
                .first()
            )
            keep = hit or keep
        return keep
    links = _links_of(result, cluster)
    why = links[0]["reasons"] if links else "宛名番号・判断による結合"
    new_keys = new.filter(pl.col("cluster") == cluster).head(3)
    named = "、".join(f"{s}:{k}" for s, k in new_keys.select("source", "key").iter_rows())
    payers_flush()  # payers this file created are read back by the merge
    for other in payer_ids[1:]:
        payer_merge(
            actor=None,
            keep=Payer.objects.get(pk=keep),
            other=Payer.objects.get(pk=other),
            reason=f"自動名寄せ: 新しい行（{named}）により確実なリンクで結ばれました。根拠: {why}",
            automatic=True,
            detail={"links": links},
        )
    return keep


def _kept_apart(payer_ids: list[int]) -> bool:
    """Whether a 「別人」 decision or a split stands between any two of these payers."""
    from nofu.matching.models import MatchDecision, PayerChange, PayerChangeKind
    from nofu.payers.models import Installment

    if PayerChange.objects.filter(
        kind=PayerChangeKind.SPLIT, payer_id__in=payer_ids, other_id__in=payer_ids
    ).exists():
        return True
    owner = {
        (s, k): p
        for s, k, p in Installment.objects.filter(payer_id__in=payer_ids).values_list(
            "source_system", "receivable_key", "payer_id"
        )
    }
    keys = {k for _, k in owner}
    for d in MatchDecision.objects.filter(same=False, a_key__in=keys, b_key__in=keys):
        pa, pb = owner.get((d.a_source, d.a_key)), owner.get((d.b_source, d.b_key))
        if pa and pb and pa != pb:
            return True
    return False


def _enqueue_reviews(result: Any, new_clusters: pl.Series, new_payers: pl.DataFrame) -> None:
    review = result.review.filter(
        pl.col("cluster_l").is_in(new_clusters.implode())
        | pl.col("cluster_r").is_in(new_clusters.implode())
    )
    if review.height == 0:
        return
    ends = pl.concat(
        [
            review.select(pl.col("source_l").alias("source"), pl.col("key_l").alias("key")),
            review.select(pl.col("source_r").alias("source"), pl.col("key_r").alias("key")),
        ]
    ).unique()
    known = ends.join(new_payers, on=["source", "key"], how="anti")
    owner = {
        (s, k): p
        for s, k, p in pl.concat(
            [engine.payers_of_keys(known), new_payers.select("source", "key", "payer_id")]
        ).iter_rows()
    }
    review_enqueue(
        [
            Candidate(
                owner.get((r["source_l"], r["key_l"])),
                owner.get((r["source_r"], r["key_r"])),
                (r["source_l"], r["key_l"]),
                (r["source_r"], r["key_r"]),
                float(r["weight"]),
                float(r["probability"]),
                r["reasons"],
            )
            for r in review.iter_rows(named=True)
        ]
    )
