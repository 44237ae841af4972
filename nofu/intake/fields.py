"""How each column of the city's files is read: one parser per column, Japanese errors.

A parser takes the cell text and returns the normalized value, or raises
`CellError` (the row is rejected) or `CellWarning` (the row is imported, the value is
left out of the normalized fields but stays in the row's raw data, and the user is told).
Parsers are pure and run once per distinct value in a file, not once per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from nofu.lib import address, phones, wareki
from nofu.lib.japanese import clean_text, corporation_form, display_kana, display_name
from nofu.lib.subjects import SOURCE_SYSTEMS, SUBJECTS


class CellError(ValueError):
    """The value makes the row unusable."""


class CellWarning(ValueError):
    """The value is dropped from the normalized fields; the row is still imported."""


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def source_system(s: str) -> str:
    v = nfkc(s)
    if v not in SOURCE_SYSTEMS:
        raise CellError(f"抽出元「{s}」は不明です（{'・'.join(SOURCE_SYSTEMS)}のいずれか）。")
    return v


def receivable_key(s: str) -> str:
    v = nfkc(s)
    if not v:
        raise CellError("債権番号が空です。")
    if len(v) > 50:
        raise CellError("債権番号が長すぎます（50文字まで）。")
    return v


def resident_no(s: str) -> str:
    v = nfkc(s)
    if v and not v.isdigit():
        raise CellError(f"宛名番号「{s}」は数字ではありません。")
    return v


def subject_code(s: str) -> str:
    v = nfkc(s)
    if v.isdigit():
        v = v.zfill(2)
    if v not in SUBJECTS:
        raise CellError(f"科目コード「{s}」は不明です。")
    return v


def fiscal_year(s: str) -> int:
    if not s.strip():
        raise CellError("年度が空です。")
    try:
        return wareki.parse_fiscal_year(s)
    except ValueError:
        raise CellError(f"年度「{s}」を読めません（例: 2025、R7、令和7）。") from None


_INSTALLMENT = re.compile(r"^第?0*(\d{1,2})期?$")


def installment(s: str) -> str:
    v = nfkc(s)
    if v in ("随時", "随時分"):
        return "随時"
    m = _INSTALLMENT.match(v)
    if not m or not 1 <= int(m.group(1)) <= 14:
        raise CellError(f"期別「{s}」を読めません（1〜10 または 随時）。")
    return m.group(1)


def required_date(s: str) -> date:
    if not s.strip():
        raise CellError("日付が空です。")
    return optional_date(s)  # type: ignore[return-value]


def optional_date(s: str) -> date | None:
    try:
        return wareki.parse_date(s)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def birth_date(s: str) -> date | None:
    try:
        d = wareki.parse_date(s)
    except ValueError as exc:
        raise CellWarning(str(exc)) from None
    if d is not None and (d > date.today() or d.year < 1890):
        raise CellWarning(f"生年月日「{s}」はありえない日付です。")
    return d


_AMOUNT_JUNK = str.maketrans("", "", ",円¥\\ 　")


def _int(s: str) -> int:
    v = nfkc(s).translate(_AMOUNT_JUNK)
    if not re.fullmatch(r"-?\d+", v):
        raise CellError(f"金額「{s}」は整数ではありません。")
    n = int(v)
    if n < 0:
        raise CellError(f"金額「{s}」がマイナスです。")
    return n


def amount(s: str) -> int:
    if not s.strip():
        raise CellError("金額が空です。")
    return _int(s)


def optional_amount(s: str) -> int | None:
    return _int(s) if s.strip() else None


def name(s: str) -> str:
    v = display_name(s)
    if not v:
        raise CellError("氏名が空です。")
    return v


def kana(s: str) -> str:
    return display_kana(s)


_SEX = {
    "男": "男",
    "男性": "男",
    "M": "男",
    "1": "男",
    "女": "女",
    "女性": "女",
    "F": "女",
    "2": "女",
}


def sex(s: str) -> str:
    v = nfkc(s).upper()
    if not v:
        return ""
    if v not in _SEX:
        raise CellWarning(f"性別「{s}」を読めません（男・女）。")
    return _SEX[v]


def corporation(s: str) -> bool | None:
    v = nfkc(s)
    if v in ("法人",):
        return True
    if v in ("個人",):
        return False
    if not v:
        return None  # decided from the name
    raise CellWarning(f"法人区分「{s}」を読めません（個人・法人）。")


def postal(s: str) -> str:
    try:
        return address.normalize_postal(s)
    except ValueError as exc:
        raise CellWarning(str(exc)) from None


def phone(s: str) -> str:
    try:
        return phones.normalize_phone(s)
    except ValueError as exc:
        raise CellWarning(str(exc)) from None


def yes_no(s: str) -> bool:
    v = nfkc(s)
    if v in ("有", "あり", "有り", "1", "○"):
        return True
    if v in ("無", "なし", "無し", "0", ""):
        return False
    raise CellWarning(f"「{s}」を読めません（有・無）。")


def text(s: str) -> str:
    return clean_text(s)


@dataclass(frozen=True)
class Column:
    header: str  # the spec's Japanese column name
    field: str  # the normalized field in code
    parse: Callable[[str], Any]
    required: bool = False


CALL_TARGET_COLUMNS: list[Column] = [
    Column("抽出元", "source_system", source_system, required=True),
    Column("宛名番号", "resident_no", resident_no),
    Column("債権番号", "receivable_key", receivable_key, required=True),
    Column("科目コード", "subject_code", subject_code, required=True),
    Column("科目", "subject_name", text),
    Column("年度", "fiscal_year", fiscal_year, required=True),
    Column("期別", "installment", installment, required=True),
    Column("納期限", "due_date", required_date, required=True),
    Column("調定額", "assessed", amount, required=True),
    Column("未納額", "unpaid", amount, required=True),
    Column("延滞金", "late_charge_at_extraction", optional_amount),
    Column("督促状発付日", "demand_notice_date", optional_date),
    Column("氏名", "name", name, required=True),
    Column("氏名カナ", "name_kana", kana),
    Column("生年月日", "birth_date", birth_date),
    Column("性別", "sex", sex),
    Column("国籍", "nationality", text),
    Column("法人区分", "corporation", corporation),
    Column("郵便番号", "postal_code", postal),
    Column("住所", "address", text),
    Column("方書", "building", text),
    Column("電話番号1", "phone1", phone),
    Column("電話番号2", "phone2", phone),
    Column("口座振替", "account_transfer", yes_no),
    Column("特記事項", "note", text),
    Column("児童氏名", "child_name", display_name),
    Column("学校名", "school_name", text),
]

PAYMENT_METHODS = (
    "窓口",
    "コンビニ",
    "口座振替",
    "ペイジー",
    "スマホ決済",
    "クレジット",
    "eL-QR",
    "その他",
)


def payment_method(s: str) -> str:
    v = nfkc(s)
    for m in PAYMENT_METHODS:
        if v.upper() == nfkc(m).upper():
            return m
    if not v:
        raise CellError("収納方法が空です。")
    raise CellError(f"収納方法「{s}」は不明です（{'・'.join(PAYMENT_METHODS)}）。")


PAYMENT_COLUMNS: list[Column] = [
    Column("抽出元", "source_system", source_system, required=True),
    Column("債権番号", "receivable_key", receivable_key, required=True),
    Column("収納日", "paid_on", required_date, required=True),
    Column("収納額", "amount", amount, required=True),
    Column("収納方法", "method", payment_method, required=True),
]


def is_corporation(name_value: str, flag: bool | None) -> bool:
    return flag if flag is not None else corporation_form(name_value) is not None
