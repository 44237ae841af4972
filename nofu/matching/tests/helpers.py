"""City rows of the three systems for matching tests, imported through the real importer."""

from __future__ import annotations

from typing import Any

from nofu.intake.importer import file_import
from nofu.intake.models import ImportBatch
from nofu.intake.tests.helpers import UNIFIED_SAMPLE
from nofu.payers.models import Installment, Payer

UNIFIED_HEADER = (
    "抽出元,宛名番号,債権番号,科目コード,科目,年度,期別,納期限,調定額,未納額,延滞金,督促状発付日,"
    "氏名,氏名カナ,生年月日,性別,国籍,法人区分,郵便番号,住所,方書,電話番号1,電話番号2,口座振替,特記事項"
)
OTHER_HEADER = (
    "抽出元,債権番号,科目コード,科目,年度,期別,納期限,調定額,未納額,延滞金,督促状発付日,"
    "氏名,氏名カナ,生年月日,性別,国籍,法人区分,郵便番号,住所,方書,電話番号1,電話番号2,口座振替,特記事項,"
    "児童氏名,学校名"
)


def unified(
    key: str, name: str, kana: str, birth: str, *, resident: str, sex: str = "男",
    address: str = "千葉市中央区千葉港1-1", building: str = "", phone1: str = "",
    phone2: str = "", code: str = "01", unpaid: int = 30000, postal: str = "",
) -> str:  # fmt: skip
    return (
        f"統一滞納管理,{resident},{key},{code},,R7,1,2025-06-30,{unpaid},{unpaid},,,"
        f"{name},{kana},{birth},{sex},日本,個人,{postal},{address},{building},{phone1},{phone2},無,"
    )


def other(
    source: str, key: str, name: str, kana: str, birth: str = "", *, sex: str = "男",
    address: str = "千葉市中央区千葉港1-1", building: str = "", phone1: str = "",
    phone2: str = "", unpaid: int = 4500, child: str = "", school: str = "",
) -> str:  # fmt: skip
    code = "15" if source == "給食費" else "11"
    return (
        f"{source},{key},{code},,2025,1,2025-06-30,{unpaid},{unpaid},,,"
        f"{name},{kana},{birth},{sex},日本,個人,,{address},{building},{phone1},{phone2},無,,"
        f"{child},{school}"
    )


def import_rows(actor: Any, *rows: str, unified_file: bool | None = None) -> ImportBatch:
    is_unified = rows[0].startswith("統一滞納管理") if unified_file is None else unified_file
    header = UNIFIED_HEADER if is_unified else OTHER_HEADER
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("cp932")
    return file_import(data=data, file_name="test.csv", actor=actor)


def import_background(actor: Any) -> ImportBatch:
    """The sample file of the unified system: a small city for term frequencies."""
    return file_import(data=UNIFIED_SAMPLE.read_bytes(), file_name="統一滞納管理.csv", actor=actor)


def payer_of(key: str) -> Payer:
    return Installment.objects.select_related("payer").get(receivable_key=key).payer
