"""Benchmark of the matching engine (名寄せ, issue 3) against Splink 5, on labelled data.

    .venv/bin/python bench/matching.py                  # 1,000,000 rows, with Splink
    .venv/bin/python bench/matching.py --rows 100000 --no-splink
    .venv/bin/python bench/matching.py --repeat 2       # alternate runs, fastest of each

The demo generator writes the three systems' files with every trap of issue 3 and the
answer key (truth.csv: the true person of each row). Quality is pairwise over *units*:
the rows of one 宛名番号 are one unit (the unified system already knows they are one
person), every other row is a unit of its own. A pair of units is predicted linked
when they land in one cluster, truly linked when they are one person.

Splink gets the same normalized fields the engine computes (readings folded, variant
kanji folded, addresses keyed, phones normalized, names split), a comparison for each,
term frequencies where the engine has them, the same kinds of blocking rules, u by
random sampling and m by expectation maximisation; its time includes that shared
normalization. Its threshold is chosen after the fact for its best F1 (an advantage
the engine does not get). Peak memory is measured in a child process per system.

Time is measured from reading the three files (Polars, for both systems) to clusters
in memory: Splink's span ends with its clusters at 0.9 (its best threshold in every
run so far), the other thresholds are clustered after it. Each child's process wall
(with interpreter start, imports and writing results), CPU time and the load average
before and after are printed too: the machine is shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import OUT, generated_files, say  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_frame(files: dict[str, Path]) -> pl.DataFrame:
    """The three files as one frame of strings, read by Polars directly.

    The generator's files are well formed (CP932 or UTF-8 with a BOM), so the checks
    `nofu.lib.readers` makes for the city's files (ragged rows, a second parse with the
    csv module) are left out, and only the columns that name a payer (the engine's
    `JAPANESE_HEADERS`) are parsed: both systems read with this function.
    """
    from nofu.lib.matching import JAPANESE_HEADERS
    from nofu.lib.readers import UTF8_BOM, clean_header

    frames = []
    for path in files.values():
        data = path.read_bytes()
        if data.startswith(UTF8_BOM):
            text = data[len(UTF8_BOM) :]
        else:
            try:
                data.decode("utf-8")
                text = data
            except UnicodeDecodeError:
                text = data.decode("cp932").encode("utf-8")
        del data
        header = pl.read_csv(text, infer_schema=False, n_rows=0).columns
        wanted = [i for i, c in enumerate(header) if clean_header(c) in JAPANESE_HEADERS]
        df = pl.read_csv(text, infer_schema=False, empty_string_is_null=False, columns=wanted)
        frames.append(df.rename({c: clean_header(c) for c in df.columns}))
    return pl.concat(frames, how="diagonal").fill_null("")


# --- evaluation --------------------------------------------------------------------------


def _pairs(counts: pl.Series) -> int:
    return int((counts * (counts - 1) // 2).sum())


def evaluate(frame: pl.DataFrame, truth: pl.DataFrame, clusters: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision / recall / F1 over units (one 宛名番号 = one unit)."""
    df = frame.select(
        pl.col("抽出元").alias("source"),
        pl.col("債権番号").alias("key"),
        pl.col("宛名番号").alias("rno"),
    )
    df = df.join(truth, on=["source", "key"]).join(clusters, on=["source", "key"])
    df = df.with_columns(
        pl.when(pl.col("rno") != "")
        .then(pl.lit("R:") + pl.col("rno"))
        .otherwise(pl.lit("K:") + pl.col("source") + ":" + pl.col("key"))
        .alias("unit")
    )
    units = df.group_by("unit").agg(
        pl.col("person").first(),
        pl.col("cluster").first(),
        pl.col("cluster").n_unique().alias("nc"),
    )
    split_units = int((units["nc"] > 1).sum())
    true_pairs = _pairs(units.group_by("person").len()["len"])
    pred_pairs = _pairs(units.group_by("cluster").len()["len"])
    tp = _pairs(units.group_by("person", "cluster").len()["len"])
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "units": units.height,
        "payers": int(units["person"].n_unique()),
        "clusters": int(units["cluster"].n_unique()),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "true_positive_pairs": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "units_split_across_clusters": split_units,
    }


def trap_report(traps_path: Path, truth: pl.DataFrame, clusters: pl.DataFrame) -> dict[str, str]:
    """Per trap kind: how many pairs were wrongly merged / people left split."""
    rows = truth.join(clusters, on=["source", "key"])
    person_clusters = rows.group_by("person").agg(pl.col("cluster").unique())
    pc = dict(
        zip(person_clusters["person"].to_list(), person_clusters["cluster"].to_list(), strict=True)
    )
    row_cluster = {(s, k): c for s, k, c in clusters.iter_rows()}
    row_person = {(s, k): p for s, k, p in truth.iter_rows()}
    out: dict[str, list[int]] = {}
    with traps_path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            kind, a, b = r["trap"], r["person_id"], r["other_person_id"]
            if r["債権番号"]:
                key = (r["抽出元"], r["債権番号"])
                p = row_person.get(key)
                ok = (
                    p is not None
                    and len(pc.get(p, [])) == 1
                    and row_cluster.get(key) in pc.get(p, [])
                )
                bad = 0 if ok else 1
            elif b:
                if a not in pc or b not in pc:
                    continue
                bad = 1 if set(pc[a]) & set(pc[b]) else 0  # merged two people
            else:
                if a not in pc:
                    continue
                bad = 1 if len(pc[a]) > 1 else 0  # one person left in pieces
            tot = out.setdefault(kind, [0, 0])
            tot[0] += 1
            tot[1] += bad
    return {k: f"{v[1]}/{v[0]}" for k, v in sorted(out.items())}


# --- the two systems, each in a child process (for its own peak memory) ------------------


def run_engine(folder: Path, out: Path) -> None:
    from nofu.lib.matching import match_records

    files = {p.stem: p for p in folder.glob("*.csv") if p.name not in ("truth.csv", "traps.csv")}
    t0 = time.perf_counter()
    frame = load_frame(files)
    t1 = time.perf_counter()
    result = match_records(frame)
    t2 = time.perf_counter()  # clusters in memory: the end of the timed span
    result.clusters.write_parquet(out / "engine_clusters.parquet")
    result.review.write_parquet(out / "engine_review.parquet")
    stats = {k: float(v) for k, v in result.stats.items()}
    stats.update(
        {
            "seconds_read": t1 - t0,
            "seconds_match": t2 - t1,
            "seconds_to_clusters": t2 - t0,
            "peak_mb": _peak_mb(),
        }
    )
    (out / "engine_stats.json").write_text(json.dumps(stats))


TIMED_THRESHOLD = "0.9"


def run_splink(folder: Path, out: Path) -> None:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from nofu.lib.matching._enrich import enrich
    from nofu.lib.matching._features import record_profiles, records_frame
    from nofu.lib.matching._model import MatchModel, learn_families, learn_readings

    files = {p.stem: p for p in folder.glob("*.csv") if p.name not in ("truth.csv", "traps.csv")}
    t0 = time.perf_counter()
    frame = load_frame(files)
    t1 = time.perf_counter()
    # The same normalized fields as the engine (its normalization, timed for Splink too).
    profiles, mapping = record_profiles(records_frame(frame))
    # Readings and family names learned from the data are part of normalization (a
    # record with no reading borrows one); the engine's own model (frequencies, u) is not.
    readings, part_readings = learn_readings(profiles)
    families, kana_families = learn_families(profiles)
    shell = MatchModel(0, 0.0, {}, {}, readings, part_readings, families, kana_families)
    enriched = enrich(profiles, shell)
    data = (
        enriched.select(
            pl.col("pid").alias("unique_id"),
            *[
                pl.when(pl.col(c) != "").then(pl.col(c)).otherwise(None).alias(c)
                for c in (
                    "rno",
                    "nm",
                    "nm_fam",
                    "nm_giv",
                    "kl",
                    "kl_fam",
                    "kl_giv",
                    "lat",
                    "dob",
                    "sex",
                    "nat",
                    "addr",
                    "town",
                    "room",
                    "cform",
                )
            ],
            pl.col("corp").cast(pl.String),
            pl.concat_str(["ph_mobile", "ph_fixed"], separator=";")
            .str.split(";")
            .list.eval(pl.element().filter(pl.element() != ""))
            .alias("phones"),
        )
        .with_columns(
            pl.col("phones").list.get(0, null_on_oob=True).alias("phone1"),
            pl.col("phones").list.get(1, null_on_oob=True).alias("phone2"),
        )
        .drop("phones")
    )
    t2 = time.perf_counter()
    db_api = DuckDBAPI()
    sdf = db_api.register(data.to_arrow(), table_name="profiles")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("rno"),
            block_on("kl", "dob"),
            block_on("nm", "dob"),
            block_on("kl_giv", "dob"),
            block_on("nm_giv", "dob"),
            block_on("lat", "dob"),
            block_on("addr", "dob"),
            block_on("addr", "kl"),
            block_on("addr", "nm"),
            block_on("phone1"),
            block_on("phone2"),
            "l.phone1 = r.phone2",
            "l.phone2 = r.phone1",
            "l.kl = r.kl AND (l.dob IS NULL OR r.dob IS NULL)",
            "l.nm = r.nm AND (l.dob IS NULL OR r.dob IS NULL)",
            block_on("nm", "corp"),
        ],
        comparisons=[
            cl.ExactMatch("rno"),
            # One name comparison with the levels the engine has, strongest first.
            cl.CustomComparison(
                output_column_name="name",
                comparison_levels=[
                    {
                        "sql_condition": "(kl_l IS NULL OR kl_r IS NULL) AND (nm_l IS NULL OR nm_r IS NULL) "
                        "AND (lat_l IS NULL OR lat_r IS NULL)",
                        "label_for_charts": "null",
                        "is_null_level": True,
                    },
                    {
                        "sql_condition": "nm_l = nm_r AND kl_l = kl_r",
                        "label_for_charts": "exact",
                        "tf_adjustment_column": "kl",
                        "tf_adjustment_weight": 1.0,
                    },
                    {
                        "sql_condition": "kl_l = kl_r",
                        "label_for_charts": "reading",
                        "tf_adjustment_column": "kl",
                        "tf_adjustment_weight": 1.0,
                    },
                    {
                        "sql_condition": "nm_l = nm_r",
                        "label_for_charts": "written",
                        "tf_adjustment_column": "nm",
                        "tf_adjustment_weight": 1.0,
                    },
                    {
                        "sql_condition": "lat_l = lat_r",
                        "label_for_charts": "latin",
                        "tf_adjustment_column": "lat",
                        "tf_adjustment_weight": 1.0,
                    },
                    {
                        "sql_condition": "kl_giv_l = kl_giv_r AND kl_fam_l <> kl_fam_r",
                        "label_for_charts": "given only",
                    },
                    {
                        "sql_condition": "jaro_winkler_similarity(kl_l, kl_r) >= 0.92 "
                        "AND coalesce(kl_giv_l = kl_giv_r, true)",
                        "label_for_charts": "close",
                    },
                    {"sql_condition": "ELSE", "label_for_charts": "else"},
                ],
            ),
            cl.ExactMatch("dob").configure(term_frequency_adjustments=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("corp"),
            cl.ExactMatch("cform"),
            cl.ExactMatch("nat").configure(term_frequency_adjustments=True),
            cl.CustomComparison(
                output_column_name="address",
                comparison_levels=[
                    {
                        "sql_condition": "addr_l IS NULL OR addr_r IS NULL",
                        "label_for_charts": "null",
                        "is_null_level": True,
                    },
                    {
                        "sql_condition": "addr_l = addr_r AND coalesce(room_l, '') = coalesce(room_r, '')",
                        "label_for_charts": "exact",
                        "tf_adjustment_column": "addr",
                        "tf_adjustment_weight": 1.0,
                    },
                    {"sql_condition": "addr_l = addr_r", "label_for_charts": "same block"},
                    {"sql_condition": "town_l = town_r", "label_for_charts": "same town"},
                    {"sql_condition": "ELSE", "label_for_charts": "else"},
                ],
            ),
            cl.CustomComparison(
                output_column_name="phone",
                comparison_levels=[
                    {
                        "sql_condition": "phone1_l IS NULL OR phone1_r IS NULL",
                        "label_for_charts": "null",
                        "is_null_level": True,
                    },
                    {
                        "sql_condition": "phone1_l = phone1_r OR phone1_l = phone2_r OR phone2_l = phone1_r "
                        "OR phone2_l = phone2_r",
                        "label_for_charts": "shared",
                    },
                    {"sql_condition": "ELSE", "label_for_charts": "else"},
                ],
            ),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(sdf, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("rno"), "l.kl = r.kl AND l.dob = r.dob AND l.addr = r.addr"], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("kl"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("addr"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone1"))
    t3 = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=0.5)
    t4 = time.perf_counter()
    results = {}
    times = {}
    # The timed span ends with the clusters at one threshold (0.9, Splink's best F1 in
    # every run so far); the other thresholds are computed after it, for the quality table.
    for thr in (TIMED_THRESHOLD, "0.5", "0.8", "0.99", "0.999"):
        c0 = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, float(thr))
        tbl = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").pl()
        # Rows of one 宛名番号 are one person: union Splink's clusters through them.
        results[thr] = _with_rno(tbl, enriched, mapping)
        times[thr] = time.perf_counter() - c0
        if thr == TIMED_THRESHOLD:
            t5 = time.perf_counter()
    stats = {
        "seconds_read": t1 - t0,
        "seconds_normalize": t2 - t1,
        "seconds_train": t3 - t2,
        "seconds_predict": t4 - t3,
        "seconds_cluster": times,
        "seconds_to_clusters": t5 - t0,
        "peak_mb": _peak_mb(),
    }
    for thr, df in results.items():
        df.write_parquet(out / f"splink_clusters_{thr}.parquet")
    (out / "splink_stats.json").write_text(
        json.dumps({k: v for k, v in stats.items()}, default=str)
    )


def _with_rno(tbl: pl.DataFrame, enriched: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    prof = enriched.select("pid", "rno").join(
        tbl.select(pl.col("unique_id").alias("pid"), pl.col("cluster_id").cast(pl.String)),
        on="pid",
        how="left",
    )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for _pid, rno, cid in prof.iter_rows():
        if rno:
            a, b = find("c" + cid), find("r" + rno)
            if a != b:
                parent[max(a, b)] = min(a, b)
    labels = [find("c" + cid) for cid in prof["cluster_id"].to_list()]
    prof = prof.with_columns(pl.Series("cluster", labels))
    return mapping.join(prof.select("pid", "cluster"), on="pid").select("source", "key", "cluster")


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _child(kind: str, folder: Path, out: Path) -> float:
    """Runs one system in a child process; its CPU seconds (with its own children) are
    written next to its stats, since wall time on a shared machine depends on the load."""
    cpu0 = _cpu_children()
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--child", kind, "--folder", str(folder), "--out", str(out)],
        check=True,
    )
    wall = time.perf_counter() - t0
    stats_file = out / f"{kind}_stats.json"
    stats = json.loads(stats_file.read_text())
    stats["cpu_seconds"] = _cpu_children() - cpu0
    stats["process_wall"] = wall
    stats["load_before"], stats["load_after"] = load0, os.getloadavg()[0]
    stats_file.write_text(json.dumps(stats))
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per system; the fastest counts")
    ap.add_argument("--child", choices=["engine", "splink"])
    ap.add_argument("--folder", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.child:
        (run_engine if args.child == "engine" else run_splink)(args.folder, args.out)
        return

    say(
        f"data: demo generator, {args.rows:,} rows, seed {args.seed}; load average {os.getloadavg()[0]:.1f}"
    )
    t0 = time.perf_counter()
    files = generated_files(args.rows, args.seed)
    folder = next(iter(files.values())).parent
    say(f"  generated/reused in {time.perf_counter() - t0:.1f}s: {folder}")
    out = OUT / f"matching-{args.rows}-{args.seed}"
    out.mkdir(parents=True, exist_ok=True)
    frame = load_frame(files)
    truth = pl.read_csv(folder / "truth.csv", schema_overrides={"債権番号": pl.String}).select(
        pl.col("抽出元").alias("source"),
        pl.col("債権番号").alias("key"),
        pl.col("person_id").alias("person"),
    )

    # Runs alternate (engine, Splink, engine, …) and each system keeps its fastest run:
    # other work on a shared machine slows whichever happens to run beside it.
    runs: dict[str, list[tuple[float, dict]]] = {"engine": [], "splink": []}

    def fastest(kind: str) -> tuple[float, dict]:
        """The run with the shortest span from reading the files to clusters."""
        st = min((r[1] for r in runs[kind]), key=lambda x: x["seconds_to_clusters"])
        return st["seconds_to_clusters"], st

    def timing(st: dict) -> str:
        return (
            f"process wall {st['process_wall']:.1f}s, CPU {st['cpu_seconds']:.1f}s, "
            f"peak {st['peak_mb']:.0f} MB, load {st['load_before']:.1f} → {st['load_after']:.1f}"
        )

    splink_error = None
    if not args.no_splink:
        for stale in out.glob("splink_clusters_*.parquet"):
            stale.unlink()
    for _ in range(args.repeat):
        w = _child("engine", folder, out)
        runs["engine"].append((w, json.loads((out / "engine_stats.json").read_text())))
        if not args.no_splink and splink_error is None:
            try:
                w = _child("splink", folder, out)
            except subprocess.CalledProcessError as exc:
                splink_error = exc
            else:
                runs["splink"].append((w, json.loads((out / "splink_stats.json").read_text())))
    wall, st = fastest("engine")
    clusters = pl.read_parquet(out / "engine_clusters.parquet")
    review = pl.read_parquet(out / "engine_review.parquet")
    q = evaluate(frame, truth, clusters)
    say("\nnofu engine")
    say(
        f"  read to clusters {wall:.1f}s (read {st['seconds_read']:.1f}s, normalize "
        f"{st['seconds_features']:.1f}s, fit {st['seconds_fit']:.1f}s, pairs "
        f"{st['seconds_pairs']:.1f}s, cluster {st['seconds_cluster']:.1f}s); {timing(st)}"
    )
    say(
        f"  profiles {st['profiles']:,.0f}, candidate pairs {st['candidate_pairs']:,.0f}, "
        f"sure pairs {st['sure_pairs']:,.0f}"
    )
    say(
        f"  precision {q['precision']:.5f}  recall {q['recall']:.5f}  F1 {q['f1']:.5f}  "
        f"(true pairs {q['true_pairs']:,}, predicted {q['predicted_pairs']:,})"
    )
    share = review.height / q["payers"]
    say(f"  review queue {review.height:,} pairs = {share:.3%} of {q['payers']:,} payers")
    say(f"  traps (wrong/total): {trap_report(folder / 'traps.csv', truth, clusters)}")
    summary = {
        "rows": args.rows,
        "engine": {**q, "wall": wall, "review_pairs": review.height, "review_share": share, **st},
    }

    if len(runs["engine"]) > 1:
        spans = ", ".join(f"{r[1]['seconds_to_clusters']:.1f}s" for r in runs["engine"])
        say(f"  engine runs (read to clusters): {spans}")
    if not args.no_splink:
        if splink_error is not None:
            say(f"\nSplink failed: {splink_error}")
        else:
            wall_s, ss = fastest("splink")
            say("\nSplink 5 (DuckDB)")
            best = None
            for f in sorted(out.glob("splink_clusters_*.parquet")):
                thr = f.stem.rsplit("_", 1)[1]
                qs = evaluate(frame, truth, pl.read_parquet(f))
                say(
                    f"  threshold {thr}: precision {qs['precision']:.5f}  recall {qs['recall']:.5f}  "
                    f"F1 {qs['f1']:.5f}"
                )
                if best is None or qs["f1"] > best[1]["f1"]:
                    best = (thr, qs)
            say(
                f"  read to clusters at {TIMED_THRESHOLD} {wall_s:.1f}s (read "
                f"{ss['seconds_read']:.1f}s, normalize {ss['seconds_normalize']:.1f}s, train "
                f"{ss['seconds_train']:.1f}s, predict {ss['seconds_predict']:.1f}s, cluster "
                f"{ss['seconds_cluster'][TIMED_THRESHOLD]:.1f}s); {timing(ss)}"
            )
            if len(runs["splink"]) > 1:
                spans = ", ".join(f"{r[1]['seconds_to_clusters']:.1f}s" for r in runs["splink"])
                say(f"  Splink runs (read to clusters): {spans}")
            assert best is not None
            say(
                f"\nengine vs Splink: F1 {q['f1']:.5f} vs {best[1]['f1']:.5f} (Splink's best threshold {best[0]}); "
                f"read to clusters {wall:.1f}s vs {wall_s:.1f}s = {wall / wall_s:.2f}x; "
                f"process wall {st['process_wall']:.1f}s vs {ss['process_wall']:.1f}s; "
                f"CPU {st['cpu_seconds']:.1f}s vs {ss['cpu_seconds']:.1f}s = {st['cpu_seconds'] / ss['cpu_seconds']:.2f}x"
            )
            core_e = st["seconds_total"] - st["seconds_features"]
            core_s = (
                ss["seconds_train"] + ss["seconds_predict"] + ss["seconds_cluster"][TIMED_THRESHOLD]
            )
            say(
                f"matching alone (after the shared reading and normalization): {core_e:.1f}s vs "
                f"{core_s:.1f}s = {core_e / core_s:.2f}x"
            )
            summary["splink"] = {"best_threshold": best[0], **best[1], "wall": wall_s, **ss}
    summary["load_average_end"] = os.getloadavg()
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    say(f"load average at the end: {os.getloadavg()[0]:.1f}")
    say(f"\nsummary: {out / 'summary.json'}")


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    main()
