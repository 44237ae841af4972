from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nofu.accounts.middleware import SessionRefreshMiddleware
from nofu.accounts.models import User
from nofu.audit.models import AuditEvent
from nofu.test import BaseTestCase


class SecurityTests(BaseTestCase):
    def test_posts_without_csrf_token_are_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.mia)
        r = client.post("/users/", {"username": "x", "display_name": "x", "role": "operator"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(User.objects.filter(username="x").exists())

    def _stored_session(self) -> Session:
        return Session.objects.get(session_key=self.client.session.session_key)

    def test_an_active_session_is_extended_to_the_idle_limit(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.login(self.olivia)
        self.client.get("/")
        session = self.client.session
        session[SessionRefreshMiddleware.KEY] = int(time.time()) - 120  # last refreshed 2 min ago
        session.save()
        Session.objects.filter(session_key=session.session_key).update(
            expire_date=timezone.now() + timedelta(minutes=3)
        )
        self.client.get("/")
        left = self._stored_session().expire_date - timezone.now()
        self.assertGreater(left, timedelta(minutes=29))

    def test_pages_within_a_minute_do_not_rewrite_the_session(self) -> None:
        self.login(self.olivia)
        self.client.get("/")  # the first page after signing in refreshes
        before = self._stored_session().expire_date
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/")
        writes = [
            q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
        ]
        self.assertEqual(writes, [])
        self.assertEqual(self._stored_session().expire_date, before)

    def test_an_idle_session_ends(self) -> None:
        self.login(self.olivia)
        self.client.get("/")
        Session.objects.filter(session_key=self.client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        r = self.client.get("/calls/")
        self.assertEqual(r.status_code, 302)
        self.assertIn("/login/", r["Location"])

    def test_the_login_page_creates_no_session(self) -> None:
        self.client.get("/login/")
        self.assertEqual(Session.objects.count(), 0)


class UserAdminTests(BaseTestCase):
    def test_manager_creates_user_and_sees_password_once(self) -> None:
        self.login(self.mia)
        r = self.client.post(
            "/users/",
            {"username": "newop", "display_name": "新人", "role": "operator", "staff_code": "OP09"},
            follow=True,
        )
        self.assertContains(r, "初期パスワード: ")
        user = User.objects.get(username="newop")
        self.assertTrue(user.password.startswith("argon2"))
        self.assertTrue(AuditEvent.objects.filter(action="user.create", actor=self.mia).exists())
        r = self.client.get("/users/")
        self.assertNotContains(r, "初期パスワード: ")  # shown once only

    def test_duplicate_username_is_refused_in_japanese(self) -> None:
        self.login(self.mia)
        r = self.client.post(
            "/users/", {"username": "olivia", "display_name": "x", "role": "operator"}
        )
        self.assertContains(r, "このユーザー名は既に使われています")

    def test_manager_cannot_deactivate_self(self) -> None:
        self.login(self.mia)
        r = self.client.post(f"/users/{self.mia.pk}/toggle-active", follow=True)
        self.assertContains(r, "自分自身を無効にすることはできません")
        self.mia.refresh_from_db()
        self.assertTrue(self.mia.is_active)
