"""`make run`'s demo step: demo users, a realistic city's files imported through the real
importer (so the register and audit log have content), payments, and a contact history.
Safe to re-run: what exists is left alone."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nofu.accounts.models import Role, User
from nofu.intake.importer import file_import
from nofu.lib.demogen import (
    GeneratorConfig,
    generate_population,
    write_call_target_files,
    write_payment_file,
)
from nofu.payers.models import Installment


class Command(BaseCommand):
    help = "デモ用の利用者・架電対象者データ・収納データ・対応履歴を用意します（既にあれば何もしません）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, rows: int, seed: int, **options: Any) -> None:
        call_command("demo_users", stdout=self.stdout)
        if Installment.objects.exists():
            self.stdout.write("デモデータは取込済みです。")
            return
        today = timezone.localdate()
        folder = Path(settings.VAR_DIR) / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        pop = generate_population(GeneratorConfig(rows=rows, seed=seed, as_of=today))
        files = write_call_target_files(pop, folder)
        payments = folder / "収納データ.csv"
        write_payment_file(pop, payments, start=today - timedelta(days=60), end=today)
        manager = User.objects.filter(role=Role.MANAGER).order_by("id").first()
        for path in [*files.values(), payments]:
            batch = file_import(data=path.read_bytes(), file_name=path.name, actor=manager)
            self.stdout.write(
                f"{path.name}: {batch.rows_imported}件取込（エラー{batch.rows_rejected}件）"
            )
        history = _optional("nofu.calls.demo", "demo_history_create")
        if history is not None:
            history(days=30, seed=seed, today=today)
            self.stdout.write("対応履歴（直近30営業日）を作成しました。")


def _optional(module: str, name: str) -> Any:
    """Parts of the demo that later issues add; absent until they land."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
