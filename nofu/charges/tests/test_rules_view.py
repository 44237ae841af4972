from __future__ import annotations

from datetime import date
from unittest import mock

from nofu.test import BaseTestCase

URL = "/charges/rules/"


class RulesViewTests(BaseTestCase):
    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)

    def test_shows_seeded_rates_and_subjects(self) -> None:
        self.login(self.mia)
        r = self.client.get(URL)
        self.assertContains(r, "2026年")
        self.assertContains(r, "9.10%")
        self.assertContains(r, "国民健康保険料")
        self.assertContains(r, "/charges/rules/rates/2021")
        self.assertContains(r, "/charges/rules/subjects/10")
        self.assertContains(r, "新規登録")  # the seed is the first history entry

    def test_warns_when_next_years_rate_is_missing(self) -> None:
        self.login(self.mia)
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
            self.assertContains(self.client.get(URL), "2027年の割合が未登録です")
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 9, 30)):
            self.assertNotContains(self.client.get(URL), "未登録です")
