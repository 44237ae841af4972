"""Creates one demo user per role. Passwords are generated and printed once, never stored
in plain text; `--reset` issues new ones for existing demo users."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from nofu.accounts.actions import user_create, user_reset_password
from nofu.accounts.models import Role, User

DEMO_USERS = [
    ("operator", Role.OPERATOR, "大野 里美", "OP01"),
    ("operator2", Role.OPERATOR, "木村 健太", "OP02"),
    ("supervisor", Role.SUPERVISOR, "佐藤 由美", "SV01"),
    ("manager", Role.MANAGER, "三浦 誠", "MG01"),
    ("city", Role.CITY, "千葉市 収納管理課", "CITY01"),
]


class Command(BaseCommand):
    help = "役割ごとのデモ利用者を作成し、パスワードを一度だけ表示します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="既存のデモ利用者のパスワードを再発行する"
        )

    @transaction.atomic
    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        lines = []
        for username, role, name, code in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                _, password = user_create(
                    actor=None, username=username, role=role, display_name=name, staff_code=code
                )
            elif reset:
                password = user_reset_password(actor=None, user=user)
            else:
                continue
            lines.append(f"  {username:<11} {Role(role).label:<10} {password}")
        if lines:
            self.stdout.write("デモ利用者（このパスワードは今回だけ表示されます）:")
            self.stdout.write("\n".join(lines))
        else:
            self.stdout.write(
                "デモ利用者は作成済みです。パスワードを再発行するには: "
                ".venv/bin/nofu demo_users --reset"
            )
