"""`nofu settle_promises [--date D]`: kept / partly kept / broken from the payments.

Run after each payments import (収納データ); running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nofu.calls.actions import promise_settle_due


def _date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError as e:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {s}") from e


class Command(BaseCommand):
    help = "約束日と猶予日数を過ぎた納付約束を、収納データから履行・一部履行・不履行に判定します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="判定日（既定: 今日）")

    def handle(self, *args: Any, date: date | None, **options: Any) -> None:
        s = promise_settle_due(today=date or timezone.localdate())
        self.stdout.write(
            f"判定 {s.settled}件：履行 {s.kept}件、一部履行 {s.partly_kept}件、不履行 {s.broken}件"
        )
