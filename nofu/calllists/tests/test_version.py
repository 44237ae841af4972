"""The version page: conditions, counts, members with reasons, publishing and retiring."""

from __future__ import annotations

from datetime import date

from nofu.accounts.models import Role
from nofu.audit.models import AuditEvent
from nofu.calllists import actions
from nofu.calllists.extract import Conditions
from nofu.calllists.models import ListMember, ListVersion, MemberStatus
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase, make_user

WED = jst(2026, 6, 10, 10)


class VersionPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(3):
            make_payer(f"対象{i}", owed=[("01", 2024, 10_000 * (i + 1), date(2025, 1, 31))])
        with frozen(WED):
            cls.v = actions.list_version_create(
                actor=cls.mia, conditions=Conditions(subjects=["01"]), name="市税", note="初回"
            )

    def test_shows_conditions_counts_members_and_is_audited(self) -> None:
        ListMember.objects.filter(version=self.v, rank=3).update(
            status=MemberStatus.SKIPPED, note="有効な電話番号なし"
        )
        self.login(self.mia)
        r = self.client.get(f"/lists/versions/{self.v.pk}")
        page = r.content.decode()
        self.assertIn("科目：市県民税", page)
        self.assertIn("60,000円", page)
        self.assertIn("対象2", page)
        self.assertIn("有効な電話番号なし", page)
        self.assertTrue(
            AuditEvent.objects.filter(action="calllist.view", target_id=str(self.v.pk)).exists()
        )
        r = self.client.get(f"/lists/versions/{self.v.pk}?status=skipped")
        self.assertContains(r, "対象0")
        self.assertNotContains(r, "対象2</a>")

    def test_not_for_operators_or_city(self) -> None:
        for u in (self.olivia, self.sam, self.chika):
            self.login(u)
            self.assertEqual(self.client.get(f"/lists/versions/{self.v.pk}").status_code, 403)

    def test_publish_to_named_operators_and_retire(self) -> None:
        oscar = make_user("oscar", Role.OPERATOR, "大島 オスカー")
        self.login(self.mia)
        r = self.client.post(
            f"/lists/versions/{self.v.pk}/publish",
            {"audience": "named", "priority": "5"},
            follow=True,
        )
        self.assertContains(r, "公開先のオペレーターを1人以上選んでください。")
        self.v.refresh_from_db()
        self.assertEqual(self.v.status, "draft")  # no operator chosen: refused with a message
        with frozen(WED):
            self.client.post(
                f"/lists/versions/{self.v.pk}/publish",
                {"audience": "named", "operators": [oscar.pk], "priority": "2"},
            )
        self.v.refresh_from_db()
        self.assertEqual((self.v.status, self.v.priority), ("published", 2))
        self.assertEqual(list(self.v.operators.all()), [oscar])
        self.assertTrue(AuditEvent.objects.filter(action="calllist.publish").exists())
        with frozen(WED):
            self.client.post(f"/lists/versions/{self.v.pk}/retire")
        self.v.refresh_from_db()
        self.assertEqual(self.v.status, "retired")
        r = self.client.post(
            f"/lists/versions/{self.v.pk}/publish",
            {"audience": "shared", "priority": "5"},
            follow=True,
        )
        self.assertEqual(ListVersion.objects.get(pk=self.v.pk).status, "retired")
        self.assertContains(r, "終了した版は公開できません")

    def test_publish_and_retire_are_post_only(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(f"/lists/versions/{self.v.pk}/publish").status_code, 405)
        self.assertEqual(self.client.get(f"/lists/versions/{self.v.pk}/retire").status_code, 405)
