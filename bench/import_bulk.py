"""Import of 1,000,000 call-target rows vs a raw bulk load of the same rows (issue 2).

    .venv/bin/python -m bench.import_bulk --rows 1000000 [--database-url postgres://postgres@127.0.0.1:5432/x]

Baseline: the same rows, already parsed into exactly the tuples the import writes, bulk-
loaded into the same installments table (same indexes) of the same kind of database with
the import's own loader (`frame_insert`: executemany on SQLite, one COPY stream on
PostgreSQL): the least any loader of these rows must do. Measured: `nofu import` of the files (read, detect
encoding, validate, normalize, assign payers, write installments, phones, addresses,
totals, register, audit). The import runs in a child process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from bench.common import generated_files, say, use_database, use_database_again

CHILD = """
import os, sys, time, json, resource
os.environ["DJANGO_SETTINGS_MODULE"] = "nofu.settings"
import django; django.setup()
from pathlib import Path
from nofu.intake.importer import file_import
t = time.perf_counter(); out = []
for p in sys.argv[1:]:
    b = file_import(path=Path(p), file_name=Path(p).name, actor=None)
    out.append([b.file_name, b.status, b.rows_read, b.rows_imported, b.rows_rejected])
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "batches": out,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def baseline(files: list, rows_total: list[int]) -> float:
    """Bulk-loads the import's own rows, already parsed, into the same installments table."""
    from django.db import transaction
    from django.utils import timezone

    from nofu.intake import fields as F
    from nofu.intake.bulk import frame_insert
    from nofu.intake.importer import _derive_identity, installment_frame, parse_columns
    from nofu.intake.models import BatchStatus, ImportBatch
    from nofu.lib.readers import read_table
    from nofu.payers.models import Payer

    payer = Payer.objects.create(name="baseline")
    batch = ImportBatch.objects.create(
        file_name="baseline", sha256="0" * 64, status=BatchStatus.IMPORTED
    )
    now, today = timezone.now(), timezone.localdate()
    prepared = []
    for path in files:  # parsing is not timed: the baseline starts from parsed rows
        table = read_table(path.read_bytes())
        parsed, _ = parse_columns(table, F.CALL_TARGET_COLUMNS)
        rows = _derive_identity(table, parsed)
        rows = rows.with_columns(__import__("polars").lit(payer.pk).alias("payer_id"))
        prepared.append(installment_frame(rows, batch.pk, now, today, fresh=True))
    rows_total.append(sum(p.height for p in prepared))
    t = time.perf_counter()
    with transaction.atomic():
        for frame in prepared:
            frame_insert("payers_installment", frame)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    t = time.perf_counter()
    files = list(generated_files(args.rows).values())
    say(f"data: {[f.name for f in files]} ({time.perf_counter() - t:.1f}s to generate or reuse)")
    url = use_database(args.database_url, "nofu_bench_baseline")
    total: list[int] = []
    base = baseline(files, total)
    url = use_database_again(args.database_url, "nofu_bench_import")
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
