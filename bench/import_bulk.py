"""Import of 1,000,000 call-target rows vs a raw bulk load of the same rows (issue 2).

    .venv/bin/python -m bench.import_bulk --rows 1000000 [--database-url postgres://postgres@127.0.0.1:5432/x]

Baseline: the rows of the same files, already parsed (csv module, strings), bulk-loaded
into a plain table of the same database with executemany (SQLite) or COPY (PostgreSQL):
the least any loader must do. Measured: `nofu import` of the files (read, detect
encoding, validate, normalize, assign payers, write installments, phones, addresses,
totals, register, audit). The import runs in a child process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import time

from bench.common import generated_files, say, use_database

CHILD = """
import os, sys, time, json, resource
os.environ["DJANGO_SETTINGS_MODULE"] = "nofu.settings"
import django; django.setup()
from pathlib import Path
from nofu.intake.importer import file_import
t = time.perf_counter(); out = []
for p in sys.argv[1:]:
    b = file_import(data=Path(p).read_bytes(), file_name=Path(p).name, actor=None)
    out.append([b.file_name, b.status, b.rows_read, b.rows_imported, b.rows_rejected])
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "batches": out,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def baseline(files: list, rows_total: list[int]) -> float:
    from django.db import connection, transaction

    from nofu.intake.bulk import bulk_insert

    parsed = []
    for path in files:
        data = path.read_bytes()
        enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp932"
        reader = csv.reader(io.StringIO(data.decode(enc)))
        header = next(reader)
        parsed.append((header, [r for r in reader]))
    rows_total.append(sum(len(r) for _, r in parsed))
    width = max(len(h) for h, _ in parsed)
    cols = [f"c{i}" for i in range(width)]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw")
        cur.execute(f"CREATE TABLE bench_raw ({', '.join(c + ' text' for c in cols)})")
    t = time.perf_counter()
    with transaction.atomic():
        for _, rows in parsed:
            bulk_insert("bench_raw", cols, (r + [""] * (width - len(r)) for r in rows))
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    t = time.perf_counter()
    files = list(generated_files(args.rows).values())
    say(f"data: {[f.name for f in files]} ({time.perf_counter() - t:.1f}s to generate or reuse)")
    url = use_database(args.database_url, "nofu_bench_import")
    total: list[int] = []
    base = baseline(files, total)
    say(f"baseline raw bulk load of {total[0]:,} parsed rows: {base:.1f}s")
    env = {**__import__("os").environ, "DATABASE_URL": url}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    for b in res["batches"]:
        say(f"  {b[0]}: {b[1]} read {b[2]:,} imported {b[3]:,} rejected {b[4]:,}")
    say(f"nofu import: {res['seconds']:.1f}s, peak memory {res['peak_mb']:.0f} MB")
    say(
        f"ratio import / baseline = {res['seconds'] / base:.2f} (target ≤ 3.0); "
        f"database {url.split('://')[0]}"
    )


if __name__ == "__main__":
    main()
