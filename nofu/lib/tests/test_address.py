"""Addresses: one key for one place however the city's systems write it."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nofu.lib.address import (
    CHIBA_WARDS,
    AddressError,
    NormalizedAddress,
    normalize_address,
    normalize_postal,
)

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "samples"

# --- postal codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "260-0001",
        "2600001",
        "〒260-0001",
        "〒 260-0001",
        "２６０－０００１",
        "260ー0001",
        " 260-0001 ",
    ],
)
def test_normalize_postal(raw: str) -> None:
    assert normalize_postal(raw) == "2600001"


@pytest.mark.parametrize("raw", [None, "", "  ", "〒"])
def test_normalize_postal_blank(raw: str | None) -> None:
    assert normalize_postal(raw) == ""


@pytest.mark.parametrize("raw", ["260-001", "26000011", "abc-defg", "260-000１x"])
def test_normalize_postal_rejects(raw: str) -> None:
    with pytest.raises(AddressError) as info:
        normalize_postal(raw)
    assert "郵便番号は7桁の数字" in str(info.value)
    assert isinstance(info.value, ValueError)


# --- one place, many spellings ------------------------------------------------------

HIRAYAMA = [
    "千葉県千葉市緑区平山町3丁目27番24号",
    "千葉県千葉市緑区平山町３－２７－２４",
    "千葉県千葉市平山町三丁目二十七番二十四号",
    "千葉市緑区平山町3-27-24",
    "緑区平山町3-27-24",
    "平山町３－２７－２４",
    "平山町三丁目二十七番二十四号",
    "千葉県 千葉市 緑区 平山町 3-27-24",
    "千葉県千葉市緑区平山町3丁目27番地24",
    "千葉県千葉市緑区平山町3丁目27-24",
    "千葉県千葉市緑区平山町３丁目２７番２４号",
]


@pytest.mark.parametrize("address", HIRAYAMA)
def test_every_spelling_of_one_house_gives_one_key(address: str) -> None:
    a = normalize_address(address)
    assert a.key == "緑区平山町3-27-24"
    assert (a.prefecture, a.city, a.ward, a.town, a.block) == (
        "千葉県",
        "千葉市",
        "緑区",
        "平山町",
        "3-27-24",
    )
    assert a.display == "千葉県千葉市緑区平山町3-27-24"
    assert a.building == ""
    assert a.warnings == ()


DASHES = ["-", "‐", "‑", "–", "—", "―", "−", "ｰ", "ー", "－", "─", "━"]


@pytest.mark.parametrize("dash", DASHES)
def test_every_dash_after_a_digit_is_a_block_separator(dash: str) -> None:
    a = normalize_address(f"千葉市中央区富士見6{dash}17{dash}15")
    assert a.block == "6-17-15"
    assert a.key == "中央区富士見6-17-15"


@pytest.mark.parametrize(
    ("rest", "block"),
    [
        ("1丁目2番3号", "1-2-3"),
        ("一丁目二番三号", "1-2-3"),
        ("1-2-3", "1-2-3"),
        ("１－２－３", "1-2-3"),
        ("二十六番二十号", "26-20"),
        ("26番20号", "26-20"),
        ("26-20", "26-20"),
        ("1丁目", "1"),
        ("1234番地", "1234"),
        ("1234番地5", "1234-5"),
        ("1234番地の5", "1234-5"),
        ("千二百三十四番地の五", "1234-5"),
        ("27の3", "27-3"),
        ("01-02-03", "1-2-3"),
        ("3丁目 27番 24号", "3-27-24"),
    ],
)
def test_block_forms(rest: str, block: str) -> None:
    assert normalize_address(f"千葉市緑区大膳野町{rest}").block == block


@pytest.mark.parametrize(
    ("address", "building", "block", "expected_building"),
    [
        # The 方書 column.
        (
            "千葉県千葉市中央区新田町26―20",
            "パークハウスさくら1105号室",
            "26-20",
            "パークハウスさくら1105号室",
        ),
        # A room number after an explicit 号, after a dash.
        ("千葉県千葉市新田町二十六番二十号－1105", "", "26-20", "1105"),
        ("千葉市中央区新田町26番20号1105号室", "", "26-20", "1105号室"),
        # A fourth number, or a long third number in an all-dash block.
        ("千葉市中央区新田町3-27-24-101", "", "3-27-24", "101"),
        ("千葉市中央区新田町26-20-1105", "", "26-20", "1105"),
        ("千葉市中央区新田町26-20 1105", "", "26-20", "1105"),
        ("千葉市中央区新田町26-20-1105号室", "", "26-20", "1105号室"),
        # A building name after the block, half-width kana widened.
        ("千葉市中央区富士見6-17-15 ｸﾞﾗﾝﾄﾞｰﾙひまわり305", "", "6-17-15", "グランドールひまわり305"),
        ("千葉市中央区富士見1丁目三井ビル3F", "", "1", "三井ビル3F"),  # 三井 is not 3
        (
            "千葉市中央区富士見6丁目17番15号",
            "グランドール　ひまわり　305号室",
            "6-17-15",
            "グランドール ひまわり 305号室",
        ),
        # The same building in both places is written once; a room joins its building.
        (
            "千葉市中央区新田町26-20 パークハウスさくら",
            "パークハウスさくら",
            "26-20",
            "パークハウスさくら",
        ),
        (
            "千葉市中央区新田町26-20-1105",
            "パークハウスさくら1105号室",
            "26-20",
            "パークハウスさくら1105号室",
        ),
    ],
)
def test_building_and_room_are_split_off(
    address: str, building: str, block: str, expected_building: str
) -> None:
    a = normalize_address(address, building)
    assert a.block == block
    assert a.building == expected_building
    assert a.key.endswith(block)
    assert a.display.endswith("\u3000" + expected_building)


def test_room_does_not_change_the_key() -> None:
    keys = {
        normalize_address(a, b).key
        for a, b in [
            ("千葉県千葉市中央区新田町26―20", "パークハウスさくら1105号室"),
            ("千葉県千葉市新田町二十六番二十号－1105", ""),
            ("新田町26-20", ""),
        ]
    }
    assert keys == {"中央区新田町26-20"}


# --- ward, town, prefecture and city ------------------------------------------------


@pytest.mark.parametrize(
    ("address", "ward", "town"),
    [
        ("千葉県千葉市天台4-30-19", "稲毛区", "天台"),
        ("千葉市貝塚3丁目25番3号", "若葉区", "貝塚"),
        ("千葉市貝塚町100", "若葉区", "貝塚町"),  # the longer name wins
        ("千葉市新田町26-20", "中央区", "新田町"),
        ("千葉市千城台北5丁目20番22号", "若葉区", "千城台北"),
        ("千葉市千城台南6丁目", "若葉区", "千城台南"),
        ("千葉市稲毛海岸1-2", "美浜区", "稲毛海岸"),  # not 稲毛区's 稲毛
        ("千葉市稲毛1-2", "稲毛区", "稲毛"),
        ("千葉市中央3-1", "中央区", "中央"),
        ("千葉市中央港1-1", "中央区", "中央港"),
        ("千葉市美浜1", "美浜区", "美浜"),
        ("千葉市緑町1-2", "稲毛区", "緑町"),  # 緑町 is in 稲毛区, not 緑区
        ("千葉市蘇我3丁目22番15号", "中央区", "蘇我"),
        ("千葉市蘇我町2丁目", "中央区", "蘇我町"),
        ("千葉市花見川区さつきヶ丘1-2", "花見川区", "さつきが丘"),  # ヶ/が
        ("千葉市中央区松ヶ丘町123", "中央区", "松ケ丘町"),
        ("千葉市中央区鵜ノ森町1", "中央区", "鵜の森町"),  # ノ/の
        ("千葉市若葉区大字小間子町10", "若葉区", "小間子町"),  # 大字
        ("千葉市中央区生實町1", "中央区", "生実町"),  # 異体字 in a town name
        ("栄町33番6号", "中央区", "栄町"),  # not 印旛郡栄町
    ],
)
def test_ward_and_town_are_found(address: str, ward: str, town: str) -> None:
    a = normalize_address(address)
    assert (a.prefecture, a.city, a.ward, a.town) == ("千葉県", "千葉市", ward, town)
    assert a.in_city


def test_ward_contradicting_the_town_is_corrected_and_reported() -> None:
    a = normalize_address("千葉市中央区平山町1-2")
    assert a.ward == "緑区"
    assert a.key == "緑区平山町1-2"
    assert any("区と町名が一致しません" in w for w in a.warnings)


def test_postal_code_fills_ward_when_the_town_is_unknown() -> None:
    a = normalize_address("千葉市未知町1-2", postal="260-0027")
    assert a.ward == "中央区"
    assert a.town == "未知町"
    assert any("町名として見つかりません" in w for w in a.warnings)


def test_postal_code_fills_a_missing_town_and_says_so() -> None:
    a = normalize_address("千葉市中央区1-2-3", postal="2600027")
    assert a.town == "新田町"
    assert any("郵便番号" in w and "補いました" in w for w in a.warnings)


def test_postal_code_is_filled_from_the_town() -> None:
    assert normalize_address("千葉市緑区平山町3-27-24").postal_code == "2660002"
    assert normalize_address("千葉市緑区平山町3-27-24", postal="266-0002").postal_code == (
        "2660002"
    )


def test_postal_code_that_contradicts_the_town_is_reported_not_changed() -> None:
    a = normalize_address("千葉市緑区平山町3-27-24", postal="260-0027")
    assert a.postal_code == "2600027"
    assert a.town == "平山町"
    assert any("郵便番号と町名が一致しません" in w for w in a.warnings)


def test_postal_code_outside_the_city_is_reported() -> None:
    a = normalize_address("千葉市中央区栄町33番6号", postal="100-0001")
    assert any("千葉市のものではありません" in w for w in a.warnings)


@pytest.mark.parametrize(
    "address",
    [
        "〒260-0027 千葉市中央区新田町26-20",
        "〒2600027千葉市中央区新田町26-20",
        "260-0027 新田町26-20",
    ],
)
def test_postal_code_written_in_the_address_is_taken_out(address: str) -> None:
    a = normalize_address(address)
    assert (a.postal_code, a.key, a.warnings) == ("2600027", "中央区新田町26-20", ())


def test_postal_code_in_the_address_contradicting_the_column_is_reported() -> None:
    a = normalize_address("〒260-0027 千葉市中央区新田町26-20", postal="260-0015")
    assert a.postal_code == "2600015"
    assert any("郵便番号欄が一致しません" in w for w in a.warnings)


def test_bad_postal_code_is_a_warning_not_an_error() -> None:
    a = normalize_address("千葉市中央区栄町33番6号", postal="abc")
    assert a.postal_code == "2600016"  # then filled from the town
    assert any("郵便番号は7桁の数字" in w for w in a.warnings)


@pytest.mark.parametrize(
    ("address", "prefecture", "city", "ward", "town", "block"),
    [
        ("船橋市本町1-2-3", "千葉県", "船橋市", "", "本町", "1-2-3"),
        ("千葉県船橋市本町1-2-3", "千葉県", "船橋市", "", "本町", "1-2-3"),
        ("印旛郡栄町安食1-2", "千葉県", "印旛郡栄町", "", "安食", "1-2"),
        ("千葉県酒々井町中央台1-2", "千葉県", "印旛郡酒々井町", "", "中央台", "1-2"),
        ("東京都中央区銀座1-2-3", "東京都", "中央区", "", "銀座", "1-2-3"),
        ("横浜市緑区長津田1丁目2番3号", "神奈川県", "横浜市", "緑区", "長津田", "1-2-3"),
        ("千葉県鎌ヶ谷市新鎌ヶ谷1-2", "千葉県", "鎌ケ谷市", "", "新鎌ヶ谷", "1-2"),
        ("府中市1-2", "", "府中市", "", "", "1-2"),  # in 東京都 and in 広島県
    ],
)
def test_addresses_outside_the_city(
    address: str, prefecture: str, city: str, ward: str, town: str, block: str
) -> None:
    a = normalize_address(address)
    assert (a.prefecture, a.city, a.ward, a.town, a.block) == (prefecture, city, ward, town, block)
    assert not a.in_city
    # Outside the city the key keeps prefecture and city: 栄町 is not 千葉市の栄町.
    assert a.key.startswith(prefecture + city)


def test_outside_key_differs_from_the_same_town_name_inside() -> None:
    inside = normalize_address("千葉市中央区栄町1-2")
    outside = normalize_address("千葉県印旛郡栄町栄町1-2")
    assert inside.key != outside.key


def test_unknown_city_in_chiba_prefecture_is_left_blank() -> None:
    a = normalize_address("千葉県架空市本町1-2")
    assert (a.prefecture, a.city, a.block) == ("千葉県", "", "1-2")


def test_blank_address() -> None:
    a = normalize_address(None, "方書だけ", "2600027")
    assert a == NormalizedAddress("", "", "", "", "", "方書だけ", "2600027", "", "", ())
    assert normalize_address("").key == ""


def test_unreadable_address_is_kept_as_written() -> None:
    a = normalize_address("不明")
    assert a.town == "不明"
    assert a.key == "不明"
    assert a.warnings


def test_normalized_address_is_frozen() -> None:
    a = normalize_address("千葉市緑区平山町3-27-24")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.town = "x"  # type: ignore[misc]


def test_wards_are_the_six_of_chiba_city() -> None:
    assert set(CHIBA_WARDS) == {"中央区", "花見川区", "稲毛区", "若葉区", "緑区", "美浜区"}


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(st.text(max_size=30))
def test_normalize_address_never_raises_and_key_is_stable(text: str) -> None:
    a = normalize_address(text)
    assert isinstance(a.key, str)
    # The key of the display is the key: display is a spelling of the same place.
    if a.in_city and a.block and not a.warnings:
        assert normalize_address(a.display).key == a.key


# The place (prefecture … town) is read from the text before the first digit and cached
# per head; reading it from the whole text instead must give the same address.

_PIECES = [
    "千葉県", "千葉市", "緑区", "中央区", "美浜区", "平山町", "新田町", "貝塚", "貝塚町",
    "稲毛", "稲毛海岸", "千城台北", "大字", "字", "栄町", "市原市", "東京都", "千代田区",
    "佐倉市", "不明町", "三井ビル", "〒260-0027", "260-0027 ", "〒", "〒 ", "〒 260-0027", "二十七", "三丁目", "番地",
    "番", "号", "の", "丁目", "-", "ー", "－", "３", "1", "27", "1105", "101号室", "3F",
    " ", "　", "ハイツ", "ｸﾞﾗﾝﾄﾞｰﾙ", "ヶ", "が丘", "〓", "髙", "１２", "٣",
]  # fmt: skip


def _whole_text_place(
    monkeypatch: pytest.MonkeyPatch, address: str, building: str, postal: str
) -> NormalizedAddress:
    import re

    from nofu.lib import address as module

    monkeypatch.setattr(module, "_FIRST_DIGIT", re.compile(r"(?!)"))  # head = whole text
    module._normalize_address.cache_clear()
    try:
        return normalize_address(address, building, postal)
    finally:
        monkeypatch.undo()
        module._normalize_address.cache_clear()


@settings(deadline=None, max_examples=300)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=8).map("".join),
    st.sampled_from(["", "パークハウス1105号室", "101"]),
    st.sampled_from(["", "2660002", "260-0027", "1000001", "12"]),
)
def test_place_from_the_head_equals_place_from_the_whole_text(
    address: str, building: str, postal: str
) -> None:
    with pytest.MonkeyPatch.context() as mp:
        whole = _whole_text_place(mp, address, building, postal)
    assert normalize_address(address, building, postal) == whole


_ROW = st.tuples(
    st.lists(st.sampled_from(_PIECES + ["\t", "ｶﾞ", "゛", "①", "Ⅲ", "\x1c", "﨑"]), max_size=8).map(
        "".join
    ),
    st.sampled_from(["", "パークハウス1105号室", "101", "ﾊｲﾂ　２０３", "ビル\x1c3", "", "  "]),
    st.sampled_from(["", "2660002", "260-0027", "1000001", "12"]),
)


def _columns_of(rows: list[tuple[str, str, str]]) -> list[tuple[str, ...]]:
    import polars as pl

    from nofu.lib.address import address_columns

    frame = pl.DataFrame(rows, schema=["address", "building", "postal_code"], orient="row").cast(
        pl.String
    )
    return list(address_columns(frame).iter_rows())


@settings(deadline=None, max_examples=200)
@given(st.lists(_ROW, max_size=12))
def test_address_columns_equal_normalize_address(rows: list[tuple[str, str, str]]) -> None:
    want = [
        (a.prefecture, a.city, a.ward, a.town, a.block, a.building, a.key)
        for a in (normalize_address(*row) for row in rows)
    ]
    assert _columns_of(rows) == want


def test_address_columns_of_the_spellings_of_one_house() -> None:
    rows = [(a, "", "") for a in HIRAYAMA] + [
        ("〒260-0027 千葉市新田町26-20", "", ""),
        ("", "", ""),
    ]
    keys = [row[-1] for row in _columns_of(rows)]
    assert keys == [normalize_address(*row).key for row in rows]
    assert set(keys[: len(HIRAYAMA)]) == {"緑区平山町3-27-24"}


# --- the city's sample files --------------------------------------------------------


def test_samples_addresses() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"samples not found at {SAMPLES}")
    keys_by_payer: dict[str, set[str]] = {}
    for path in sorted(SAMPLES.glob("*.csv")):
        data = path.read_bytes()
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp932"
        for row in csv.DictReader(io.StringIO(data.decode(encoding))):
            a = normalize_address(row["住所"], row["方書"], row["郵便番号"])
            assert a.in_city and a.ward in CHIBA_WARDS and a.town and a.block, row["住所"]
            assert a.warnings == (), (row["住所"], a.warnings)
            if row["郵便番号"]:
                assert a.postal_code == normalize_postal(row["郵便番号"])
            if row["方書"]:
                assert row["方書"] in a.building
            keys_by_payer.setdefault(row["氏名カナ"][:2], set()).add(a.key)
    # 髙木達哉's four spellings of 平山町 and 山田乃聖's 新田町 rows each give one key.
    hirayama = normalize_address("千葉県千葉市緑区平山町3丁目27番24号").key
    for raw in (
        "千葉県千葉市緑区平山町３－２７－２４",
        "千葉県千葉市平山町三丁目二十七番二十四号",
        "平山町３－２７－２４",
    ):
        assert normalize_address(raw).key == hirayama
    assert (
        normalize_address("千葉県千葉市中央区新田町26―20", "パークハウスさくら1105号室").key
        == normalize_address("千葉県千葉市新田町二十六番二十号－1105", "", "2600027").key
    )
