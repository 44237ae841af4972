from __future__ import annotations

from datetime import date
from unittest import mock

from nofu.charges.models import SubjectRule
from nofu.test import BaseTestCase

URL = "/charges/calculator"
TOYOHASHI = {"amount": "65000", "due": "2021-05-31", "until": "2022-01-31"}


class CalculatorViewTests(BaseTestCase):
    def test_operators_supervisors_managers_may_use_it(self) -> None:
        for user in (self.olivia, self.sam, self.mia):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 200, user)
            self.assertEqual(self.client.get(URL, TOYOHASHI).status_code, 200, user)

    def test_city_staff_may_not(self) -> None:
        self.login(self.chika)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_anonymous_is_sent_to_login(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_empty_form_defaults_to_today(self) -> None:
        self.login(self.olivia)
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 9)):
            r = self.client.get(URL)
        self.assertContains(r, 'value="2026-03-09"')
        self.assertContains(r, "計算する")

    def test_published_example_with_segments(self) -> None:
        self.login(self.olivia)
        r = self.client.get(URL, TOYOHASHI)
        self.assertContains(
            r, '<span id="charge-total" style="font-size:22px">3,400円</span>', html=False
        )
        result = r.context["result"]
        self.assertEqual([s.amount for s in result.segments], [133, 2883, 480])
        self.assertContains(r, "2021-07-01 〜 2021-12-31")
        self.assertContains(r, "8.8%")

    def test_shows_today_beside_the_chosen_date(self) -> None:
        self.login(self.olivia)
        with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 12, 31)):
            r = self.client.get(URL, TOYOHASHI)
        self.assertEqual(r.context["today_result"].total, 3000)  # 133 + 2883 = 3016
        self.assertContains(r, "本日（2021年12月31日）現在")

    def test_blank_date_means_today(self) -> None:
        self.login(self.olivia)
        with mock.patch("django.utils.timezone.localdate", return_value=date(2022, 1, 31)):
            r = self.client.get(URL, {**TOYOHASHI, "until": ""})
        self.assertEqual(r.context["result"].total, 3400)
        self.assertNotIn("today_result", r.context)

    def test_partial_payments(self) -> None:
        self.login(self.olivia)
        r = self.client.get(URL, {**TOYOHASHI, "payments": "2021-07-15 30,000"})
        self.assertEqual(r.context["result"].total, 2000)
        self.assertContains(r, "計算日の未納額 35,000円")

    def test_subject_rules_from_the_database(self) -> None:
        SubjectRule.objects.filter(subject_code="10").update(first_period_months=3)
        self.login(self.olivia)
        r = self.client.get(URL, {**TOYOHASHI, "subject": "10"})
        self.assertEqual(r.context["result"].first_period_end, date(2021, 8, 31))
        self.assertContains(r, '<option value="10" selected>10 国民健康保険料</option>', html=True)

    def test_holiday_due_date_is_explained(self) -> None:
        self.login(self.olivia)
        r = self.client.get(URL, {"amount": "100000", "due": "2026-05-03", "until": "2026-08-31"})
        self.assertContains(r, "2026-05-07")
        self.assertContains(r, "休日のため繰下げ")

    def test_errors_are_japanese(self) -> None:
        self.login(self.olivia)
        r = self.client.get(URL, {**TOYOHASHI, "until": "2021-05-01"})
        self.assertContains(r, "計算日（2021-05-01）が納期限（2021-05-31）より前です")
        r = self.client.get(URL, {**TOYOHASHI, "payments": "きのう 100"})
        self.assertContains(r, "一部納付「きのう 100」を読めません")
        r = self.client.get(URL, {**TOYOHASHI, "amount": "-5"})
        self.assertContains(r, "0 以上")
        r = self.client.get(URL, {**TOYOHASHI, "due": "2013-05-31"})
        self.assertContains(r, "2013年の延滞金割合が登録されていません")

    def test_fragment_for_embedding(self) -> None:
        self.login(self.olivia)
        r = self.client.get(URL, TOYOHASHI, headers={"HX-Request": "true"})
        self.assertContains(r, 'id="segments"')
        self.assertNotContains(r, "<html")
