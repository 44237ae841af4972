"""The city's subjects (科目) and source systems, from data-exchange.md §1."""

from __future__ import annotations

from dataclasses import dataclass

UNIFIED = "統一滞納管理"
NHI_REFUND = "国保返納金"
SCHOOL_LUNCH = "給食費"
SOURCE_SYSTEMS = (UNIFIED, NHI_REFUND, SCHOOL_LUNCH)


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    system: str
    short: str  # for narrow table columns


SUBJECTS: dict[str, Subject] = {
    s.code: s
    for s in [
        Subject("01", "市県民税（森林環境税含む）", UNIFIED, "市県民税"),
        Subject("02", "固定資産税・都市計画税", UNIFIED, "固定資産税"),
        Subject("03", "償却資産税", UNIFIED, "償却資産"),
        Subject("04", "軽自動車税（種別割）", UNIFIED, "軽自動車税"),
        Subject("05", "法人市民税", UNIFIED, "法人市民税"),
        Subject("06", "事業所税", UNIFIED, "事業所税"),
        Subject("07", "市たばこ税", UNIFIED, "市たばこ税"),
        Subject("10", "国民健康保険料", UNIFIED, "国保料"),
        Subject("11", "国民健康保険被保険者返納金", NHI_REFUND, "国保返納金"),
        Subject("12", "後期高齢者医療保険料", UNIFIED, "後期高齢"),
        Subject("13", "介護保険料", UNIFIED, "介護保険料"),
        Subject("14", "保育料（通常保育料・延長保育料、給食費）", UNIFIED, "保育料"),
        Subject("15", "給食費", SCHOOL_LUNCH, "給食費"),
    ]
}

# Taxes follow 地方税法 for late charges; the rest follow each city's ordinance.
TAX_CODES = frozenset({"01", "02", "03", "04", "05", "06", "07"})


def subject_name(code: str) -> str:
    s = SUBJECTS.get(code)
    return s.name if s else code
