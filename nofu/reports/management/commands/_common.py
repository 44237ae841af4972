"""Argument parsing shared by `nofu report` and `nofu export`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.management.base import CommandError

from nofu.accounts.models import User


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日付「{value}」は YYYY-MM-DD で指定してください。") from None


def parse_month(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CommandError(f"月「{value}」は YYYY-MM で指定してください。")
    return int(m.group(1)), int(m.group(2))


def parse_year(value: str) -> int:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise CommandError(f"年度「{value}」は西暦4桁（例: 2025）で指定してください。")
    return int(value)


def actor_of(username: str | None) -> Any:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」は存在しません。")
    return user
