"""A new version starts from the latest conditions; versions stay as they were."""

from __future__ import annotations

from datetime import date

from nofu.calllists import actions
from nofu.calllists.extract import Conditions
from nofu.calllists.models import ListVersion
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase

WED = jst(2026, 6, 10, 10)


class NewVersionTests(BaseTestCase):
    def test_versions_keep_what_they_contained(self) -> None:
        a = make_payer(owed=[("01", 2024, 90_000, date(2025, 1, 31))])
        with frozen(WED):
            v1 = actions.list_version_create(
                actor=self.mia, conditions=Conditions(owed_min=50_000), name="L"
            )
        b = make_payer(owed=[("01", 2024, 80_000, date(2025, 1, 31))])
        self.login(self.mia)
        r = self.client.get(f"/lists/{v1.call_list_id}/new")
        self.assertContains(r, 'value="50000"')  # the latest conditions, to edit
        data = {
            "note": "新規取込分を追加",
            "owed_min": "50000",
            "phone": "valid",
            "order": "total_owed",
            "kind": "any",
            "nationality": "any",
            "account_transfer": "any",
            "last_contact": "any",
            "broken_promise": "any",
            "overdue_only": "on",
        }
        with frozen(jst(2026, 6, 11, 10)):
            r = self.client.post(f"/lists/{v1.call_list_id}/new", data)
        v2 = ListVersion.objects.get(number=2)
        self.assertRedirects(r, f"/lists/versions/{v2.pk}")
        self.assertEqual(list(v1.members.values_list("payer_id", flat=True)), [a.pk])
        self.assertEqual(set(v2.members.values_list("payer_id", flat=True)), {a.pk, b.pk})
        page = self.client.get(f"/lists/versions/{v2.pk}").content.decode()
        self.assertIn("第1版から 追加 1件・除外 0件", page)
        self.assertIn("新規取込分を追加", page)
