"""Account changes and login security. Each write is audited in its transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nofu.accounts.models import Role, User
from nofu.audit.actions import audit_record

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    role: str,
    display_name: str = "",
    staff_code: str = "",
    password: str | None = None,
    request: Any = None,
) -> tuple[User, str]:
    """Creates a user; returns the password so it can be shown exactly once."""
    Role(role)  # raises ValueError on an unknown role
    password = password or generate_password()
    user = User.objects.create_user(
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        staff_code=staff_code,
    )
    audit_record(
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.pk,
        summary=f"{username}（{Role(role).label}）を作成",
        request=request,
    )
    return user, password


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, request: Any = None) -> str:
    password = generate_password()
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit_record(
        actor=actor,
        action="user.reset_password",
        target_type="user",
        target_id=user.pk,
        summary=f"{user.username} のパスワードを再発行",
        request=request,
    )
    return password


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool, request: Any = None) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target_type="user",
        target_id=user.pk,
        summary=f"{user.username} を{'有効' if active else '無効'}化",
        request=request,
    )


def user_is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()


@transaction.atomic
def login_failed(*, username: str, request: Any = None) -> None:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = timezone.now() + timedelta(minutes=LOCK_MINUTES)
        user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(
        actor=None,
        action="login.failed",
        target_type="user",
        target_id=user.pk if user else "",
        summary=f"ログイン失敗: {username[:50]}",
        request=request,
    )


@transaction.atomic
def login_succeeded(*, user: User, request: Any = None) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(
        actor=user,
        action="login",
        target_type="user",
        target_id=user.pk,
        summary="ログイン",
        request=request,
    )
