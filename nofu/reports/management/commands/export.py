"""`nofu export results --date D --out DIR`: 架電結果データ and 電話番号情報 of a day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nofu.reports.actions import results_export
from nofu.reports.management.commands._common import actor_of, parse_day


class Command(BaseCommand):
    help = "市へ提供するファイルを出力し、データ授受管理簿に記録します。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="results")
        results = sub.add_parser(
            "results", help="架電結果データ（CSV・Excel）と電話番号情報（CSV・Excel）"
        )
        results.add_argument("--date", required=True, help="対象日 YYYY-MM-DD")
        results.add_argument("--out", required=True, type=Path, help="出力フォルダ")
        results.add_argument("--user", help="出力者のユーザー名（管理簿・監査ログに記録）")

    def handle(self, *args: Any, what: str, out: Path, user: str | None, **o: Any) -> None:
        actor = actor_of(user)
        day = parse_day(o["date"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} はフォルダではありません。")
        for f in results_export(actor=actor, day=day, out_dir=out):
            extra = f"、〓に置換 {f.replaced}文字" if f.name.endswith(".csv") else ""
            self.stdout.write(f"{out / f.name}: {f.rows}件{extra}")
