from __future__ import annotations

from nofu.charges.actions import rate_update
from nofu.test import BaseTestCase

URL = "/charges/rules/history"


class HistoryViewTests(BaseTestCase):
    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)

    def test_lists_changes_with_who_old_and_new(self) -> None:
        rate_update(
            actor=self.mia, year=2025, expected_version=1, special_base="1.5", reason="訂正"
        )
        self.login(self.mia)
        r = self.client.get(URL, {"kind": "rate"})
        self.assertContains(r, "三浦 ミア")
        self.assertContains(r, "1.40 → <b>1.50</b>", html=False)
        self.assertContains(r, "訂正")
        r = self.client.get(URL, {"kind": "subject"})
        self.assertNotContains(r, "訂正")
