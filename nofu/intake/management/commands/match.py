"""`nofu match FILE... --out OUT.csv [--review REVIEW.csv]`: 名寄せ of exchange files.

Runs the matching engine (nofu.lib.matching) on the city's call-target files without
touching the database: Django is only the command's plumbing. Writes one row per input
row, `抽出元,債権番号,名寄せ番号`, where rows of one payer share a 名寄せ番号 (numbered
1, 2, … in the order payers first appear in the input), and with --review the uncertain
pairs with their scores and reasons. Output CSVs are UTF-8 with BOM and CRLF, so Excel
opens them as they are.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nofu.lib.matching import MatchConfig, MatchError, match_records
from nofu.lib.readers import ROW_NO, FileError, read_table

REQUIRED = ("抽出元", "債権番号", "氏名")
ENCODING = "utf-8-sig"


class Command(BaseCommand):
    help = "架電対象者データのファイルを名寄せし、行ごとの名寄せ番号をCSVに書き出します（データベースは使いません）。"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", type=Path, help="架電対象者データ（CSV または xlsx）"
        )
        parser.add_argument(
            "--out", required=True, type=Path, help="名寄せ結果のCSV（抽出元,債権番号,名寄せ番号）"
        )
        parser.add_argument("--review", type=Path, help="要確認の組（スコアと理由）のCSV")
        parser.add_argument(
            "--auto-threshold",
            type=float,
            default=None,
            help="自動で名寄せする一致度（ビット、既定 3.0）",
        )
        parser.add_argument(
            "--review-threshold",
            type=float,
            default=None,
            help="要確認に回す一致度の下限（ビット、既定 0.0）",
        )

    def handle(
        self,
        *args: Any,
        files: list[Path],
        out: Path,
        review: Path | None,
        auto_threshold: float | None,
        review_threshold: float | None,
        **options: Any,
    ) -> None:
        t0 = time.perf_counter()
        frame = self._read(files)
        config_args: dict[str, float] = {}
        if auto_threshold is not None:
            config_args["auto_threshold"] = auto_threshold
        if review_threshold is not None:
            config_args["review_threshold"] = review_threshold
        try:
            config = MatchConfig(**config_args)  # type: ignore[arg-type]
            # A re-sent row (same 抽出元 and 債権番号) replaces the earlier one.
            records = frame.unique(["抽出元", "債権番号"], keep="last", maintain_order=True)
            result = match_records(records.drop("__order"), config)
        except MatchError as exc:
            raise CommandError(str(exc)) from exc

        numbers = self._numbers(frame, result.clusters)
        self._write_out(out, numbers)
        if review is not None:
            self._write_review(review, result.review, frame, numbers)
        payers = numbers["名寄せ番号"].n_unique()
        self.stdout.write(
            f"名寄せ: {frame.height}行 → {payers}人（自動リンク{result.links.height}件、"
            f"要確認{result.review.height}組、{time.perf_counter() - t0:.1f}秒）"
        )
        self.stdout.write(f"出力: {out}" + (f"、要確認: {review}" if review else ""))

    def _read(self, files: list[Path]) -> pl.DataFrame:
        frames = []
        for i, path in enumerate(files):
            if not path.is_file():
                raise CommandError(f"{path}: ファイルがありません。")
            try:
                table = read_table(path.read_bytes())
            except FileError as exc:
                raise CommandError(f"{path.name}: {exc}") from exc
            missing = [c for c in REQUIRED if c not in table.columns]
            if missing:
                raise CommandError(f"{path.name}: 列がありません: {'、'.join(missing)}")
            for row_no, message in table.bad_rows:
                self.stderr.write(f"{path.name} {row_no}行目: {message}（この行は名寄せしません）")
            df = table.df.with_columns(
                (pl.lit(i * 10_000_000, dtype=pl.Int64) + pl.col(ROW_NO)).alias("__order")
            ).drop(ROW_NO)
            frames.append(df)
            self.stdout.write(f"読込: {path.name}（{df.height}行、{table.encoding}）")
        frame = pl.concat(frames, how="diagonal").fill_null("")
        blank = frame.filter(
            (pl.col("抽出元").str.strip_chars() == "")
            | (pl.col("債権番号").str.strip_chars() == "")
        )
        if blank.height:
            raise CommandError(f"抽出元または債権番号が空の行が{blank.height}行あります。")
        return frame.sort("__order")

    @staticmethod
    def _numbers(frame: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
        """名寄せ番号 1, 2, … in the order payers first appear in the input."""
        rows = frame.select("抽出元", "債権番号", "__order").join(
            clusters.rename({"source": "抽出元", "key": "債権番号"}),
            on=["抽出元", "債権番号"],
            how="left",
            maintain_order="left",
        )
        first = rows.group_by("cluster").agg(pl.col("__order").min()).sort("__order")
        first = first.with_row_index("名寄せ番号", offset=1).select("cluster", "名寄せ番号")
        return rows.join(first, on="cluster", how="left", maintain_order="left").select(
            "抽出元", "債権番号", "名寄せ番号", "cluster"
        )

    @staticmethod
    def _write_out(path: Path, numbers: pl.DataFrame) -> None:
        with path.open("w", encoding=ENCODING, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(["抽出元", "債権番号", "名寄せ番号"])
            w.writerows(numbers.select("抽出元", "債権番号", "名寄せ番号").iter_rows())

    @staticmethod
    def _write_review(
        path: Path, review: pl.DataFrame, frame: pl.DataFrame, numbers: pl.DataFrame
    ) -> None:
        number_of = dict(numbers.select("cluster", "名寄せ番号").unique().iter_rows())
        cols = ["氏名", "生年月日", "住所"]
        info = {
            (s, k): tuple(v)
            for s, k, *v in frame.select(
                "抽出元", "債権番号", *[c for c in cols if c in frame.columns]
            ).iter_rows()
        }
        blank = ("",) * len(cols)
        with path.open("w", encoding=ENCODING, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(
                ["名寄せ番号1", "名寄せ番号2", "抽出元1", "債権番号1", *[c + "1" for c in cols],
                 "抽出元2", "債権番号2", *[c + "2" for c in cols], "一致度", "確率", "理由"]
            )  # fmt: skip
            for r in review.iter_rows(named=True):
                a = (r["source_l"], r["key_l"])
                b = (r["source_r"], r["key_r"])
                w.writerow(
                    [number_of.get(r["cluster_l"], ""), number_of.get(r["cluster_r"], ""),
                     *a, *(info.get(a, blank) + blank)[: len(cols)],
                     *b, *(info.get(b, blank) + blank)[: len(cols)],
                     f"{r['weight']:.1f}", f"{r['probability']:.4f}", r["reasons"]]
                )  # fmt: skip
