from __future__ import annotations

import json
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import DatabaseError

from nofu.charges.models import SubjectRule, YearRate
from nofu.test import BaseTestCase

TOYOHASHI = ["--amount", "65000", "--due", "2021-05-31", "--paid", "2022-01-31"]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("entaikin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class EntaikinCommandTests(BaseTestCase):
    def test_prints_the_charge_in_yen(self) -> None:
        out, _ = run(*TOYOHASHI)
        self.assertTrue(out.rstrip().endswith("延滞金 3,400円"))
        self.assertIn("2021-07-01〜2021-12-31  184日 8.8% × 65,000円 = 2,883円", out)

    def test_json_has_the_segments(self) -> None:
        out, _ = run(*TOYOHASHI, "--json")
        data = json.loads(out)
        self.assertEqual(data["total"], 3400)
        self.assertEqual(
            [(s["start"], s["end"], s["days"], s["rate"], s["amount"]) for s in data["segments"]],
            [
                ("2021-06-01", "2021-06-30", 30, "2.5", 133),
                ("2021-07-01", "2021-12-31", 184, "8.8", 2883),
                ("2022-01-01", "2022-01-31", 31, "8.7", 480),
            ],
        )

    def test_payments(self) -> None:
        out, _ = run(*TOYOHASHI, "--payments", "2021-07-15:30000", "--json")
        self.assertEqual(json.loads(out)["total"], 2000)

    def test_subject_rules_come_from_the_database(self) -> None:
        SubjectRule.objects.filter(subject_code="10").update(first_period_months=3)
        out, _ = run(*TOYOHASHI, "--subject", "10", "--json")
        data = json.loads(out)
        self.assertEqual(data["first_period_end"], "2021-08-31")
        self.assertEqual(data["rules"], "10 地方税法の例による（初期値）")

    def test_rates_come_from_the_database(self) -> None:
        YearRate.objects.filter(year=2022).update(later_rate="14.6")
        out, _ = run(*TOYOHASHI, "--json")
        self.assertEqual(json.loads(out)["segments"][2]["rate"], "14.6")

    def test_defaults_when_the_database_cannot_be_read(self) -> None:
        with mock.patch("nofu.charges.services.load_rules", side_effect=DatabaseError):
            out, err = run(*TOYOHASHI, "--subject", "01")
        self.assertIn("既定の規則で計算します", err)
        self.assertIn("延滞金 3,400円", out)

    def test_errors(self) -> None:
        with self.assertRaisesMessage(CommandError, "より前です"):
            run("--amount", "65000", "--due", "2021-05-31", "--paid", "2021-05-01")
        with self.assertRaisesMessage(CommandError, "科目コード「99」"):
            run(*TOYOHASHI, "--subject", "99")
        with self.assertRaisesMessage(CommandError, "日付「2021-13-01」を読めません"):
            run("--amount", "1", "--due", "2021-13-01")
        with self.assertRaisesMessage(CommandError, "を読めません"):
            run(*TOYOHASHI, "--payments", "2021-07-15")
