"""`nofu demo_files`: the city's files for a fictitious Chiba City, with the answer key.

Writes 統一滞納管理.csv, 国保返納金.csv, 給食費.csv (架電対象者データ), 収納データ.csv
(payments of the last --payments-days days up to --as-of), truth.csv and traps.csv.
The same --rows, --seed and --as-of always give the same bytes.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nofu.lib.demogen import (
    GeneratorConfig,
    generate_population,
    write_call_target_files,
    write_payment_file,
)

PAYMENT_FILE = "収納データ.csv"


def _date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError as e:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {s}") from e


class Command(BaseCommand):
    help = "架空の千葉市の架電対象者データ・収納データと正解ラベルを生成します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000, help="架電対象者データの総行数")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True, help="出力フォルダ")
        parser.add_argument("--as-of", type=_date, default=None, help="抽出日（既定: 今日）")
        parser.add_argument("--payments-days", type=int, default=30, help="収納データの日数")
        parser.add_argument("--trap-rate", type=float, default=1.0)
        parser.add_argument("--mess-rate", type=float, default=1.0)

    def handle(
        self,
        *args: Any,
        rows: int,
        seed: int,
        out: Path,
        as_of: date | None,
        payments_days: int,
        trap_rate: float,
        mess_rate: float,
        **options: Any,
    ) -> None:
        if rows < 1:
            raise CommandError("--rows は 1 以上で指定してください。")
        as_of = as_of or date.today()
        cfg = GeneratorConfig(
            rows=rows, seed=seed, as_of=as_of, trap_rate=trap_rate, mess_rate=mess_rate
        )
        t0 = time.perf_counter()
        pop = generate_population(cfg)
        paths = write_call_target_files(pop, out)
        start = as_of - timedelta(days=max(payments_days, 1) - 1)
        pay = write_payment_file(pop, out / PAYMENT_FILE, start=start, end=as_of)
        elapsed = time.perf_counter() - t0
        for source, path in paths.items():
            self.stdout.write(f"{path}  {pop.row_counts[source]:,} 行")
        self.stdout.write(f"{pay}  {start}〜{as_of}")
        self.stdout.write(f"{out / 'truth.csv'}  {out / 'traps.csv'}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{pop.rows:,} 行（納付義務者 {len(pop.payers):,}）を {elapsed:.1f} 秒で生成しました。"
            )
        )
