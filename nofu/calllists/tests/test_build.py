"""The builder: preview count and total (saves nothing), then create a version."""

from __future__ import annotations

from datetime import date

from nofu.audit.models import AuditEvent
from nofu.calllists.models import CallList, ListMember, ListVersion
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase

WED = jst(2026, 6, 10, 10)


class BuildTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.a = make_payer("高額 一郎", owed=[("01", 2024, 120_000, date(2025, 1, 31))])
        cls.b = make_payer("国保 花子", owed=[("10", 2024, 30_000, date(2025, 1, 31))])

    def test_only_managers(self) -> None:
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get("/lists/new").status_code, 403)

    def test_preview_shows_count_total_and_conditions_without_saving(self) -> None:
        self.login(self.mia)
        with frozen(WED):
            r = self.client.get(
                "/lists/new",
                {
                    "preview": "1",
                    "subjects": ["01"],
                    "phone": "valid",
                    "order": "total_owed",
                    "kind": "any",
                    "nationality": "any",
                    "account_transfer": "any",
                    "last_contact": "any",
                    "broken_promise": "any",
                    "overdue_only": "on",
                },
            )
        page = r.content.decode()
        self.assertContains(r, "1件")
        self.assertContains(r, "120,000円")
        self.assertIn("科目：市県民税", page)
        self.assertIn("高額 一郎", page)
        self.assertNotIn("国保 花子", page)
        self.assertFalse(ListVersion.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="calllist.preview").exists())

    def test_bad_ranges_get_japanese_messages(self) -> None:
        self.login(self.mia)
        r = self.client.get(
            "/lists/new",
            {
                "preview": "1",
                "owed_min": "5000",
                "owed_max": "100",
                "phone": "valid",
                "order": "total_owed",
                "kind": "any",
                "nationality": "listed",
                "account_transfer": "any",
                "last_contact": "any",
                "broken_promise": "any",
            },
        )
        self.assertContains(r, "対象未納額の範囲が逆になっています。")
        self.assertContains(r, "国籍を入力してください")

    def test_create_keeps_conditions_and_members_and_a_double_submit_counts_once(self) -> None:
        self.login(self.mia)
        data = {
            "name": "高額滞納 6月",
            "purpose": "高額から早期に接触",
            "phone": "valid",
            "order": "total_owed",
            "kind": "any",
            "nationality": "any",
            "account_transfer": "any",
            "last_contact": "any",
            "broken_promise": "any",
            "overdue_only": "on",
            "idempotency_key": "k1",
        }
        with frozen(WED):
            r = self.client.post("/lists/new", data)
            r2 = self.client.post("/lists/new", data)
        v = ListVersion.objects.get()
        self.assertRedirects(r, f"/lists/versions/{v.pk}")
        self.assertRedirects(r2, f"/lists/versions/{v.pk}")
        self.assertEqual(v.number, 1)
        self.assertEqual(v.member_count, 2)
        self.assertEqual(v.total_owed, 150_000)
        self.assertEqual(v.as_of, date(2026, 6, 10))
        self.assertEqual(v.conditions["order"], "total_owed")
        self.assertIn("電話番号：有効な番号あり", v.conditions_text)
        self.assertEqual(
            list(
                ListMember.objects.filter(version=v)
                .order_by("rank")
                .values_list("payer_id", "owed")
            ),
            [(self.a.pk, 120_000), (self.b.pk, 30_000)],
        )
        self.assertEqual(CallList.objects.get().purpose, "高額から早期に接触")
        self.assertEqual(AuditEvent.objects.filter(action="calllist.create").count(), 1)

    def test_duplicate_list_name_is_refused(self) -> None:
        CallList.objects.create(name="重複", created_by=self.mia)
        self.login(self.mia)
        r = self.client.post(
            "/lists/new",
            {
                "name": "重複",
                "phone": "valid",
                "order": "total_owed",
                "kind": "any",
                "nationality": "any",
                "account_transfer": "any",
                "last_contact": "any",
                "broken_promise": "any",
            },
        )
        self.assertContains(r, "「重複」という名前のリストは既にあります。")

    def test_broken_promise_preset(self) -> None:
        self.login(self.mia)
        with frozen(WED):
            r = self.client.get("/lists/new?preset=broken")
        self.assertContains(r, "不履行フォロー 2026-06-10")
        self.assertContains(r, '<option value="yes" selected>不履行あり</option>', html=True)
