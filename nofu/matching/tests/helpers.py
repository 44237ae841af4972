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


def import_rows(actor: Any, *rows: str, assigner: Any = None) -> ImportBatch:
    header = UNIFIED_HEADER if rows[0].startswith("統一滞納管理") else OTHER_HEADER
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("cp932")
    return file_import(data=data, file_name="test.csv", actor=actor, assigner=assigner)


def import_background(actor: Any) -> ImportBatch:
    """The sample file of the unified system: a small city for term frequencies."""
    return file_import(data=UNIFIED_SAMPLE.read_bytes(), file_name="統一滞納管理.csv", actor=actor)


def payer_of(key: str) -> Payer:
    return Installment.objects.select_related("payer").get(receivable_key=key).payer


def review_between(a: Payer, b: Payer, weight: float = 2.5) -> Any:
    """A review pair as the engine would leave it, between the first rows of two payers."""
    from nofu.matching.models import ReviewPair

    a, b = (a, b) if a.pk < b.pk else (b, a)
    ra, rb = a.installments.order_by("id").first(), b.installments.order_by("id").first()
    return ReviewPair.objects.create(
        payer_a=a, payer_b=b, a_source=ra.source_system, a_key=ra.receivable_key,
        b_source=rb.source_system, b_key=rb.receivable_key, weight=weight, probability=0.85,
        reasons="氏名: 一致 (13.0)、生年月日: 一致 (13.2)、住所: 不一致 (-1.9)、電話番号: 不一致 (-0.3)",
    )  # fmt: skip
