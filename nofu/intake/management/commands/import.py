"""`nofu import FILE...`: the city's call-target data (架電対象者データ) and payments (収納データ)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nofu.accounts.models import User
from nofu.intake.importer import file_import
from nofu.intake.models import BatchStatus, RowError

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "市から受領したファイル（架電対象者データ・収納データ）を取り込みます。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--user", help="取込担当者のユーザー名（監査ログに記録）")
        parser.add_argument(
            "--errors-dir",
            type=Path,
            help="行エラーを <ファイル名>.errors.csv として書き出すフォルダ",
        )

    def handle(
        self,
        *args: Any,
        files: list[Path],
        user: str | None,
        errors_dir: Path | None,
        **options: Any,
    ) -> None:
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"ユーザー「{user}」は存在しません。")
        failed = 0
        for path in files:
            if not path.is_file():
                self.stderr.write(f"{path}: ファイルがありません。")
                failed += 1
                continue
            batch = file_import(path=path, file_name=path.name, actor=actor)
            if batch.status == BatchStatus.REJECTED:
                failed += 1
                self.stderr.write(f"{path.name}: 取込不可 — {batch.file_error}")
                continue
            self.stdout.write(
                f"{path.name}: {batch.get_kind_display()} 読込{batch.rows_read}件 "
                f"新規{batch.rows_inserted} 更新{batch.rows_updated} 変更なし{batch.rows_unchanged} "
                f"エラー{batch.rows_rejected}件（{batch.seconds:.1f}秒, {batch.encoding}）"
            )
            problems = RowError.objects.filter(batch=batch)
            for e in problems[:SHOWN_ERRORS]:
                self.stdout.write(
                    f"  {e.row_no}行目 {e.column}「{e.value}」: {e.message}"
                    f"{'' if e.severity == 'error' else '（警告）'}"
                )
            if problems.count() > SHOWN_ERRORS:
                self.stdout.write(f"  …ほか{problems.count() - SHOWN_ERRORS}件")
            if errors_dir and problems.exists():
                errors_dir.mkdir(parents=True, exist_ok=True)
                out = errors_dir / f"{path.name}.errors.csv"
                with out.open("w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(["行番号", "列", "値", "区分", "内容"])
                    for e in problems.iterator():
                        w.writerow([e.row_no, e.column, e.value, e.severity_label, e.message])
        if failed:
            raise CommandError(f"{failed}件のファイルを取り込めませんでした。")
