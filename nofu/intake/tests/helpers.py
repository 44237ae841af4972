from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
UNIFIED_SAMPLE = FIXTURES / "統一滞納管理.csv"
NHI_SAMPLE = FIXTURES / "国保返納金.csv"
LUNCH_SAMPLE = FIXTURES / "給食費.csv"

HEADER = (
    "抽出元,宛名番号,債権番号,科目コード,科目,年度,期別,納期限,調定額,未納額,延滞金,督促状発付日,"
    "氏名,氏名カナ,生年月日,性別,国籍,法人区分,郵便番号,住所,方書,電話番号1,電話番号2,口座振替,特記事項"
)


def row(
    key: str = "U1",
    resident: str = "1234567890",
    code: str = "01",
    year: str = "R7",
    inst: str = "1",
    due: str = "2025-06-30",
    assessed: str = "50000",
    unpaid: str = "50000",
    name: str = "山田　太郎",
    kana: str = "ヤマダ タロウ",
    birth: str = "1980/01/02",
    phone1: str = "043-222-1111",
    address: str = "千葉市中央区千葉港1-1",
    extra: str = "",
) -> str:
    return (
        f"統一滞納管理,{resident},{key},{code},市県民税,{year},{inst},{due},{assessed},{unpaid},,"
        f",{name},{kana},{birth},男,日本,個人,260-0026,{address},,{phone1},,無,{extra}"
    )


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "cp932") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)
