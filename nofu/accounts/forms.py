from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from nofu.accounts.actions import LOCK_MINUTES, user_is_locked
from nofu.accounts.models import Role, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "ユーザー名またはパスワードが正しくありません。",
        "inactive": "このアカウントは無効です。",
        "locked": f"ログインに続けて失敗したため、{LOCK_MINUTES}分間ロックされています。",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and user_is_locked(user):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label="ユーザー名",
        max_length=50,
        regex=r"^[a-zA-Z0-9_.-]+$",
        error_messages={"invalid": "半角英数字と _ . - で入力してください。"},
    )
    display_name = forms.CharField(label="表示名", max_length=100)
    role = forms.ChoiceField(label="役割", choices=Role.choices)
    staff_code = forms.CharField(label="対応者ID", max_length=20, required=False)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if User.objects.filter(username=name).exists():
            raise forms.ValidationError("このユーザー名は既に使われています。")
        return name
