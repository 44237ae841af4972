from __future__ import annotations

from nofu.audit.actions import audit_record
from nofu.audit.models import AppendOnlyError, AuditEvent
from nofu.test import BaseTestCase


class AuditLogTests(BaseTestCase):
    def test_manager_searches_by_keyword_and_action(self) -> None:
        audit_record(
            actor=self.olivia,
            action="payer.view",
            target_type="payer",
            target_id=7,
            summary="山田 花子（N00000007）を閲覧",
        )
        audit_record(actor=self.mia, action="import", summary="統一.csv: 読込10件")
        self.login(self.mia)
        r = self.client.get("/audit/", {"q": "山田"})
        self.assertContains(r, "山田 花子（N00000007）を閲覧")
        self.assertNotContains(r, "統一.csv")
        r = self.client.get("/audit/", {"action": "import"})
        self.assertContains(r, "統一.csv")
        self.assertNotContains(r, "山田 花子（N00000007）")

    def test_rows_cannot_be_changed_or_deleted(self) -> None:
        e = audit_record(actor=self.mia, action="import", summary="x")
        e.summary = "y"
        with self.assertRaises(AppendOnlyError):
            e.save()
        with self.assertRaises(AppendOnlyError):
            e.delete()
        self.assertEqual(AuditEvent.objects.get(pk=e.pk).summary, "x")

    def test_operators_cannot_read_the_log(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get("/audit/").status_code, 403)
