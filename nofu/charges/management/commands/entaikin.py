"""`nofu entaikin --amount 65000 --due 2021-05-31 --paid 2022-01-31 [--subject 01]
[--payments DATE:AMOUNT,...] [--json]`: one installment's late charge in yen.

Uses the rates and the subject's rule from the database when it can be read, and the
built-in defaults (the reference's table, the local-tax rule) otherwise, saying so.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from nofu.lib.entaikin import (
    DEFAULT_RATES,
    LOCAL_TAX,
    EntaikinError,
    RateTable,
    RuleSet,
    compute,
    parse_payments,
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise CommandError(f"日付「{value}」を読めません（例: 2021-05-31）") from None


class Command(BaseCommand):
    help = "延滞金を計算します（税額・納期限・完納日から）。"
    requires_system_checks: list[str] = []  # a calculator: must work whatever else is amiss

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--amount", type=int, required=True, help="税額・料額（円）")
        parser.add_argument("--due", required=True, help="納期限 YYYY-MM-DD")
        parser.add_argument("--paid", help="完納日（計算日） YYYY-MM-DD。省略時は本日")
        parser.add_argument("--subject", help="科目コード（登録された規則で計算）")
        parser.add_argument("--payments", default="", help="一部納付 DATE:AMOUNT,DATE:AMOUNT")
        parser.add_argument("--demand-notice", help="督促状の指定期限 YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="内訳をJSONで出力")

    def _rules(self, subject: str | None) -> tuple[RateTable, RuleSet, str]:
        from nofu.charges.services import load_rules

        try:
            rates, by_subject = load_rules()
        except DatabaseError:
            self.stderr.write("規則をデータベースから読めないため、既定の規則で計算します。")
            return DEFAULT_RATES, LOCAL_TAX, "既定（地方税法）"
        if not rates.years:
            rates = DEFAULT_RATES
        if subject is None:
            return rates, LOCAL_TAX, "地方税法"
        if subject not in by_subject:
            raise CommandError(f"科目コード「{subject}」の規則が登録されていません")
        return rates, by_subject[subject], f"{subject} {by_subject[subject].name}"

    def handle(self, *args: Any, **opts: Any) -> None:
        due = _date(opts["due"])
        until = _date(opts["paid"]) if opts["paid"] else timezone.localdate()
        notice = _date(opts["demand_notice"]) if opts["demand_notice"] else None
        rates, rules, label = self._rules(opts["subject"])
        try:
            result = compute(
                opts["amount"],
                due,
                until,
                payments=parse_payments(opts["payments"]),
                rules=rules,
                rates=rates,
                demand_notice=notice,
            )
        except EntaikinError as e:
            raise CommandError(str(e)) from None
        if opts["json"]:
            data = {"subject": opts["subject"], "rules": label, **result.as_dict()}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for s in result.segments:
            self.stdout.write(
                f"{s.start.isoformat()}〜{s.end.isoformat()} {s.days:>4}日 "
                f"{s.rate}% × {s.base:,}円 = {s.amount:,}円"
            )
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(f"延滞金 {result.total:,}円")
