"""The engine's public functions: fit a model, match records, match more records.

`match_records` runs the whole population; `match_incremental` matches new records
against a previous result and re-decides only the groups of records they touch. With
the same model and decisions both give the same payers (a component of sure links is
decided from its own records alone, in an order fixed by weights and record keys).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ._blocking import RuleKeys, block_sizes, candidate_pairs, rule_keys
from ._cluster import cluster
from ._compare import add_weights, compare_levels, join_sides, reasons, u_from_sample
from ._enrich import enrich
from ._features import PROFILE_FIELDS, Record, record_profiles, records_frame, without_gc
from ._model import (
    TF_COLUMNS,
    MatchModel,
    learn_families,
    learn_readings,
    prior_of,
    term_frequencies_lazy,
)
from .config import MatchConfig, MatchInputError, MatchModelError

RecordsLike = pl.DataFrame | Iterable[Record | Mapping[str, Any]]
RecordKey = tuple[str, str]  # (source, key)

_SCORE_KEEP = ("pid_l", "pid_r", "weight", "conflict", "corroborated", "lv_resident_no")


@dataclass(frozen=True)
class Decision:
    """A supervisor's answer about two records: the same payer, or not.

    Decisions are remembered and passed to every later run, so an import never undoes
    them: "same" joins the two records' payers whatever the scores say, "different"
    keeps them apart.
    """

    a: RecordKey
    b: RecordKey
    same: bool


@dataclass
class _State:
    profiles: pl.DataFrame  # enriched, with pid, anchor, n_rows, comp, cluster
    rows: pl.DataFrame  # source, key, pid
    band: pl.DataFrame  # scored pairs with weight ≥ review threshold and no conflict
    decisions: tuple[Decision, ...]


@dataclass
class MatchResult:
    """Payers found, the sure links that made them, and the pairs to review.

    clusters: source, key, cluster — one row per input record; records of one payer
        share `cluster` (the 「抽出元:債権番号」 of the payer's first record).
    links: the sure links inside payers, with weight, probability and reasons.
    review: one row per pair of payers that may be one, best pair of records first
        (cluster_l, cluster_r, source_l, key_l, source_r, key_r, weight, probability,
        reasons).
    """

    clusters: pl.DataFrame
    links: pl.DataFrame
    review: pl.DataFrame
    model: MatchModel
    config: MatchConfig
    stats: dict[str, float] = field(default_factory=dict)
    _state: _State | None = field(default=None, repr=False)

    def save(self, folder: str | Path) -> None:
        """Write the result with its model and state, so a later import can be matched
        incrementally in another process (`MatchResult.load`, then `match_incremental`)."""
        if self._state is None:
            raise MatchInputError("内部状態のない名寄せ結果は保存できません。")
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path / "model")
        st = self._state
        for name, frame in (
            ("clusters", self.clusters), ("links", self.links), ("review", self.review),
            ("profiles", st.profiles), ("rows", st.rows), ("band", st.band),
        ):  # fmt: skip
            frame.write_parquet(path / f"{name}.parquet")
        meta = {
            "config": asdict(self.config),
            "stats": self.stats,
            "decisions": [[list(d.a), list(d.b), d.same] for d in st.decisions],
        }
        (path / "result.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> MatchResult:
        path = Path(folder)
        try:
            meta = json.loads((path / "result.json").read_text(encoding="utf-8"))
            frames = {
                n: pl.read_parquet(path / f"{n}.parquet")
                for n in ("clusters", "links", "review", "profiles", "rows", "band")
            }
        except (OSError, ValueError) as exc:
            raise MatchModelError(f"名寄せ結果を読めません: {path}") from exc
        decisions = tuple(
            Decision((a[0], a[1]), (b[0], b[1]), same) for a, b, same in meta["decisions"]
        )
        state = _State(frames["profiles"], frames["rows"], frames["band"], decisions)
        return cls(
            frames["clusters"], frames["links"], frames["review"], MatchModel.load(path / "model"),
            MatchConfig(**meta["config"]), meta["stats"], state,
        )  # fmt: skip

    def cluster_of(self, source: str, key: str) -> str:
        hit = self.clusters.filter((pl.col("source") == source) & (pl.col("key") == key))
        if hit.height == 0:
            raise KeyError((source, key))
        return str(hit["cluster"][0])


# --- model ------------------------------------------------------------------------------


def _score(
    pairs: pl.DataFrame, profiles: pl.DataFrame, model: MatchModel, config: MatchConfig
) -> pl.DataFrame:
    if pairs.height == 0:
        pairs = pairs.clear()
    joined = join_sides(pairs, profiles)
    levels = compare_levels(joined, config)
    scored = add_weights(levels, model, config)
    return scored


def _fit(profiles: pl.DataFrame, config: MatchConfig) -> tuple[MatchModel, pl.DataFrame, RuleKeys]:
    readings, part_readings = learn_readings(profiles)
    families, kana_families = learn_families(profiles)
    n = profiles.height
    # The city is larger than any one file: frequencies and the prior are taken over at
    # least `pseudo_profiles` more profiles, so that a small batch is not read as a
    # world where every name is common.
    n_eff = n + config.pseudo_profiles
    model = MatchModel(
        n_profiles=n_eff,
        prior=prior_of(n_eff),
        u={},
        tf={},
        readings=readings,
        part_readings=part_readings,
        families=families,
        kana_families=kana_families,
    )
    enriched = enrich(profiles, model)
    queries: list[pl.LazyFrame] = []
    lf = enriched.lazy()
    for col in TF_COLUMNS:
        if col == "phone":
            phones = pl.concat_str(["ph_mobile", "ph_fixed"], separator=";").str.split(";")
            src = lf.select(phones.alias(col)).explode(col)
        elif col == "addr_room":
            src = lf.select(
                pl.when(pl.col("addr") != "")
                .then(pl.col("addr_room"))
                .otherwise(pl.lit(""))
                .alias(col)
            )
        else:
            src = lf
        queries.append(term_frequencies_lazy(src, col, n_eff))
    # The random pairs are compared in a thread meanwhile: Polars and RapidFuzz let go of
    # the interpreter while they work, so the two share the machine's cores.
    with ThreadPoolExecutor(max_workers=1) as thread:
        sampled = thread.submit(_u_sample, enriched, config)
        model.tf = dict(zip(TF_COLUMNS, pl.collect_all(queries), strict=True))
        keys = rule_keys(enriched)
        model.stop = block_sizes(enriched, config.max_block_size, keys)
        u = sampled.result()
    if u is not None:
        model.u = u
    return model, enriched, keys


def _u_sample(enriched: pl.DataFrame, config: MatchConfig) -> dict[str, dict[str, float]] | None:
    """u of the levels without term frequencies, from random pairs (seeded)."""
    n = enriched.height
    rng = np.random.default_rng(config.seed)
    k = min(config.u_sample_pairs, max(n * (n - 1) // 2, 0))
    if n < 2 or k <= 0:
        return None
    a = rng.integers(0, n, size=k)
    b = rng.integers(0, n - 1, size=k)
    b = np.where(b >= a, b + 1, b)
    pids = enriched["pid"].to_numpy()
    sample = pl.DataFrame({"pid_l": pids[a], "pid_r": pids[b]})
    return u_from_sample(compare_levels(join_sides(sample, enriched), config))


def fit_model(records: RecordsLike, config: MatchConfig | None = None) -> MatchModel:
    """Learn term frequencies, readings, family names and u probabilities from records."""
    config = config or MatchConfig()
    profiles, _ = record_profiles(records_frame(records))
    model, _, _ = _fit(profiles, config)
    return model


# --- matching ---------------------------------------------------------------------------


def match_records(
    records: RecordsLike,
    config: MatchConfig | None = None,
    *,
    model: MatchModel | None = None,
    decisions: Sequence[Decision] = (),
) -> MatchResult:
    """Match a whole population. Without `model`, one is fitted on these records."""
    with without_gc():  # many small acyclic objects: see `without_gc`
        return _match_records(records, config, model=model, decisions=decisions)


def _match_records(
    records: RecordsLike,
    config: MatchConfig | None = None,
    *,
    model: MatchModel | None = None,
    decisions: Sequence[Decision] = (),
) -> MatchResult:
    config = config or MatchConfig()
    t0 = time.perf_counter()
    profiles, mapping = record_profiles(records_frame(records))
    t1 = time.perf_counter()
    if model is None:
        model, enriched, keys = _fit(profiles, config)
    else:
        enriched = enrich(profiles, model)
        keys = rule_keys(enriched)
    t2 = time.perf_counter()
    empty = _State(
        profiles=enriched.head(0).with_columns(
            pl.lit("").alias("comp"), pl.lit("").alias("cluster")
        ),
        rows=mapping.head(0),
        band=pl.DataFrame(),
        decisions=(),
    )
    result = _update(
        empty, enriched, mapping, model, config, tuple(decisions), full=True, keys=keys
    )
    result.stats.update(
        {
            "seconds_features": t1 - t0,
            "seconds_fit": t2 - t1,
            "seconds_total": time.perf_counter() - t0,
        }
    )
    return result


def match_incremental(
    previous: MatchResult,
    new_records: RecordsLike,
    *,
    decisions: Sequence[Decision] | None = None,
) -> MatchResult:
    """Match new records against a previous result, with its model and config.

    Only the components of sure links that the new records touch (and those touched by
    changed decisions) are decided again; the answer equals a full run's with the same
    model and decisions. Keys already known are an error: a re-sent row keeps its payer.
    """
    with without_gc():
        return _match_incremental(previous, new_records, decisions=decisions)


def _match_incremental(
    previous: MatchResult,
    new_records: RecordsLike,
    *,
    decisions: Sequence[Decision] | None = None,
) -> MatchResult:
    state = previous._state
    if state is None:
        raise MatchInputError("前回の名寄せ結果に内部状態がありません。")
    config, model = previous.config, previous.model
    t0 = time.perf_counter()
    records = records_frame(new_records)
    known = records.select("source", "key").join(state.rows, on=["source", "key"], how="semi")
    if known.height:
        first = known.row(0)
        raise MatchInputError(f"既に名寄せ済みの債権番号です: {first[0]} {first[1]}")
    new_profiles, new_map = record_profiles(records)
    # profiles equal to known ones take the known pid
    old = state.profiles
    hit = new_profiles.join(
        old.select(*PROFILE_FIELDS, pl.col("pid").alias("old_pid")),
        on=list(PROFILE_FIELDS),
        how="left",
        nulls_equal=True,
    )
    offset = int(old["pid"].cast(pl.Int64).max() or 0) + 1 if old.height else 0  # type: ignore[arg-type]
    hit = hit.with_columns(
        pl.when(pl.col("old_pid").is_not_null())
        .then(pl.col("old_pid"))
        .otherwise(pl.col("pid") + offset)
        .alias("new_pid")
    )
    pid_map = dict(zip(hit["pid"].to_list(), hit["new_pid"].to_list(), strict=True))
    new_map = new_map.with_columns(pl.col("pid").replace_strict(pid_map, return_dtype=pl.Int64))
    fresh = (
        hit.filter(pl.col("old_pid").is_null())
        .with_columns(pl.col("new_pid").alias("pid"))
        .drop("old_pid", "new_pid")
    )
    touched = hit.filter(pl.col("old_pid").is_not_null()).select(
        pl.col("old_pid").alias("pid"),
        pl.col("anchor").alias("new_anchor"),
        pl.col("n_rows").alias("add"),
    )
    if touched.height:
        old = (
            old.join(touched, on="pid", how="left")
            .with_columns(
                pl.min_horizontal("anchor", pl.col("new_anchor").fill_null(pl.col("anchor"))).alias(
                    "anchor"
                ),
                (pl.col("n_rows") + pl.col("add").fill_null(0)).cast(pl.UInt32).alias("n_rows"),
            )
            .drop("new_anchor", "add")
        )
        state = _State(old, state.rows, state.band, state.decisions)
    # When every new record equals a known profile nothing is new to enrich: an empty
    # frame of the known profiles' shape keeps the columns the update expects.
    fresh_enriched = (
        enrich(fresh, model) if fresh.height else state.profiles.head(0).drop("comp", "cluster")
    )
    result = _update(
        state,
        fresh_enriched,
        new_map,
        model,
        config,
        tuple(state.decisions if decisions is None else decisions),
        full=False,
        touched=touched["pid"],
    )
    result.stats["seconds_total"] = time.perf_counter() - t0
    return result


def _decision_pids(
    decisions: tuple[Decision, ...], rows: pl.DataFrame
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    same: list[tuple[int, int]] = []
    if not decisions:
        return same, []
    wanted = pl.DataFrame(
        [(*d.a,) for d in decisions] + [(*d.b,) for d in decisions],
        schema={"source": pl.String, "key": pl.String},
        orient="row",
    ).unique()
    keys = {(s, k): p for s, k, p in rows.join(wanted, on=["source", "key"]).iter_rows()}
    different: list[tuple[int, int]] = []
    for d in decisions:
        a, b = keys.get(d.a), keys.get(d.b)
        if a is None or b is None or a == b:
            continue
        (same if d.same else different).append((a, b))
    return same, different


def _sure(config: MatchConfig) -> pl.Expr:
    """Sure links: score high enough, no conflict, and either corroborated by place or
    phone, or a full identity (name, reading and birth date) with no phone to disagree.
    Two 宛名番号 are joined only by a strong link (see `_compare`)."""
    identity = (
        (pl.col("lv_name") == "exact")
        & (pl.col("lv_birth_date") == "exact")
        & (pl.col("lv_phone") == "")
    )
    rno_differs = pl.col("lv_resident_no") == "different"
    return (
        (pl.col("weight") >= config.auto_threshold)
        & (pl.col("conflict") == "")
        & (pl.col("corroborated") | (identity & ~rno_differs))
        & (~rno_differs | pl.col("strong"))
    )


def _update(
    state: _State,
    fresh: pl.DataFrame,
    fresh_rows: pl.DataFrame,
    model: MatchModel,
    config: MatchConfig,
    decisions: tuple[Decision, ...],
    *,
    full: bool,
    touched: pl.Series | None = None,
    keys: RuleKeys | None = None,
) -> MatchResult:
    """Pairs, scores and clusters for the profiles of `fresh` (all of them when `full`;
    then `keys` may hold their blocking keys already)."""
    t0 = time.perf_counter()
    fresh = fresh.with_columns(pl.lit("").alias("comp"), pl.lit("").alias("cluster"))
    profiles = (
        pl.concat([state.profiles, fresh.select(state.profiles.columns)])
        if state.profiles.height
        else fresh
    )
    rows = pl.concat([state.rows, fresh_rows]) if state.rows.height else fresh_rows
    same, different = _decision_pids(decisions, rows)

    if full:
        affected_pids = profiles["pid"]
        pairs = candidate_pairs(profiles, model, keys=keys)
        scored = _score(pairs, profiles, model, config)
    else:
        new_pids = fresh["pid"]
        first = _score(candidate_pairs(profiles, model, new=new_pids), profiles, model, config)
        linked = first.filter(_sure(config))
        ends = pl.concat([linked["pid_l"], linked["pid_r"]])
        # the same 宛名番号 is a hard link
        new_rno = fresh.filter(pl.col("rno") != "")["rno"].unique()
        rno_pids = profiles.filter(pl.col("rno").is_in(new_rno.implode()))["pid"]
        changed = set(decisions) ^ set(state.decisions)
        dec_keys = [k for d in changed for k in (d.a, d.b)]
        dec_pids = (
            rows.filter(
                pl.struct("source", "key").is_in(
                    pl.DataFrame(
                        {"source": [k[0] for k in dec_keys], "key": [k[1] for k in dec_keys]},
                        schema={"source": pl.String, "key": pl.String},
                    )
                    .to_struct()
                    .implode()
                )
            )["pid"]
            if dec_keys
            else pl.Series("pid", [], dtype=pl.Int64)
        )
        seeds = pl.concat(
            [ends, rno_pids, dec_pids, touched if touched is not None else new_pids.head(0)]
        )
        comps = profiles.filter(pl.col("pid").is_in(seeds.implode()) & (pl.col("comp") != ""))[
            "comp"
        ].unique()
        affected_pids = pl.concat(
            [profiles.filter(pl.col("comp").is_in(comps.implode()))["pid"], new_pids]
        ).unique()
        pairs = candidate_pairs(profiles, model, new=affected_pids)
        scored = _score(pairs, profiles, model, config)
    t1 = time.perf_counter()

    if full:  # every profile is affected: nothing to filter
        aff_set = profiles
        sure = scored.filter(_sure(config)).select("pid_l", "pid_r", "weight", "strong")
        must, cannot = same, different
    else:
        aff_set = profiles.filter(pl.col("pid").is_in(affected_pids.implode()))
        inside = pl.col("pid_l").is_in(affected_pids.implode()) & pl.col("pid_r").is_in(
            affected_pids.implode()
        )
        sure = scored.filter(_sure(config) & inside).select("pid_l", "pid_r", "weight", "strong")
        aff_ids = set(aff_set["pid"].to_list())
        must = [p for p in same if p[0] in aff_ids and p[1] in aff_ids]
        cannot = [p for p in different if p[0] in aff_ids and p[1] in aff_ids]
    labels, used = cluster(aff_set, sure, must_link=must, cannot_link=cannot)
    t2 = time.perf_counter()
    if full and labels["pid"].equals(profiles["pid"]):
        # Labels for every profile, in its order: no join (it would copy every column).
        profiles = profiles.with_columns(labels["comp"], labels["cluster"])
    else:
        profiles = (
            profiles.join(labels.rename({"comp": "_c", "cluster": "_k"}), on="pid", how="left")
            .with_columns(
                pl.coalesce("_c", "comp").alias("comp"),
                pl.coalesce("_k", "cluster").alias("cluster"),
            )
            .drop("_c", "_k")
        )

    keep_cols = [c for c in scored.columns if c.startswith(("lv_", "w_"))] + list(_SCORE_KEEP)
    band_new = scored.filter(
        (pl.col("weight") >= config.review_threshold) & (pl.col("conflict") == "")
    ).select(list(dict.fromkeys(keep_cols)))
    if state.band.height and not full:
        old_band = state.band.filter(
            ~pl.col("pid_l").is_in(affected_pids.implode())
            & ~pl.col("pid_r").is_in(affected_pids.implode())
        )
        band = pl.concat([old_band, band_new.select(old_band.columns)])
    else:
        band = band_new
    new_state = _State(profiles, rows, band, decisions)
    result = _result(new_state, model, config)
    result.stats.update(
        {
            "records": rows.height,
            "profiles": profiles.height,
            "candidate_pairs": scored.height,
            "sure_pairs": sure.height,
            "seconds_pairs": t1 - t0,
            "seconds_cluster": t2 - t1,
        }
    )
    return result


def _display(anchor: pl.Expr) -> pl.Expr:
    return anchor.str.replace("\x1f", ":", literal=True)


def _result(state: _State, model: MatchModel, config: MatchConfig) -> MatchResult:
    p = state.profiles.select("pid", "anchor", "cluster")
    clusters = state.rows.join(p, on="pid", how="left").select(
        "source", "key", _display(pl.col("cluster")).alias("cluster")
    )
    band = state.band.join(
        p.rename({"pid": "pid_l", "anchor": "anchor_l", "cluster": "cluster_l"}), on="pid_l"
    )
    band = band.join(
        p.rename({"pid": "pid_r", "anchor": "anchor_r", "cluster": "cluster_r"}), on="pid_r"
    )
    band = band.with_columns(
        (1.0 / (1.0 + (pl.col("weight") * -0.6931471805599453).exp())).alias("probability"),
        pl.col("anchor_l")
        .str.split_exact("\x1f", 1)
        .struct.rename_fields(["source_l", "key_l"])
        .alias("_a"),
        pl.col("anchor_r")
        .str.split_exact("\x1f", 1)
        .struct.rename_fields(["source_r", "key_r"])
        .alias("_b"),
    ).unnest("_a", "_b")
    if band.height:
        band = band.with_columns(reasons(band).alias("reasons"))
    else:
        band = band.with_columns(pl.lit("").alias("reasons"))
    out_cols = ["source_l", "key_l", "source_r", "key_r", "weight", "probability", "reasons"]
    links = (
        band.filter(
            (pl.col("cluster_l") == pl.col("cluster_r"))
            & (pl.col("weight") >= config.auto_threshold)
        )
        .sort("anchor_l", "anchor_r")
        .select(out_cols)
    )
    between = band.filter(pl.col("cluster_l") != pl.col("cluster_r")).with_columns(
        pl.min_horizontal("cluster_l", "cluster_r").alias("c1"),
        pl.max_horizontal("cluster_l", "cluster_r").alias("c2"),
    )
    review = (
        between.sort(
            ["c1", "c2", "weight", "anchor_l", "anchor_r"],
            descending=[False, False, True, False, False],
        )
        .unique(["c1", "c2"], keep="first")
        .sort(["weight", "c1", "c2"], descending=[True, False, False])
        .select(
            _display(pl.col("c1")).alias("cluster_l"),
            _display(pl.col("c2")).alias("cluster_r"),
            *out_cols,
        )
    )
    stats: dict[str, float] = {
        "clusters": float(state.profiles["cluster"].n_unique()),
        "review_pairs": float(review.height),
        "links": float(links.height),
    }
    return MatchResult(clusters, links, review, model, config, stats, state)
