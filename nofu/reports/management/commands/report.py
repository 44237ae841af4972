"""`nofu report daily|monthly|annual`: the 日報, 月報 and 年報 as .xlsx for the city."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nofu.reports.actions import Period, report_generate
from nofu.reports.management.commands._common import (
    actor_of,
    parse_day,
    parse_month,
    parse_year,
)


class Command(BaseCommand):
    help = "業務報告書（日報・月報・年報）をExcelで作成し、データ授受管理簿に記録します。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, metavar="daily|monthly|annual")
        daily = sub.add_parser("daily", help="日報（営業日ごと）")
        daily.add_argument("--date", required=True, help="対象日 YYYY-MM-DD")
        monthly = sub.add_parser("monthly", help="月報")
        monthly.add_argument("--month", required=True, help="対象月 YYYY-MM")
        annual = sub.add_parser("annual", help="年報（年度: 4月～翌3月）")
        annual.add_argument("--fiscal-year", required=True, help="年度（西暦, 例: 2025）")
        for p in (daily, monthly, annual):
            p.add_argument(
                "--out", required=True, help="出力ファイル（.xlsx）またはフォルダ（末尾に /）"
            )
            p.add_argument("--user", help="作成者のユーザー名（管理簿・監査ログに記録）")
        for p in (monthly, annual):
            p.add_argument("--as-of", help="納付約束結果の収納を数える基準日（既定: 本日）")

    def handle(self, *args: Any, kind: str, out: str, user: str | None, **o: Any) -> None:
        actor = actor_of(user)
        if kind == "daily":
            period = Period.daily(parse_day(o["date"]))
        elif kind == "monthly":
            period = Period.monthly(*parse_month(o["month"]))
        else:
            period = Period.annual(parse_year(o["fiscal_year"]))
        as_of = parse_day(o["as_of"]) if o.get("as_of") else None
        path = Path(out)
        if path.is_dir() or out.endswith(("/", os.sep)) or not path.suffix:
            path = path / period.file_name  # a folder: the file is named by the period
        elif path.suffix.lower() != ".xlsx":
            raise CommandError(f"{out}: 出力ファイルは .xlsx で指定してください。")
        g = report_generate(actor=actor, period=period, out=path, as_of=as_of)
        self.stdout.write(
            f"{period.title} {period.label}: {path}（{len(g.data):,}バイト、対応記録{g.records}件）"
        )
