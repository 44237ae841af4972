"""Seeds the rates of shared/reference/entaikin.md (2014–2026) and the local-tax rule for
every subject of data-exchange.md. Values are written out here, not imported, so that the
migration stays as it was when later code changes. The seed is itself recorded as the
first entry of each row's history."""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations

# year: (特例基準割合, first month, afterwards)
RATES = {
    2014: ("1.9", "2.9", "9.2"),
    2015: ("1.8", "2.8", "9.1"),
    2016: ("1.8", "2.8", "9.1"),
    2017: ("1.7", "2.7", "9.0"),
    2018: ("1.6", "2.6", "8.9"),
    2019: ("1.6", "2.6", "8.9"),
    2020: ("1.6", "2.6", "8.9"),
    2021: ("1.5", "2.5", "8.8"),
    2022: ("1.4", "2.4", "8.7"),
    2023: ("1.4", "2.4", "8.7"),
    2024: ("1.4", "2.4", "8.7"),
    2025: ("1.4", "2.4", "8.7"),
    2026: ("1.8", "2.8", "9.1"),
}

SUBJECTS = {
    "01": "市県民税（森林環境税含む）",
    "02": "固定資産税・都市計画税",
    "03": "償却資産税",
    "04": "軽自動車税（種別割）",
    "05": "法人市民税",
    "06": "事業所税",
    "07": "市たばこ税",
    "10": "国民健康保険料",
    "11": "国民健康保険被保険者返納金",
    "12": "後期高齢者医療保険料",
    "13": "介護保険料",
    "14": "保育料（通常保育料・延長保育料、給食費）",
    "15": "給食費",
}

REASON = "初期値（参考資料 entaikin.md・地方税法の規定）"


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    YearRate = apps.get_model("charges", "YearRate")
    SubjectRule = apps.get_model("charges", "SubjectRule")
    RuleChange = apps.get_model("charges", "RuleChange")
    for year, (base, first, later) in RATES.items():
        YearRate.objects.create(
            year=year,
            special_base=Decimal(base),
            first_rate=Decimal(first),
            later_rate=Decimal(later),
            updated_by="system",
        )
        RuleChange.objects.create(
            kind="rate",
            key=str(year),
            actor_name="system",
            old=None,
            new={
                "year": year,
                "special_base": base,
                "first_rate": first,
                "later_rate": later,
                "note": "",
            },
            reason=REASON,
        )
    for code, name in SUBJECTS.items():
        rule = {
            "subject_code": code,
            "subject_name": name,
            "first_period_months": 1,
            "start": "due",
            "notice_deadline_days": 10,
            "base_unit": 1000,
            "base_threshold": 2000,
            "result_unit": 100,
            "result_threshold": 1000,
            "shift_closed_due": True,
            "basis": "地方税法の例による（初期値）",
        }
        SubjectRule.objects.create(updated_by="system", **rule)
        RuleChange.objects.create(
            kind="subject", key=code, actor_name="system", old=None, new=rule, reason=REASON
        )


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    for model in ("RuleChange", "SubjectRule", "YearRate"):
        apps.get_model("charges", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("charges", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
