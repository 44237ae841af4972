from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

OPEN_PREFIXES = ("/login/", "/static/", "/healthz", "/api/")


class LoginRequiredMiddleware:
    """Everything needs a login except the login page, static files and token APIs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
        return self.get_response(request)


class SessionRefreshMiddleware:
    """The idle timeout without a database write on every request.

    Django's SESSION_SAVE_EVERY_REQUEST rewrites the session row on each request, one more
    commit waiting for the disk on every page an operator opens. Here a signed-in session is
    written again (its expiry pushed SESSION_COOKIE_AGE ahead) only when its last refresh is
    REFRESH_SECONDS old, so a session ends between SESSION_COOKIE_AGE minus a minute and
    SESSION_COOKIE_AGE after the last request. Sits below SessionMiddleware, which saves.
    """

    REFRESH_SECONDS = 60
    KEY = "_nofu_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # only sessions that exist already: the login page must not create one per visitor
        if session is not None and session.session_key and not session.modified:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response
