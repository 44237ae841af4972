"""Write the city's files: 架電対象者データ per system, 収納データ, and the answer key.

Rows are rendered and written one at a time (csv module, encoding done by the file
object), so memory stays flat however many rows are asked for.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from . import jcal
from .model import (
    SOURCES,
    TRAPS_FILE,
    TRUTH_FILE,
    Population,
    key_of,
)
from .render import COLUMNS, CP932_SOURCES, EXTRA_COLUMNS, Renderer

PAYMENT_COLUMNS = ["抽出元", "債権番号", "収納日", "収納額", "収納方法"]
PAYMENT_METHODS = (
    ("コンビニ", 34),
    ("窓口", 20),
    ("スマホ決済", 15),
    ("ペイジー", 8),
    ("口座振替", 8),
    ("eL-QR", 6),
    ("クレジット", 6),
    ("その他", 3),
)
TRAP_COLUMNS = ["trap", "person_id", "other_person_id", "抽出元", "債権番号", "detail"]


def file_name(source: str) -> str:
    return f"{source}.csv"


def _open(path: Path, source: str) -> IO[str]:
    if source in CP932_SOURCES:
        # strict: every character CP932 cannot hold was turned into 〓 while rendering.
        return path.open("w", encoding="cp932", errors="strict", newline="")
    return path.open("w", encoding="utf-8-sig", newline="")


def _layout(source: str, rng: random.Random, extra_rate: float, shuffle_rate: float) -> list[str]:
    """The header of one extraction: the spec's columns, sometimes more, in some order."""
    cols = list(COLUMNS[source])
    if rng.random() < extra_rate:
        extras = rng.sample(EXTRA_COLUMNS, rng.randint(1, 2))
        for c in extras:
            if rng.random() < 0.5:
                cols.append(c)
            else:
                cols.insert(rng.randrange(1, len(cols)), c)
    if rng.random() < shuffle_rate:
        rng.shuffle(cols)
    return cols


def write_call_target_files(pop: Population, out_dir: Path | str) -> dict[str, Path]:
    """Write one 架電対象者データ file per system plus truth.csv and traps.csv.

    truth.csv: 抽出元,債権番号,person_id for every row. traps.csv: one line per labelled
    trap, either about a row (抽出元, 債権番号) or about a person or a pair of people.
    """
    cfg = pop.config
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    layout_rng = random.Random(f"demogen-layout-{cfg.seed}")
    headers = {
        s: _layout(s, layout_rng, cfg.extra_column_rate, cfg.column_shuffle_rate) for s in SOURCES
    }
    paths = {s: out / file_name(s) for s in SOURCES}
    files = {s: _open(paths[s], s) for s in SOURCES}
    renderer = Renderer(cfg)
    try:
        writers = {s: csv.writer(files[s], lineterminator="\r\n") for s in SOURCES}
        for s in SOURCES:
            writers[s].writerow(headers[s])
        extras = {s: [c for c in headers[s] if c in EXTRA_COLUMNS] for s in SOURCES}
        with (
            (out / TRUTH_FILE).open("w", encoding="utf-8", newline="") as tf,
            (out / TRAPS_FILE).open("w", encoding="utf-8", newline="") as xf,
        ):
            truth = csv.writer(tf, lineterminator="\n")
            traps = csv.writer(xf, lineterminator="\n")
            truth.writerow(["抽出元", "債権番号", "person_id"])
            traps.writerow(TRAP_COLUMNS)
            for t in pop.traps:
                traps.writerow([t.kind, t.person_id, t.other_person_id, t.source, t.key, t.detail])
            for payer in pop.payers:
                renderer.begin_payer()
                pid = payer.pid
                for rec in payer.receivables:
                    src = rec.source
                    w = writers[src]
                    header = headers[src]
                    ex = extras[src]
                    for i in range(len(rec.periods)):
                        row, labels = renderer.row(payer, rec, i)
                        for c in ex:
                            row[c] = renderer.extra_value(c, payer, rec)
                        w.writerow([row[c] for c in header])
                        key = row["債権番号"]
                        truth.writerow([src, key, pid])
                        for lab in labels:
                            traps.writerow([lab, pid, "", src, key, ""])
    finally:
        for f in files.values():
            f.close()
    return paths


# --- payments ---------------------------------------------------------------------------

_M64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64: a cheap, well-spread hash so each installment's payments are fixed by
    (seed, key) alone, whatever date range is asked for."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


class _Uniform:
    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed

    def __call__(self) -> float:
        self.state = _mix(self.state)
        return self.state / 2.0**64


def _method(u: float, transfer: bool) -> str:
    total = sum(w for m, w in PAYMENT_METHODS if transfer or m != "口座振替")
    r = u * total
    for m, w in PAYMENT_METHODS:
        if m == "口座振替" and not transfer:
            continue
        r -= w
        if r < 0:
            return m
    return "その他"


def installment_payments(
    seed: int, source: str, key_no: int, unpaid: int, transfer: bool, as_of: date
) -> list[tuple[date, int, str]]:
    """Payments on one installment from 45 days before to 120 after the extraction.

    Those before it are the ones the extraction had not yet reflected (収納消込 lags by a
    week or two); their sum never exceeds 未納額.
    """
    u = _Uniform(_mix(seed * 1_000_003 + SOURCES.index(source) * 100_000_000 + key_no))
    if u() >= 0.3 or unpaid <= 0:
        return []
    r = u()
    n = 1 if r < 0.75 else 2 if r < 0.93 else 3
    total = unpaid if u() < 0.6 else max(100, int(unpaid * (0.2 + 0.7 * u())) // 100 * 100)
    total = min(total, unpaid)
    if total < n * 100:
        n = 1
    parts = []
    left = total
    for k in range(n - 1):
        share = max(100, int(left * (0.3 + 0.4 * u())) // 100 * 100)
        share = min(share, left - 100 * (n - 1 - k))
        parts.append(share)
        left -= share
    parts.append(left)
    out = []
    d = as_of - timedelta(days=45) + timedelta(days=int(u() * 165))
    for amount in parts:
        method = _method(u(), transfer)
        if method in ("窓口", "口座振替", "ペイジー"):
            d = jcal.next_business_day(d)
        out.append((d, amount, method))
        d = d + timedelta(days=20 + int(u() * 26))
    return out


def write_payment_file(pop: Population, out_path: Path | str, start: date, end: date) -> Path:
    """収納データ (CP932, CRLF) of the payments dated start..end inclusive, by date."""
    cfg = pop.config
    rows: list[tuple[date, int, str, str, int, str]] = []
    for payer in pop.payers:
        for rec in payer.receivables:
            order = SOURCES.index(rec.source)
            for i in range(len(rec.periods)):
                n = rec.first_key + i
                for d, amount, method in installment_payments(
                    cfg.seed, rec.source, n, rec.unpaid[i], rec.transfer, cfg.as_of
                ):
                    if start <= d <= end:
                        rows.append((d, order, rec.source, key_of(rec.source, n), amount, method))
    rows.sort()
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp932", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(PAYMENT_COLUMNS)
        for d, _, src, key, amount, method in rows:
            w.writerow([src, key, d.isoformat(), amount, method])
    return path
