from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nofu.accounts import actions
from nofu.accounts.access import require_capability
from nofu.accounts.forms import LoginForm, UserCreateForm
from nofu.accounts.models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):  # type: ignore[no-untyped-def]
    actions.login_failed(username=credentials.get("username", ""), request=request)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    actions.login_succeeded(user=user, request=request)


@require_capability("users.manage")
def users(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, password = actions.user_create(
            actor=request.user, request=request, **form.cleaned_data
        )
        messages.success(
            request,
            f"{user.username} を作成しました。初期パスワード: {password}（この画面でのみ表示されます）",
        )
        return redirect("accounts:users")
    return render(
        request,
        "accounts/users.html",
        {"form": form, "users": User.objects.order_by("role", "username")},
    )


@require_POST
@require_capability("users.manage")
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    password = actions.user_reset_password(actor=request.user, user=user, request=request)
    messages.success(
        request, f"{user.username} の新しいパスワード: {password}（この画面でのみ表示されます）"
    )
    return redirect("accounts:users")


@require_POST
@require_capability("users.manage")
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if user == request.user:
        messages.error(request, "自分自身を無効にすることはできません。")
    else:
        actions.user_set_active(
            actor=request.user, user=user, active=not user.is_active, request=request
        )
    return redirect("accounts:users")
