"""Names and readings folded by Polars a whole column at once give what the per-value
functions give: the engine's shortcut must not change a single feature."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from nofu.lib.matching._features import (
    KANA_COLUMNS,
    NAME_COLUMNS,
    _address_features,
    _address_frame,
    _birth_dates,
    _kana_columns,
    _kana_features,
    _name_columns,
    _name_features,
    _phone_kinds,
    _phone_kinds_frame,
    birth_iso,
)

NAMES = [
    "佐藤　広", "佐藤 広", "佐藤広", "髙橋　正人", "齋藤 一", "佐々木　圭介", "株式会社 緑",
    "株式會社緑", "（株）緑興産", "緑興産株式会社", "長谷川　キヨ", "リ　ジェフン", "JOHN SMITH",
    "〓田 太郎", "山田  太郎", " 山田 太郎", "山田 太郎 次郎", "﨑山 一", "社団法人", "学校法人 緑",
    "", "医療法人社団緑会", "一 二", "会社",
]  # fmt: skip
KANAS = [
    "ヤマダ タロウ", "ヤマダ　タロウ", "やまだ たろう", "ヤマダタロウ", "ｷｮｳｺ", "キョウコ", "ヴァン",
    "ゔぁん", "ヂヅヲ ヱヰ", "ミスヾ", "ーヤマダ", "ヤマダ ー", "カ)ミドリ", "ミドリ(カ", "ャ ッ",
    "タ・ロウ", "ヤマダ  タロウ", "", "ヶ ヵ", "ゕゖ", "ヤマダ タロウ ジロウ", "カ゛", "ｾｷｸﾞﾁ ｶｽﾞﾋｺ",
    "ﾔｽﾀﾞ ﾕｳｶ", "ﾊﾟﾋﾟﾌﾟ", "ｳﾞｧﾝ", "ｱﾞ", "ｰｱ", "ｱｰ ｰｲ", "ｶ)ﾐﾄﾞﾘ", "ｷｮｳｺ　ﾔﾏﾀﾞ",
]  # fmt: skip

_KANJI = "佐藤広髙橋齋斎株式会社會有限緑一二山田太郎々〓﨑社団法人学校医療"
_KANA = "ぁあいうゔゕゖゝゞァアイウヴヵヶヽヾヂヅヲヱヰャュョッーカタロ゛゜ｶﾞｷｮ()・"
_SPACE = " \u3000"


def _python_names(values: list[str]) -> pl.DataFrame:
    rows = [(v, *_name_features(v)) for v in values]
    return pl.DataFrame(rows, schema=["name", *NAME_COLUMNS], orient="row").sort("name")


def _python_kanas(pairs: list[tuple[str, bool]]) -> pl.DataFrame:
    rows = [(k, c, *_kana_features(k, c)) for k, c in pairs]
    return pl.DataFrame(rows, schema=["kana", "corp", *KANA_COLUMNS], orient="row").sort(
        "kana", "corp"
    )


def _check_names(values: list[str]) -> None:
    values = sorted(set(values))
    got = _name_columns(pl.Series(values, dtype=pl.String)).sort("name")
    assert got.to_dicts() == _python_names(values).to_dicts()


def _check_kanas(values: list[str]) -> None:
    pairs = sorted({(v, c) for v in values for c in (False, True)})
    frame = pl.DataFrame(pairs, schema={"kana": pl.String, "corp": pl.Boolean}, orient="row")
    got = _kana_columns(frame).sort("kana", "corp")
    assert got.to_dicts() == _python_kanas(pairs).to_dicts()


def test_names_by_column_equal_names_by_value() -> None:
    _check_names(NAMES)


def test_readings_by_column_equal_readings_by_value() -> None:
    _check_kanas(KANAS)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(alphabet=_KANJI + _KANA[:8] + _SPACE, max_size=8), max_size=20))
def test_any_name_by_column_equals_by_value(values: list[str]) -> None:
    _check_names(values)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(alphabet=_KANA + _SPACE, max_size=8), max_size=20))
def test_any_reading_by_column_equals_by_value(values: list[str]) -> None:
    _check_kanas(values)


_HALF = "ｦｧｯｰｱｳｶｷﾄﾊﾎﾏﾝﾞﾟ"


@settings(deadline=None, max_examples=300)
@given(st.lists(st.text(alphabet=_HALF + _SPACE + "ア", max_size=8), max_size=20))
def test_any_half_width_reading_by_column_equals_by_value(values: list[str]) -> None:
    _check_kanas(values)


ADDRESSES = [
    ("千葉県千葉市緑区平山町3丁目27番24号", "", ""),
    ("平山町３－２７－２４", "ハイツ　１０５号室", "266-0002"),
    ("", "ビル 301", "2600001"),
    ("\u3000", "ビル 301", ""),
    ("\x1c", "ビル 301", ""),
    ("千葉市中央区新田町26-20-1105", "", ""),
    ("千葉市中央区新田町", "パーク①", ""),
    ("不明", "", ""),
    ("東京都千代田区千代田1-1", "0012", ""),
]


def test_addresses_by_column_equal_addresses_by_value() -> None:
    frame = pl.DataFrame(ADDRESSES, schema=["address", "building", "postal_code"], orient="row")
    got = _address_frame(frame).select("addr", "town", "room").rows()
    assert got == [_address_features(*row) for row in ADDRESSES]


BIRTH_DATES = [
    "1980/01/02", "19800102", "1980-01-02", "1980/1/2", "1980-01/02", "0000/00/00", "00000000",
    "1867/12/31", "1868/01/01", "2200/12/31", "2201/01/01", "1980/02/30", "1980/13/01",
    "2024/02/29", "2023/02/29", "", "H17.11.12", "昭和60年1月17日", "１９８０/０１/０２",
    "1980/01/02 00:00:00", "99999999", "1980/00/10",
]  # fmt: skip


def _check_births(values: list[str]) -> None:
    got = _birth_dates(pl.DataFrame({"birth_date": values}, schema={"birth_date": pl.String}))
    assert got["dob"].to_list() == [birth_iso(v) for v in values]


def test_birth_dates_by_column_equal_by_value() -> None:
    _check_births(BIRTH_DATES)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(alphabet="0123456789/-年月日H.", max_size=11), max_size=20))
def test_any_birth_date_by_column_equals_by_value(values: list[str]) -> None:
    _check_births(values)


_PHONES = [
    "",
    "09012345678",
    "0312345678",
    "08001234567",
    "05012345678",
    "0432123456",
    "07099998888",
]


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(st.sampled_from(_PHONES), st.sampled_from(_PHONES)), max_size=30))
def test_phone_kinds_by_column_equal_by_value(pairs: list[tuple[str, str]]) -> None:
    frame = pl.DataFrame(pairs, schema={"a": pl.String, "b": pl.String}, orient="row")
    got = _phone_kinds_frame(frame, "a", "b").select("ph_mobile", "ph_fixed").rows()
    assert got == [_phone_kinds(a, b) for a, b in pairs]
