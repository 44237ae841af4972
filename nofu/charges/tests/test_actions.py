from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from nofu.audit.models import AuditEvent
from nofu.charges.actions import (
    rate_create,
    rate_update,
    subject_rule_create,
    subject_rule_update,
)
from nofu.charges.models import RuleChange, SubjectRule, YearRate
from nofu.test import BaseTestCase


class RateActionTests(BaseTestCase):
    def test_update_records_old_and_new_in_one_transaction(self) -> None:
        rate_update(
            actor=self.mia,
            year=2026,
            expected_version=1,
            special_base="1.8",
            first_rate="2.9",
            later_rate="9.1",
            reason="訂正",
        )
        change = RuleChange.objects.filter(key="2026").first()
        self.assertEqual((change.old["first_rate"], change.new["first_rate"]), ("2.80", "2.90"))
        event = AuditEvent.objects.get(action="charges.rate_update")
        self.assertEqual(event.detail["old"]["first_rate"], "2.80")
        self.assertEqual(event.reason, "訂正")

    def test_failed_audit_rolls_the_change_back(self) -> None:
        from unittest import mock

        with (
            mock.patch("nofu.charges.actions.audit_record", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            rate_update(
                actor=self.mia, year=2026, expected_version=1, special_base="2.0", reason="x"
            )
        self.assertEqual(YearRate.objects.get(year=2026).special_base, Decimal("1.8"))
        self.assertEqual(RuleChange.objects.filter(key="2026").count(), 1)  # the seed only

    def test_reason_is_required(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            rate_create(actor=self.mia, year=2027, special_base="1.8", reason=" ")
        self.assertIn("変更理由", str(cm.exception))

    def test_caps(self) -> None:
        rate = rate_create(actor=self.mia, year=2027, special_base="8.0", reason="仮定")
        self.assertEqual((rate.first_rate, rate.later_rate), (Decimal("7.3"), Decimal("14.6")))

    def test_history_is_append_only(self) -> None:
        change = RuleChange.objects.first()
        with self.assertRaises(ValueError):
            change.save()
        with self.assertRaises(ValueError):
            change.delete()
        with self.assertRaises(ValueError):
            RuleChange.objects.all().delete()
        with self.assertRaises(ValueError):
            RuleChange.objects.update(reason="")


class SubjectRuleActionTests(BaseTestCase):
    def test_create_takes_local_tax_defaults(self) -> None:
        rule = subject_rule_create(
            actor=self.mia, subject_code="16", subject_name="使用料", reason="追加"
        )
        self.assertEqual((rule.base_unit, rule.result_threshold, rule.start), (1000, 1000, "due"))

    def test_update_only_what_is_given(self) -> None:
        subject_rule_update(
            actor=self.mia,
            subject_code="14",
            expected_version=1,
            reason="保育料条例",
            first_period_months="3",
        )
        rule = SubjectRule.objects.get(subject_code="14")
        self.assertEqual((rule.first_period_months, rule.base_unit, rule.version), (3, 1000, 2))
        self.assertIn(
            "低率期間（月数） 1→3", AuditEvent.objects.get(action="charges.rule_update").summary
        )

    def test_rules_the_calculator_refuses_are_refused(self) -> None:
        for bad in ({"result_unit": 0}, {"first_period_months": 200}, {"start": "x"}):
            with self.assertRaises(ValidationError):
                subject_rule_update(
                    actor=self.mia, subject_code="14", expected_version=1, reason="x", **bad
                )
        with self.assertRaises(ValidationError):
            subject_rule_update(
                actor=self.mia, subject_code="14", expected_version=1, reason="x", nonsense=1
            )
        self.assertEqual(SubjectRule.objects.get(subject_code="14").version, 1)

    def test_stale_version(self) -> None:
        with self.assertRaisesMessage(ValidationError, "他の利用者が先に変更しました"):
            subject_rule_update(
                actor=self.mia, subject_code="14", expected_version=7, reason="x", basis="y"
            )
