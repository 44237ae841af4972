from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.charges.models import SubjectRule
from nofu.test import BaseTestCase

URL = "/charges/rules/subjects/new"

BODY = {
    "subject_code": "16",
    "subject_name": "下水道使用料",
    "first_period_months": "1",
    "start": "due",
    "notice_deadline_days": "10",
    "base_unit": "1000",
    "base_threshold": "2000",
    "result_unit": "100",
    "result_threshold": "1000",
    "shift_closed_due": "on",
    "basis": "千葉市下水道条例",
    "reason": "新しい科目の受託",
}


class SubjectNewViewTests(BaseTestCase):
    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.client.post(URL, BODY).status_code, 403, user)

    def test_adds_a_subject(self) -> None:
        self.login(self.mia)
        r = self.client.post(URL, BODY)
        self.assertRedirects(r, "/charges/rules/", fetch_redirect_response=False)
        rule = SubjectRule.objects.get(subject_code="16")
        self.assertEqual(rule.basis, "千葉市下水道条例")
        self.assertTrue(AuditEvent.objects.filter(action="charges.rule_create").exists())

    def test_duplicate_and_bad_code(self) -> None:
        self.login(self.mia)
        self.assertContains(self.client.post(URL, {**BODY, "subject_code": "01"}), "登録済み")
        self.assertContains(
            self.client.post(URL, {**BODY, "subject_code": "1-2"}), "英数字4文字以内"
        )
