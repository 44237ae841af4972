"""Late charges in bulk (issue 6): `compute_many` over 1,000,000 installments against the
one-at-a-time `compute`, in the same run, on the same data.

    .venv/bin/python bench/entaikin_bulk.py [--n 1000000] [--sample 100000] [--seed 6]

The one-at-a-time run is timed on `--sample` rows (0 = all rows) and extrapolated to n;
the script says so in its output. Both results are compared row by row on those rows, and
the script exits non-zero if they differ anywhere.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nofu.lib.entaikin import LOCAL_TAX, RuleSet, Start, compute, compute_many  # noqa: E402

AS_OF = date(2026, 3, 31)
SUBJECTS = ["01", "02", "03", "04", "05", "06", "07", "10", "11", "12", "13", "14", "15"]
RULES: dict[int, RuleSet] = {i: LOCAL_TAX for i in range(len(SUBJECTS))}
RULES[SUBJECTS.index("10")] = RuleSet(first_period_months=3, name="国保料（3か月）")
RULES[SUBJECTS.index("14")] = RuleSet(start=Start.AFTER_DEMAND_NOTICE, name="保育料（督促起算）")


def generate(n: int, seed: int) -> dict[str, np.ndarray]:
    """Installments shaped like the city's delinquency: mostly recent, mostly small."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2014-01-01")
    span = (np.datetime64("2025-12-31") - start).astype(int)
    due = start + (span * rng.power(3.0, n)).astype(np.int64)  # skewed towards recent years
    amount = np.clip(rng.lognormal(10.0, 1.2, n), 100, 50_000_000).astype(np.int64)
    subject = rng.integers(0, len(SUBJECTS), n)
    notice = due + rng.integers(10, 35, n)
    notice = np.where(rng.random(n) < 0.1, np.datetime64("NaT"), notice).astype("datetime64[D]")
    return {"amount": amount, "due": due, "subject": subject, "notice": notice}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--sample", type=int, default=100_000, help="rows for compute (0 = all)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=3, help="bulk runs; the best is reported")
    args = p.parse_args()

    t0 = time.perf_counter()
    d = generate(args.n, args.seed)
    print(f"generated {args.n:,} installments in {time.perf_counter() - t0:.2f} s (as of {AS_OF})")

    best = float("inf")
    bulk = np.zeros(0, dtype=np.int64)
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        bulk = compute_many(
            d["amount"],
            d["due"],
            AS_OF,
            d["subject"],
            rule_sets=RULES,
            demand_notice=d["notice"],
        )
        best = min(best, time.perf_counter() - t0)
    print(f"compute_many: {args.n:,} rows in {best:.3f} s (best of {args.repeat})")

    m = args.n if args.sample <= 0 else min(args.sample, args.n)
    rows = np.random.default_rng(args.seed + 1).choice(args.n, m, replace=False)
    # Python objects are made before the clock starts: the loop times compute() alone.
    inputs = [
        (
            int(d["amount"][i]),
            date.fromisoformat(str(d["due"][i])),
            RULES[int(d["subject"][i])],
            None if np.isnat(d["notice"][i]) else date.fromisoformat(str(d["notice"][i])),
        )
        for i in rows.tolist()
    ]
    t0 = time.perf_counter()
    one = [
        compute(a, due, AS_OF, rules=rules, demand_notice=notice).total
        for a, due, rules, notice in inputs
    ]
    elapsed = time.perf_counter() - t0
    per_row = elapsed / m
    full = per_row * args.n
    how = "measured" if m == args.n else f"extrapolated from {m:,} rows"
    print(
        f"compute (one at a time): {m:,} rows in {elapsed:.2f} s = {per_row * 1e6:.1f} µs/row; "
        f"{args.n:,} rows: {full:.1f} s ({how})"
    )
    print(f"ratio: compute_many is {full / best:.1f}x faster")

    diff = np.flatnonzero(bulk[rows] != np.asarray(one, dtype=np.int64))
    print(
        f"agreement: {m - diff.size:,}/{m:,} rows equal; "
        f"total of charges {int(bulk.sum()):,} yen, {int((bulk > 0).sum()):,} rows charged"
    )
    if diff.size:
        print(f"MISMATCH in rows {rows[diff[:10]].tolist()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
