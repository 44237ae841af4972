"""Import of 1,000,000 call-target rows vs a raw bulk load of the same rows (issue 2).

    .venv/bin/python -m bench.import_bulk --rows 1000000 [--database-url postgres://postgres@127.0.0.1:5432/x]
        [--assigner matching|resident] [--name nofu_bench_import]

Baseline: the same rows, already parsed into exactly the tuples the import writes, bulk-
loaded into the same installments table (same indexes) of the same kind of database with
the import's own loader (`frame_insert`: executemany on SQLite, one COPY stream on
PostgreSQL): the least any loader of these rows must do. Measured: `nofu import` of the files (read, detect
encoding, validate, normalize, assign payers, write installments, phones, addresses,
totals, register, audit). The import runs in a child process so its peak memory is its own;
its matching state goes to a folder of the benchmark's own (bench/out/var-NAME), never the
app's var/. Prints the 1-minute load average before and after, and CPU seconds of each side
(on PostgreSQL most of the baseline's work is the server's, not this process's).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from bench.common import OUT, generated_files, say, use_database, use_database_again

CHILD = """
import os, sys, time, json, resource
os.environ["DJANGO_SETTINGS_MODULE"] = "nofu.settings"
import django; django.setup()
from pathlib import Path
from nofu.intake.importer import file_import
from nofu.payers.assign import MatchingAssigner, ResidentNoAssigner
assigner = {"matching": MatchingAssigner, "resident": ResidentNoAssigner}[sys.argv[1]]()
t = time.perf_counter(); c = time.process_time(); out = []
for p in sys.argv[2:]:
    b = file_import(path=Path(p), file_name=Path(p).name, actor=None, assigner=assigner)
    out.append([b.file_name, b.status, b.rows_read, b.rows_imported, b.rows_rejected])
secs, cpu = time.perf_counter() - t, time.process_time() - c
# VmHWM, not ru_maxrss: Linux carries the parent's resident size at fork into the child's
# ru_maxrss across exec, and the parent holds the baseline's million parsed rows
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": secs, "cpu": cpu, "batches": out,
                  "peak_mb": int(hwm.split()[1]) / 1024,
                  "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def baseline(files: list, rows_total: list[int]) -> float:
    """Bulk-loads the import's own rows, already parsed, into the same installments table."""
    from django.db import transaction
    from django.utils import timezone

    from nofu.intake import fields as F
    from nofu.intake.bulk import frame_insert
    from nofu.intake.importer import _derive_identity, installment_frame, parse_columns, with_raw
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
        rows = with_raw(table, _derive_identity(table, parsed))
        rows = rows.with_columns(__import__("polars").lit(payer.pk).alias("payer_id"))
        prepared.append(installment_frame(rows, batch.pk, now, today, fresh=True))
    rows_total.append(sum(p.height for p in prepared))
    t, c = time.perf_counter(), time.process_time()
    with transaction.atomic():
        for frame in prepared:
            frame_insert("payers_installment", frame)
    rows_total.append(time.process_time() - c)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--database-url")
    ap.add_argument("--assigner", choices=["matching", "resident"], default="matching")
    ap.add_argument(
        "--name", default="nofu_bench_import", help="the import's database (and NAME_baseline)"
    )
    args = ap.parse_args()
    say(f"load average (1 min) before: {load()}")
    t = time.perf_counter()
    files = list(generated_files(args.rows).values())
    say(f"data: {[f.name for f in files]} ({time.perf_counter() - t:.1f}s to generate or reuse)")
    url = use_database(args.database_url, f"{args.name}_baseline")
    total: list = []
    base = baseline(files, total)
    url = use_database_again(args.database_url, args.name)
    say(
        f"baseline raw bulk load of {total[0]:,} parsed rows: {base:.1f}s "
        f"(this process's CPU {total[1]:.1f}s), load {load()}"
    )
    var = OUT / f"var-{args.name}"  # the child's matching state: the benchmark's own
    shutil.rmtree(var, ignore_errors=True)
    env = {**os.environ, "DATABASE_URL": url, "NOFU_VAR_DIR": str(var)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, args.assigner, *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    for b in res["batches"]:
        say(f"  {b[0]}: {b[1]} read {b[2]:,} imported {b[3]:,} rejected {b[4]:,}")
    say(
        f"nofu import ({args.assigner}): {res['seconds']:.1f}s (CPU {res['cpu']:.1f}s), "
        f"peak memory {res['peak_mb']:.0f} MB (target < 2048; ru_maxrss, which counts the "
        f"parent's size at fork, {res['ru_maxrss_mb']:.0f} MB)"
    )
    say(
        f"ratio import / baseline = {res['seconds'] / base:.2f} (target ≤ 3.0); "
        f"database {url.split('://')[0]}; load average after: {load()}"
    )


if __name__ == "__main__":
    main()
