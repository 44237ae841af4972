from __future__ import annotations

from nofu.accounts.actions import MAX_FAILED_LOGINS
from nofu.audit.models import AuditEvent
from nofu.test import TEST_PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get("/payers/")
        self.assertRedirects(r, "/login/?next=/payers/", fetch_redirect_response=False)

    def test_login_succeeds_and_is_audited(self) -> None:
        r = self.client.post("/login/", {"username": "olivia", "password": TEST_PASSWORD})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertTrue(AuditEvent.objects.filter(action="login", actor=self.olivia).exists())

    def test_wrong_password_shows_japanese_error(self) -> None:
        r = self.client.post("/login/", {"username": "olivia", "password": "wrong"})
        self.assertContains(r, "ユーザー名またはパスワードが正しくありません")
        self.assertTrue(AuditEvent.objects.filter(action="login.failed").exists())

    def test_account_locks_after_repeated_failures(self) -> None:
        for _ in range(MAX_FAILED_LOGINS):
            self.client.post("/login/", {"username": "olivia", "password": "wrong"})
        r = self.client.post("/login/", {"username": "olivia", "password": TEST_PASSWORD})
        self.assertContains(r, "ロックされています")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_is_hashed_with_argon2(self) -> None:
        self.olivia.refresh_from_db()
        self.assertTrue(self.olivia.password.startswith("argon2"))
