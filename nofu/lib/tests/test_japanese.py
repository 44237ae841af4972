"""Names and readings: display clean-up keeps kanji, keys fold what means nothing."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nofu.lib import japanese
from nofu.lib.japanese import (
    GETA,
    clean_text,
    corporation_form,
    display_kana,
    display_name,
    fold_variants,
    is_corporation_name,
    is_latin_name,
    kana_key,
    kana_name_key,
    kanji_numeral_to_int,
    latin_tokens,
    name_key,
    romaji_of_kana,
)

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "samples"

# Text drawn from the scripts that the city's files contain, plus the odd ones out.
japanese_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),  # kana, marks, 々〓
        st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),  # full/half width
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # kanji
        st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),  # compatibility kanji
        st.sampled_from("髙﨑邊邉濵齋齊斉澤櫻㈱㈲() .・-ｶﾞﾟ゛゜ヴヵヶ株式会社カブシキガイシャ有限"),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    max_size=20,
)


# --- clean_text / display ----------------------------------------------------------


def test_clean_text_none_and_blank() -> None:
    assert clean_text(None) == ""
    assert clean_text("") == ""
    assert clean_text(" \u3000 ") == ""


def test_clean_text_collapses_spaces_of_any_width() -> None:
    assert clean_text("  髙木\u3000\u3000 達哉  ") == "髙木 達哉"
    assert clean_text("John   Smith") == "John Smith"
    assert clean_text("山田\t太郎") == "山田 太郎"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾀｶｷﾞ ﾀﾂﾔ", "タカギ タツヤ"),
        ("ﾌｸﾀﾞｺｳﾍｲ", "フクダコウヘイ"),
        ("ﾊﾟﾝ", "パン"),
        ("ｳﾞｨ", "ヴィ"),
        ("ｷｮｳｺ", "キョウコ"),  # small kana stay small on display
        ("ｰ･", "ー・"),
    ],
)
def test_clean_text_half_width_kana_become_full_width_with_voicing(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("name", ["髙木", "﨑山", "渡邉", "齋藤", "神田", "德川", "〓田"])
def test_clean_text_never_changes_kanji(name: str) -> None:
    # 神 (U+FA19) is a compatibility ideograph that NFKC would rewrite to 神.
    assert clean_text(name) == name


def test_clean_text_full_width_ascii_becomes_ascii() -> None:
    assert clean_text("ＡＢＣ　１２３") == "ABC 123"


def test_clean_text_composes_stand_alone_voiced_marks() -> None:
    assert clean_text("カ゛キ゜") == "ガキ゜"  # キ゜ has no composed form: the mark stays


def test_display_name_uses_one_full_width_space_between_parts() -> None:
    assert display_name("髙木 達哉") == "髙木\u3000達哉"
    assert display_name("髙木\u3000\u3000達哉") == "髙木\u3000達哉"
    assert display_name("髙木達哉") == "髙木達哉"
    assert display_name(None) == ""


def test_display_name_keeps_ascii_space_in_latin_names() -> None:
    assert display_name("JOHN  SMITH") == "JOHN SMITH"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("たかぎ たつや", "タカギ\u3000タツヤ"),
        ("ﾀｶｷﾞ ﾀﾂﾔ", "タカギ\u3000タツヤ"),
        ("タカギ\u3000 タツヤ", "タカギ\u3000タツヤ"),
        ("ｷｮｳｺ", "キョウコ"),
        (None, ""),
    ],
)
def test_display_kana(raw: str | None, expected: str) -> None:
    assert display_kana(raw) == expected


# --- kana_key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("キョウコ", "キヨウコ"),  # small kana written large by legacy systems
        ("キョウコ", "きょうこ"),  # hiragana
        ("キョウコ", "ｷｮｳｺ"),  # half-width
        ("キョウコ", "ｷﾖｳｺ"),
        ("ハットリ", "ハツトリ"),
        ("ファン", "フアン"),
        ("ティナ", "テイナ"),
        ("ウォーカー", "ウオーカー"),
        ("クヮ", "クワ"),
        ("タカギ タツヤ", "タカギタツヤ"),  # spaces
        ("タカギ・タツヤ", "タカギタツヤ"),  # punctuation
        ("コーヒー", "ｺｰﾋｰ"),  # long vowel variants
        ("コーヒー", "コ－ヒ－"),
        ("コーヒー", "コ-ヒ-"),
        ("コーヒー", "コ‐ヒ―"),
        ("コーヒー", "コ〜ヒ～"),
        ("コーヒー", "コ—ヒ−"),
        ("ブイ", "ヴイ"),  # ヴ → ブ
        ("バイオリン", "ヴァイオリン"),  # ヴァ → バ
        ("ビーナス", "ヴィーナス"),
        ("ベル", "ヴェル"),
        ("ボーグ", "ヴォーグ"),
        ("チジミ", "チヂミ"),  # ヂ → ジ
        ("ツズキ", "ツヅキ"),  # ヅ → ズ
        ("オ", "ヲ"),
        ("エ", "ヱ"),
        ("イ", "ヰ"),
        ("ガ", "カ゛"),  # stand-alone voiced mark
        ("ミスズ", "みすゞ"),  # iteration mark
        ("カケ", "ヵヶ"),
    ],
)
def test_kana_key_folds_meaningless_differences(a: str, b: str) -> None:
    assert kana_key(a) == kana_key(b)


def test_kana_key_values() -> None:
    assert kana_key("ｷｮｳｺ") == "キヨウコ"
    assert kana_key("ﾀｶｷﾞ ﾀﾂﾔ") == "タカギタツヤ"
    assert kana_key("ヴァイオリン") == "バイオリン"
    assert kana_key("コ〜ヒ-") == "コーヒー"
    assert kana_key(None) == ""
    assert kana_key("") == ""


def test_kana_key_keeps_real_differences() -> None:
    assert kana_key("タカギ") != kana_key("タカキ")
    assert kana_key("サトウ") != kana_key("サトー")  # a long vowel is not folded into ウ
    assert kana_key("キョウコ") != kana_key("キョコ")


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(japanese_text)
def test_kana_key_is_idempotent(s: str) -> None:
    assert kana_key(kana_key(s)) == kana_key(s)


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(japanese_text)
def test_kana_key_has_no_small_kana_spaces_or_hiragana(s: str) -> None:
    key = kana_key(s)
    assert not set(key) & set("ァィゥェォッャュョヮヵヶヂヅヲヱヰヴ \u3000・")
    assert not any("\u3041" <= ch <= "\u3096" for ch in key)


# --- kana_name_key / corporation forms ----------------------------------------------


@pytest.mark.parametrize(
    "reading",
    [
        "ミドリコウサン",
        "カ)ミドリコウサン",
        "ｶ)ﾐﾄﾞﾘｺｳｻﾝ",
        "(カ)ミドリコウサン",
        "（カ）ミドリコウサン",
        "ミドリコウサン(カ",
        "カブシキガイシャミドリコウサン",
        "カブシキガイシヤ ミドリコウサン",
        "ミドリコウサン カブシキカイシャ",
        "かぶしきがいしゃみどりこうさん",
        "ﾕ)ﾐﾄﾞﾘｺｳｻﾝ",
        "ユウゲンガイシャ ミドリコウサン",
        "ゴウドウガイシャミドリコウサン",
    ],
)
def test_kana_name_key_removes_corporation_forms(reading: str) -> None:
    assert kana_name_key(reading) == "ミドリコウサン"


def test_kana_name_key_leaves_names_that_only_look_like_forms() -> None:
    assert kana_name_key("カトウ") == "カトウ"  # カ at the start without 「)」
    assert kana_name_key("ユカ") == "ユカ"
    assert kana_name_key("トケコウサン") == kana_key("トケコウサン")


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(japanese_text)
def test_kana_name_key_is_idempotent(s: str) -> None:
    assert kana_name_key(kana_name_key(s)) == kana_name_key(s)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("株式会社緑興産", "株式会社"),
        ("（株）緑興産", "株式会社"),
        ("(株)緑興産", "株式会社"),
        ("緑興産㈱", "株式会社"),
        ("カ)ミドリコウサン", "株式会社"),
        ("カブシキガイシャミドリ", "株式会社"),
        ("有限会社山田商店", "有限会社"),
        ("（有）山田商店", "有限会社"),
        ("㈲山田商店", "有限会社"),
        ("合同会社ABC", "合同会社"),
        ("合資会社鈴木屋", "合資会社"),
        ("合名会社鈴木屋", "合名会社"),
        ("一般社団法人ちば", "一般社団法人"),
        ("医療法人（社団）さくら会", "医療法人"),
        ("医療法人社団さくら会", "医療法人"),
        ("社会福祉法人ひまわり会", "社会福祉法人"),
        ("NPO法人ひまわり", "特定非営利活動法人"),
        ("特定非営利活動法人ひまわり", "特定非営利活動法人"),
        ("学校法人千葉学園", "学校法人"),
        ("髙木達哉", None),
        ("", None),
        (None, None),
    ],
)
def test_corporation_form(name: str | None, form: str | None) -> None:
    assert corporation_form(name) == form
    assert is_corporation_name(name) is (form is not None)


# --- name_key ---------------------------------------------------------------------

# Every family the matching engine relies on: each member gives the same key.
VARIANT_FAMILIES = [
    "髙高",
    "﨑崎嵜",
    "邊邉辺",
    "濵濱浜",
    "齋齊斎斉",
    "澤沢",
    "櫻桜",
    "廣広",
    "國国",
    "眞真",
    "龍竜",
    "德徳",
    "惠恵",
    "藝芸",
    "冨富",
    "槇槙",
    "嶋島嶌",
    "籠篭",
    "條条",
    "瀧滝",
    "彌弥",
    "龜亀",
    "會会",
    "萬万",
    "實実",
    "壽寿",
    "鐵鉄",
    "黑黒",
    "靜静",
    "淺浅",
    "增増",
    "曾曽",
    "關関",
    "驛駅",
    "峯峰",
    "舘館",
    "桒桑",
    "栁柳",
    "檜桧",
    "淵渕",
    "邨村",
    "晄晃",
    "穗穂",
    "廳庁",
    "戶戸",
    "吳呉",
]


@pytest.mark.parametrize("family", VARIANT_FAMILIES)
def test_name_key_folds_each_variant_family(family: str) -> None:
    keys = {name_key(f"{ch}田太郎") for ch in family}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("髙木 達哉", "高木達哉"),
        ("髙木\u3000達哉", "高木 達哉"),
        ("渡邊 菜風", "渡辺菜風"),
        ("福田 眞利", "福田真利"),
        ("冨田 晴紀", "富田晴紀"),
        ("北嶋", "北島"),
        ("佐々木", "佐佐木"),
        ("三ヶ尻", "三ケ尻"),
        ("神田", "神田"),  # compatibility ideograph, folded by NFKC for keys only
        ("葛\U000e0100城", "葛城"),  # an ideographic variation selector
        ("J. Smith", "J SMITH"),
        ("山田・太郎", "山田太郎"),
        ("ｻﾄｳ ﾋﾛﾐ", "サトウヒロミ"),
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "name",
    [
        "株式会社緑興産",
        "（株）緑興産",
        "(株)緑興産",
        "緑興産㈱",
        "緑興産 株式会社",
        "カ)緑興産",
        "有限会社緑興産",
        "（有）緑興産",
        "㈲緑興産",
        "合同会社緑興産",
        "合資会社緑興産",
        "合名会社緑興産",
        "一般社団法人緑興産",
        "医療法人（社団）緑興産",
        "社会福祉法人緑興産",
        "NPO法人緑興産",
        "npo法人 緑興産",
        "特定非営利活動法人緑興産",
        "株式會社緑興産",  # the form itself in 旧字体
    ],
)
def test_name_key_removes_corporation_forms(name: str) -> None:
    assert name_key(name) == "緑興産"


def test_name_key_values() -> None:
    assert name_key("髙木\u3000達哉") == "高木達哉"
    assert name_key("John Smith") == "JOHNSMITH"
    assert name_key("ｼﾞｮﾝ") == "ジョン"  # hiragana/katakana are not folded into each other
    assert name_key(None) == ""


def test_name_key_keeps_geta_as_a_wildcard_for_the_matcher() -> None:
    assert name_key("〓木 達哉") == "〓木達哉"
    assert GETA in name_key("山〓")


def test_name_key_keeps_different_kanji_apart() -> None:
    assert name_key("佐藤") != name_key("佐籐")  # 籐 is a typing slip, not a 異体字
    assert name_key("坂本") != name_key("阪本")
    assert name_key("埼田") != name_key("崎田")


def test_name_key_expands_iteration_marks_and_stops() -> None:
    assert name_key("佐々々") == "佐佐佐"
    assert name_key("々々") == "々々"  # nothing to repeat: kept, and no endless loop
    assert name_key("々木") == "々木"


@settings(deadline=None)  # a loaded CI machine must not turn into a failure
@given(japanese_text)
def test_name_key_is_idempotent(s: str) -> None:
    assert name_key(name_key(s)) == name_key(s)


# --- the variant table --------------------------------------------------------------


def _table_rows() -> list[tuple[str, str]]:
    path = Path(japanese.__file__).with_name("data") / "itaiji.tsv"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            variant, standard, _kind = line.split("\t")
            rows.append((variant, standard))
    return rows


def test_variant_table_is_large_and_well_formed() -> None:
    rows = _table_rows()
    assert len(rows) >= 300
    variants = [v for v, _ in rows]
    assert len(variants) == len(set(variants)), "a variant listed twice"
    for variant, standard in rows:
        assert len(variant) == 1 and len(standard) == 1
        assert variant != standard
        # A variant that NFKC already rewrites would never be seen by the table.
        assert unicodedata.normalize("NFKC", variant) == variant


def test_variant_table_folds_to_fixpoints() -> None:
    for variant, _ in _table_rows():
        folded = fold_variants(variant)
        assert fold_variants(folded) == folded, variant
        assert folded != variant


# --- names in the alphabet --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("JOHN SMITH", True),
        ("John Smith", True),
        ("ＪＯＨＮ　ＳＭＩＴＨ", True),
        ("O'BRIEN, MARY-ANN", True),
        ("BUIDUCPHUONG", True),
        ("Bùi Đức Phương", True),
        ("髙木達哉", False),
        ("ジョン スミス", False),
        ("ABC商事", False),
        ("", False),
        (None, False),
    ],
)
def test_is_latin_name(name: str | None, latin: bool) -> None:
    assert is_latin_name(name) is latin


def test_latin_tokens_compare_in_any_order() -> None:
    assert latin_tokens("SMITH JOHN") == latin_tokens("John Smith") == ["JOHN", "SMITH"]
    assert latin_tokens("Smith, John") == ["JOHN", "SMITH"]
    assert latin_tokens("O'Brien Mary-Ann") == ["ANN", "MARY", "OBRIEN"]
    assert latin_tokens("Bùi Đức Phương") == ["BUI", "DUC", "PHUONG"]
    assert latin_tokens(None) == []


def test_latin_tokens_returns_a_fresh_list() -> None:
    first = latin_tokens("John Smith")
    first.append("X")
    assert latin_tokens("John Smith") == ["JOHN", "SMITH"]


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("ジョン スミス", "JON SUMISU"),
        ("ブイ ドゥック フオン", "BUI DUKKU FUON"),
        ("たかぎ たつや", "TAKAGI TATSUYA"),
        ("ｷｮｳｺ", "KYOUKO"),
        ("マッチャ", "MATCHA"),
        ("シンイチ", "SHINICHI"),
        ("ジェシカ・パーカー", "JESHIKA PAKA"),
        ("ヴィクトリア", "VIKUTORIA"),
        ("", ""),
    ],
)
def test_romaji_of_kana(kana: str, romaji: str) -> None:
    assert romaji_of_kana(kana) == romaji


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("二十六", 26), ("三十", 30), ("百五", 105), ("二〇二五", 2025)],
)
def test_kanji_numeral_to_int(text: str, value: int) -> None:
    assert kanji_numeral_to_int(text) == value


@pytest.mark.parametrize("text", ["", "二三十", "十a"])
def test_kanji_numeral_to_int_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        kanji_numeral_to_int(text)


# --- the city's sample files --------------------------------------------------------


def _sample_rows() -> list[dict[str, str]]:
    if not SAMPLES.is_dir():
        pytest.skip(f"samples not found at {SAMPLES}")
    rows: list[dict[str, str]] = []
    for path in sorted(SAMPLES.glob("*.csv")):
        data = path.read_bytes()
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp932"
        rows.extend(csv.DictReader(io.StringIO(data.decode(encoding))))
    return rows


def test_samples_one_person_gives_one_name_key_and_one_kana_key() -> None:
    """Rows of the same person (same birth date and reading) agree on both keys."""
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    readings: dict[str, set[str]] = defaultdict(set)
    for row in _sample_rows():
        if row["法人区分"] == "法人":
            continue
        people[(kana_key(row["氏名カナ"]), row["生年月日"])].add(name_key(row["氏名"]))
        readings[name_key(row["氏名"])].add(kana_key(row["氏名カナ"]))
    assert readings["高木達哉"] == {"タカギタツヤ"}  # 髙木/高木, ﾀｶｷﾞ ﾀﾂﾔ/たかぎ たつや
    assert readings["福田幸平"] == {"フクダコウヘイ"}
    assert readings["本間郁那"] == {"ホンマカナ"}
    for (_, birth), names in people.items():
        if birth:
            assert len(names) == 1, names


def test_samples_corporations_match_by_name_and_reading() -> None:
    names: dict[str, set[str]] = defaultdict(set)
    for row in _sample_rows():
        if row["法人区分"] == "法人":
            assert corporation_form(row["氏名"]) == "株式会社"
            names[row["宛名番号"]].add(f"{name_key(row['氏名'])}/{kana_name_key(row['氏名カナ'])}")
    assert names["8820996718"] == {"緑興産/ミドリコウサン"}
    assert names["8254142294"] == {"土気興産/トケコウサン"}
    assert names["9677248023"] == {"千葉工業/チバコウギヨウ"}


def test_samples_foreign_resident() -> None:
    rows = [r for r in _sample_rows() if r["国籍"] == "ベトナム"]
    assert rows
    for row in rows:
        assert is_latin_name(row["氏名"])
        assert latin_tokens(row["氏名"]) == ["BUIDUCPHUONG"]
        assert romaji_of_kana(row["氏名カナ"]) == "BUI DUKKU FUON"
