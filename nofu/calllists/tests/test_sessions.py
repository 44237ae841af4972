"""The month's plan on a calendar page, with the specification's warnings."""

from __future__ import annotations

from datetime import date

from nofu.audit.models import AuditEvent
from nofu.calllists.models import ClosedDay, MonthPlan, Session
from nofu.calllists.tests.helpers import frozen, jst
from nofu.test import BaseTestCase

NIGHTS = (2, 4, 9, 11, 16, 18, 23, 25)


class SessionsPageTests(BaseTestCase):
    def test_current_month_and_managers_only(self) -> None:
        self.login(self.mia)
        with frozen(jst(2026, 6, 10)):
            self.assertRedirects(self.client.get("/lists/sessions/"), "/lists/sessions/2026/6")
        self.login(self.sam)
        self.assertEqual(self.client.get("/lists/sessions/2026/6").status_code, 403)

    def test_empty_month_warns_and_suggestion_meets_the_minimums(self) -> None:
        self.login(self.mia)
        r = self.client.get("/lists/sessions/2026/6")
        self.assertContains(r, "夜間稼働が0回です。仕様書の月8回に8回足りません。")
        self.assertContains(r, "土曜日の稼働がありません")
        self.assertContains(r, "日曜日の稼働がありません")
        self.assertContains(r, "強化月間")  # June: a bonus month, suggested as intensive
        r = self.client.get("/lists/sessions/2026/6?suggest=1")
        self.assertContains(r, "標準案を表示しています")
        self.assertContains(r, "仕様書の最低回数を満たしています")
        self.assertFalse(Session.objects.exists())

    def test_save_a_plan_with_a_city_closed_day(self) -> None:
        self.login(self.mia)
        data = {f"night-2026-06-{d:02d}": "1" for d in NIGHTS}
        data.update(
            {
                "weekend-2026-06-06": "1",
                "weekend-2026-06-07": "1",
                "closed-2026-06-19": "1",
                "closed_reason": "システム保守",
            }
        )
        r = self.client.post("/lists/sessions/2026/6", data)
        self.assertRedirects(r, "/lists/sessions/2026/6")
        self.assertEqual(Session.objects.filter(kind="night").count(), 8)
        self.assertEqual(Session.objects.filter(kind="weekend").count(), 2)
        self.assertEqual(ClosedDay.objects.get().reason, "システム保守")
        self.assertFalse(MonthPlan.objects.get().intensive)
        r = self.client.get("/lists/sessions/2026/6")
        self.assertContains(r, "仕様書の最低回数を満たしています（夜間8回・土曜1回・日曜1回）")
        self.assertContains(r, 'value="システム保守"')
        ev = AuditEvent.objects.get(action="sessions.plan")
        self.assertIn("夜間8回・土日2回・休業日1日", ev.summary)

    def test_saving_a_plan_that_breaks_the_minimums_keeps_it_and_warns(self) -> None:
        self.login(self.mia)
        data = {f"night-2026-06-{d:02d}": "1" for d in NIGHTS[:6]}
        data["intensive"] = "1"
        data["night-2026-06-19"] = "1"
        data["closed-2026-06-19"] = "1"
        r = self.client.post("/lists/sessions/2026/6", data, follow=True)
        self.assertContains(r, "仕様書との差異が")
        self.assertContains(r, "6月19日は市の休業日のため夜間稼働できません。")
        self.assertContains(r, "夜間稼働が6回です。仕様書の月8回に2回足りません。")
        self.assertEqual(Session.objects.filter(kind="night").count(), 7)
        self.assertTrue(MonthPlan.objects.get().intensive)

    def test_a_new_plan_replaces_the_month(self) -> None:
        Session.objects.create(date=date(2026, 6, 3), kind="night")
        Session.objects.create(date=date(2026, 7, 1), kind="night")
        self.login(self.mia)
        self.client.post("/lists/sessions/2026/6", {"night-2026-06-04": "1"})
        self.assertEqual(
            sorted(Session.objects.values_list("date", flat=True)),
            [date(2026, 6, 4), date(2026, 7, 1)],
        )

    def test_bad_month(self) -> None:
        self.login(self.mia)
        r = self.client.get("/lists/sessions/2026/13", follow=True)
        self.assertContains(r, "年月の指定が正しくありません。")
