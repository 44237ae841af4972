from __future__ import annotations

from django.conf import settings
from django.test import Client

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

    def test_sessions_end_after_idle_minutes(self) -> None:
        self.login(self.olivia)
        self.client.get("/")
        self.assertEqual(self.client.session.get_expiry_age(), settings.SESSION_COOKIE_AGE)
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)  # idle, not absolute


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
