from __future__ import annotations

from datetime import date

from nofu.audit.models import AuditEvent
from nofu.charges.models import RuleChange, SubjectRule
from nofu.charges.services import load_rules
from nofu.test import BaseTestCase

URL = "/charges/rules/subjects/10"


class SubjectEditViewTests(BaseTestCase):
    def body(self, **data: str) -> dict[str, str]:
        rule = SubjectRule.objects.get(subject_code="10")
        body = {
            "subject_name": rule.subject_name,
            "first_period_months": "1",
            "start": "due",
            "notice_deadline_days": "10",
            "base_unit": "1000",
            "base_threshold": "2000",
            "result_unit": "100",
            "result_threshold": "1000",
            "shift_closed_due": "on",
            "basis": "",
            "reason": "国保料条例に合わせる",
            "version": str(rule.version),
        }
        return {**body, **data}

    def test_only_managers(self) -> None:
        self.login(self.mia)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.assertEqual(self.client.get("/charges/rules/subjects/99").status_code, 404)
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.client.post(URL, self.body()).status_code, 403, user)

    def test_change_reaches_the_calculator(self) -> None:
        self.login(self.mia)
        r = self.client.post(
            URL, self.body(first_period_months="3", start="demand_notice", basis="国保料条例")
        )
        self.assertRedirects(r, "/charges/rules/", fetch_redirect_response=False)
        _, rules = load_rules()
        self.assertEqual(rules["10"].first_period_months, 3)
        change = RuleChange.objects.filter(kind="subject", key="10").first()
        self.assertEqual((change.old["start"], change.new["start"]), ("due", "demand_notice"))
        self.assertTrue(AuditEvent.objects.filter(action="charges.rule_update").exists())
        # the operator's calculator now uses it
        self.login(self.olivia)
        r = self.client.get(
            "/charges/calculator",
            {
                "amount": "65000",
                "due": "2021-05-31",
                "until": "2022-01-31",
                "subject": "10",
                "demand_notice": "2021-06-30",
            },
        )
        self.assertEqual(r.context["result"].start, date(2021, 7, 1))
        self.assertEqual(r.context["result"].first_period_end, date(2021, 9, 30))

    def test_invalid_rule_is_refused(self) -> None:
        self.login(self.mia)
        r = self.client.post(URL, self.body(base_unit="0"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(SubjectRule.objects.get(subject_code="10").version, 1)

    def test_unchecked_box_turns_the_shift_off(self) -> None:
        self.login(self.mia)
        body = self.body()
        del body["shift_closed_due"]
        self.client.post(URL, body)
        self.assertFalse(SubjectRule.objects.get(subject_code="10").shift_closed_due)
