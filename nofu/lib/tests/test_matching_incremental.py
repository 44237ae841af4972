"""Incremental matching gives the same payers and review pairs as a full run (same model)."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import polars as pl
import pytest

from nofu.lib.matching import (
    Decision,
    MatchInputError,
    MatchModel,
    MatchResult,
    fit_model,
    match_incremental,
    match_records,
    records_frame,
)


@lru_cache(maxsize=1)
def population() -> pl.DataFrame:
    from nofu.lib.demogen import GeneratorConfig, generate_population, write_call_target_files
    from nofu.lib.readers import read_table

    cfg = GeneratorConfig(rows=3_000, seed=11, as_of=date(2026, 11, 24), trap_rate=5.0)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_call_target_files(generate_population(cfg), folder)
        frames = [read_table(p.read_bytes()).df for p in paths.values()]
    return records_frame(pl.concat(frames, how="diagonal").fill_null(""))


def partition(result: MatchResult) -> set[frozenset[str]]:
    groups = result.clusters.group_by("cluster").agg(
        (pl.col("source") + ":" + pl.col("key")).alias("m")
    )
    return {frozenset(m) for m in groups["m"].to_list()}


def review_pairs(result: MatchResult) -> set[frozenset[frozenset[str]]]:
    members = dict(
        result.clusters.group_by("cluster")
        .agg((pl.col("source") + ":" + pl.col("key")).alias("m"))
        .select("cluster", pl.col("m").list.sort())
        .iter_rows()
    )
    return {
        frozenset({frozenset(members[a]), frozenset(members[b])})
        for a, b in result.review.select("cluster_l", "cluster_r").iter_rows()
    }


def split(df: pl.DataFrame, parts: int, seed: int) -> list[pl.DataFrame]:
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=seed)
    n = shuffled.height // parts
    return [shuffled.slice(i * n, n if i < parts - 1 else None) for i in range(parts)]


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_equals_full_run(seed: int) -> None:
    df = population()
    first, *rest = split(df, 3, seed)
    model = fit_model(first)
    full = match_records(df, model=model)
    step = match_records(first, model=model)
    for batch in rest:
        step = match_incremental(step, batch)
    assert partition(step) == partition(full)
    assert review_pairs(step) == review_pairs(full)
    assert step.clusters.height == df.height


def test_incremental_with_decisions_equals_full_run() -> None:
    df = population()
    first, second = split(df, 2, 3)
    model = fit_model(first)
    base = match_records(first, model=model)
    # a supervisor joins the first review pair and splits the first multi-record payer
    pair = base.review.row(0, named=True)
    big = (
        base.clusters.group_by("cluster")
        .agg("source", "key")
        .filter(pl.col("key").list.len() > 1)
        .row(0)
    )
    decisions = [
        Decision((pair["source_l"], pair["key_l"]), (pair["source_r"], pair["key_r"]), same=True),
        Decision((big[1][0], big[2][0]), (big[1][1], big[2][1]), same=False),
    ]
    full = match_records(df, model=model, decisions=decisions)
    step = match_incremental(match_records(first, model=model, decisions=decisions), second)
    assert partition(step) == partition(full)
    # decisions can also change between runs: the touched payers are decided again
    later = match_incremental(match_records(first, model=model), second, decisions=decisions)
    assert partition(later) == partition(full)


def test_known_keys_are_refused() -> None:
    df = population()
    base = match_records(df.head(200))
    with pytest.raises(MatchInputError):
        match_incremental(base, df.slice(100, 50))


def test_model_round_trip(tmp_path: Path) -> None:
    df = population().head(800)
    model = fit_model(df)
    model.save(tmp_path / "model")
    again = MatchModel.load(tmp_path / "model")
    assert partition(match_records(df, model=again)) == partition(match_records(df, model=model))


def test_result_saved_and_loaded_matches_on_incrementally(tmp_path: Path) -> None:
    df = population()
    first, second = split(df, 2, 5)
    model = fit_model(first)
    match_records(first, model=model).save(tmp_path / "state")
    later = match_incremental(MatchResult.load(tmp_path / "state"), second)
    assert partition(later) == partition(match_records(df, model=model))


def test_new_records_equal_to_known_ones_join_their_payers() -> None:
    """A re-issued bill (a new 債権番号, every identity field as before) joins the payer its
    twin record is in, incrementally, with the answer a full run gives."""
    df = population()
    first = df.head(1_500)
    again = first.head(40).with_columns((pl.col("key") + "-再").alias("key"))
    model = fit_model(first)
    step = match_incremental(match_records(first, model=model), again)
    full = match_records(pl.concat([first, again]), model=model)
    assert partition(step) == partition(full)
    for (source, key), twin in zip(
        again.select("source", "key").iter_rows(), first.head(40)["key"].to_list(), strict=True
    ):
        assert step.cluster_of(source, key) == step.cluster_of(source, twin)
