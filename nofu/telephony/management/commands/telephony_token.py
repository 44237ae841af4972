"""nofu telephony_token create NAME | list | revoke NAME

The token a phone system uses to post call events to /api/telephony/events. It is
printed once, at creation, and kept only as a hash.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nofu.telephony.actions import gateway_token_create, gateway_token_revoke
from nofu.telephony.models import GatewayToken


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class Command(BaseCommand):
    help = "電話システム連携トークンの作成・一覧・失効"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新しいトークンを作成して1回だけ表示します")
        create.add_argument("name", help="電話システムの名称（通話イベントの送信元になります）")
        create.add_argument("--note", default="", help="備考")
        sub.add_parser("list", help="トークンの一覧（トークン自体は表示しません）")
        revoke = sub.add_parser("revoke", help="トークンを失効させます")
        revoke.add_argument("name")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        try:
            if action == "create":
                new = gateway_token_create(actor=_cli_actor(), name=opts["name"], note=opts["note"])
                self.stdout.write(new.token)
                self.stderr.write(
                    f"「{new.row.name}」のトークンを作成しました。このトークンは今回しか表示されません。"
                    "電話システムの設定に登録し、Authorization: Bearer <トークン> で"
                    " /api/telephony/events に送信してください。"
                )
            elif action == "revoke":
                row = gateway_token_revoke(actor=_cli_actor(), name=opts["name"])
                self.stdout.write(f"「{row.name}」のトークンを失効させました。")
            else:
                for row in GatewayToken.objects.order_by("name"):
                    state = (
                        f"失効 {timezone.localtime(row.revoked_at):%Y-%m-%d %H:%M}"
                        if row.revoked_at
                        else "有効"
                    )
                    used = (
                        f"{timezone.localtime(row.last_used_at):%Y-%m-%d %H:%M}"
                        if row.last_used_at
                        else "未使用"
                    )
                    self.stdout.write(
                        f"{row.name}\t{row.prefix}…\t{state}\t最終利用 {used}\t{row.note}"
                    )
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
