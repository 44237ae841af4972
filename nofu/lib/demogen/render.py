"""How each source system writes a payer: one profile of habits per system.

The unified system keeps one master record per 宛名番号, so a person's rows there agree
with each other; the NHI-refund and school-lunch systems were typed row by row by
different clerks, so their rows vary. Every irregular form chosen is reported as a label,
so the benchmark can say which traps an engine fell into.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date

from . import jcal
from .model import (
    NHI_REFUND,
    SCHOOL_LUNCH,
    UNIFIED,
    Address,
    Child,
    Corporation,
    Foreign,
    GeneratorConfig,
    Payer,
    Person,
    Receivable,
    key_of,
)
from .tables import Tables, tables
from .text import (
    DASHES_CP932,
    DASHES_UTF8,
    fullwidth_ascii,
    fullwidth_digits,
    halfwidth_kana,
    hiragana,
    kanji_number,
    small_kana_large,
    to_cp932,
)

COMMON_COLUMNS = [
    "抽出元",
    "宛名番号",
    "債権番号",
    "科目コード",
    "科目",
    "年度",
    "期別",
    "納期限",
    "調定額",
    "未納額",
    "延滞金",
    "督促状発付日",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "国籍",
    "法人区分",
    "郵便番号",
    "住所",
    "方書",
    "電話番号1",
    "電話番号2",
    "口座振替",
    "特記事項",
    "児童氏名",
    "学校名",
]
COLUMNS = {
    UNIFIED: COMMON_COLUMNS,
    NHI_REFUND: [c for c in COMMON_COLUMNS if c not in ("宛名番号", "児童氏名", "学校名")],
    SCHOOL_LUNCH: [c for c in COMMON_COLUMNS if c != "宛名番号"],
}
CP932_SOURCES = (UNIFIED, NHI_REFUND)

SUBJECT_NAMES: dict[str, tuple[str, ...]] = {
    "01": ("市県民税", "市県民税（森林環境税含む）", "市・県民税", "個人市県民税"),
    "02": ("固定資産税・都市計画税", "固定資産税", "固定資産税（土地・家屋）"),
    "03": ("償却資産税", "固定資産税（償却資産）"),
    "04": ("軽自動車税（種別割）", "軽自動車税"),
    "05": ("法人市民税",),
    "06": ("事業所税",),
    "07": ("市たばこ税",),
    "10": ("国民健康保険料", "国保料", "国民健康保険料（一般）"),
    "11": ("国民健康保険被保険者返納金", "国保返納金"),
    "12": ("後期高齢者医療保険料", "後期高齢者医療"),
    "13": ("介護保険料", "介護保険料（普通徴収）"),
    "14": ("保育料", "保育料（通常保育料・延長保育料、給食費）", "保育所保育料"),
    "15": ("給食費", "学校給食費"),
}

CORP_ABBREV = {
    "株式会社": ("（株）", "(株)", "㈱"),
    "有限会社": ("（有）", "(有)", "㈲"),
    "合同会社": ("（同）", "(同)"),
    "一般社団法人": ("（一社）", "(一社)"),
    "医療法人社団": ("（医）", "(医)"),
}
CORP_KANA = {
    "株式会社": "カ",
    "有限会社": "ユ",
    "合同会社": "ド",
    "一般社団法人": "シヤ",
    "医療法人社団": "イ",
}
CORP_KANA_FULL = {
    "株式会社": "カブシキガイシャ",
    "有限会社": "ユウゲンガイシャ",
    "合同会社": "ゴウドウガイシャ",
    "一般社団法人": "イッパンシャダンホウジン",
    "医療法人社団": "イリョウホウジンシャダン",
}
VIETNAMESE_DIACRITICS = {
    "NGUYEN": "Nguyễn", "TRAN": "Trần", "LE": "Lê", "PHAM": "Phạm", "HOANG": "Hoàng",
    "HUYNH": "Huỳnh", "VU": "Vũ", "DANG": "Đặng", "BUI": "Bùi", "DO": "Đỗ", "NGO": "Ngô",
    "VAN": "Văn", "THI": "Thị", "DUC": "Đức", "NGOC": "Ngọc", "HUNG": "Hùng", "TUAN": "Tuấn",
    "HAI": "Hải", "DUNG": "Dũng", "HUONG": "Hương", "THAO": "Thảo", "PHUONG": "Phương",
}  # fmt: skip
WARD_CODES = {
    "中央区": "12101",
    "花見川区": "12102",
    "稲毛区": "12103",
    "若葉区": "12104",
    "緑区": "12105",
    "美浜区": "12106",
}


class Choice:
    """A weighted choice; the first option is the regular form, the rest are scaled by
    mess_rate so that mess_rate=0 gives clean files and 2 gives twice the irregularity."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, options: tuple[tuple[str, float], ...], mess: float) -> None:
        self.values = [v for v, _ in options]
        acc = 0.0
        self.cum: list[float] = []
        for i, (_, w) in enumerate(options):
            acc += w if i == 0 else w * mess
            self.cum.append(acc)
        self.total = acc

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True)
class Habits:
    """One system's habits, as raw weights (see Profile for the scaled form)."""

    per_row: bool
    name_space: tuple[tuple[str, float], ...]
    kana: tuple[tuple[str, float], ...]
    kana_blank: float
    kana_only: float
    fold_variant: float
    add_variant: float
    mistype: float
    birth: tuple[tuple[str, float], ...]
    sex_blank: float
    nationality_blank: float
    postal: tuple[tuple[str, float], ...]
    prefix: tuple[tuple[str, float], ...]
    numbers: tuple[tuple[str, float], ...]
    building: tuple[tuple[str, float], ...]
    phone: tuple[tuple[str, float], ...]
    phone_blank: float
    phone_swap: float
    fy: tuple[tuple[str, float], ...]
    dates: tuple[tuple[str, float], ...]
    subject_name_irregular: float
    late_blank: float
    notice_blank: float
    foreign_script: float  # CN/KR: chance the other script (kanji vs alphabet) is used
    foreign_order: tuple[tuple[str, float], ...]
    foreign_kana_variant: float
    foreign_katakana: float  # 氏名 written in katakana instead of the alphabet
    corp_form: tuple[tuple[str, float], ...]
    corp_kana: tuple[tuple[str, float], ...]
    diacritics: float


HABITS = {
    UNIFIED: Habits(
        per_row=False,
        name_space=(("　", 85), (" ", 10), ("", 5)),
        kana=(("full_space", 88), ("full_fwspace", 4), ("full_nospace", 3), ("legacy", 3), ("half_space", 2)),
        kana_blank=0.002,
        kana_only=0.001,
        fold_variant=0.03,
        add_variant=0.002,
        mistype=0.002,
        birth=(("slash", 97), ("compact", 1), ("wareki_short", 0.5), ("wareki_long", 0.5), ("blank", 1)),
        sex_blank=0.002,
        nationality_blank=0.0,
        postal=(("hyphen", 94), ("plain", 3), ("blank", 3)),
        prefix=(("full", 92), ("city_ward", 5), ("pref_city", 1), ("ward", 1), ("none", 1)),
        numbers=(("units", 90), ("dash", 6), ("mixed", 3), ("kanji", 0.5), ("dash_fw", 0.5)),
        building=(("katagaki", 85), ("append", 12), ("omit", 3)),
        phone=(("hyphen", 85), ("paren_area", 3), ("paren_local", 2), ("plain", 7), ("fullwidth", 1), ("intl", 1), ("space", 1)),
        phone_blank=0.02,
        phone_swap=0.2,
        fy=(("western", 55), ("R", 40), ("reiwa", 5)),
        dates=(("iso", 100),),
        subject_name_irregular=0.15,
        late_blank=0.05,
        notice_blank=0.02,
        foreign_script=0.03,
        foreign_order=(("family_first", 92), ("nospace", 5), ("given_first", 2), ("comma", 1)),
        foreign_kana_variant=0.03,
        foreign_katakana=0.01,
        corp_form=(("legal", 60), ("abbrev", 30), ("spaced", 4), ("flipped", 2), ("omitted", 4)),
        corp_kana=(("core", 60), ("bank", 30), ("legacy", 6), ("full_form", 4)),
        diacritics=0.0,
    ),
    NHI_REFUND: Habits(
        per_row=True,
        name_space=(("　", 40), (" ", 35), ("", 25)),
        kana=(("half_space", 35), ("half_nospace", 35), ("full_space", 10), ("full_nospace", 8), ("legacy", 7), ("hira", 5)),
        kana_blank=0.02,
        kana_only=0.012,
        fold_variant=0.4,
        add_variant=0.01,
        mistype=0.025,
        birth=(("slash", 25), ("wareki_long", 35), ("compact", 20), ("wareki_short", 15), ("blank", 5)),
        sex_blank=0.01,
        nationality_blank=0.01,
        postal=(("plain", 35), ("blank", 50), ("hyphen", 15)),
        prefix=(("full", 40), ("pref_city", 35), ("city_ward", 15), ("ward", 5), ("none", 5)),
        numbers=(("units", 25), ("dash_fw", 35), ("kanji", 20), ("dash", 15), ("mixed", 5)),
        building=(("katagaki", 45), ("append", 40), ("omit", 15)),
        phone=(("hyphen", 30), ("paren_area", 20), ("plain", 20), ("fullwidth", 15), ("paren_local", 10), ("intl", 3), ("space", 2)),
        phone_blank=0.25,
        phone_swap=0.3,
        fy=(("western", 45), ("R", 50), ("reiwa", 5)),
        dates=(("iso", 80), ("slash", 20)),
        subject_name_irregular=0.1,
        late_blank=0.2,
        notice_blank=0.05,
        foreign_script=0.5,
        foreign_order=(("family_first", 55), ("given_first", 25), ("nospace", 10), ("comma", 5), ("fullwidth", 5)),
        foreign_kana_variant=0.35,
        foreign_katakana=0.12,
        corp_form=(("legal", 100),),
        corp_kana=(("core", 100),),
        diacritics=0.01,
    ),
    SCHOOL_LUNCH: Habits(
        per_row=True,
        name_space=(("", 45), ("　", 35), (" ", 20)),
        kana=(("full_nospace", 40), ("hira", 25), ("full_space", 20), ("half_space", 10), ("legacy", 5)),
        kana_blank=0.03,
        kana_only=0.02,
        fold_variant=0.7,
        add_variant=0.005,
        mistype=0.025,
        birth=(("blank", 85), ("slash", 10), ("compact", 3), ("wareki_long", 2)),
        sex_blank=0.03,
        nationality_blank=0.02,
        postal=(("blank", 70), ("plain", 15), ("hyphen", 15)),
        prefix=(("none", 50), ("ward", 15), ("city_ward", 15), ("full", 20)),
        numbers=(("dash_fw", 40), ("kanji", 20), ("dash", 25), ("units", 15)),
        building=(("append", 50), ("katagaki", 30), ("omit", 20)),
        phone=(("hyphen", 25), ("paren_area", 25), ("fullwidth", 20), ("paren_local", 20), ("plain", 10)),
        phone_blank=0.2,
        phone_swap=0.3,
        fy=(("western", 90), ("R", 10)),
        dates=(("iso", 100),),
        subject_name_irregular=0.3,
        late_blank=0.5,
        notice_blank=0.1,
        foreign_script=0.4,
        foreign_order=(("family_first", 40), ("given_first", 40), ("nospace", 10), ("comma", 10)),
        foreign_kana_variant=0.35,
        foreign_katakana=0.15,
        corp_form=(("legal", 100),),
        corp_kana=(("core", 100),),
        diacritics=0.04,
    ),
}  # fmt: skip


class Profile:
    """A system's habits with mess_rate applied, ready to draw from."""

    def __init__(self, source: str, cfg: GeneratorConfig) -> None:
        h = HABITS[source]
        m = cfg.mess_rate
        t = cfg.trap_rate
        self.source = source
        self.cp932 = source in CP932_SOURCES
        self.per_row = h.per_row
        self.dashes = DASHES_CP932 if self.cp932 else DASHES_UTF8
        self.name_space = Choice(h.name_space, m)
        self.kana = Choice(h.kana, m)
        self.birth = Choice(h.birth, m)
        self.postal = Choice(h.postal, m)
        self.prefix = Choice(h.prefix, m)
        self.numbers = Choice(h.numbers, m)
        self.building = Choice(h.building, m)
        self.phone = Choice(h.phone, m)
        self.fy = Choice(h.fy, m)
        self.dates = Choice(h.dates, m)
        self.foreign_order = Choice(h.foreign_order, m)
        self.corp_form = Choice(h.corp_form, m)
        self.corp_kana = Choice(h.corp_kana, m)
        self.kana_blank = h.kana_blank * t
        self.kana_only = h.kana_only * t
        self.fold_variant = min(1.0, h.fold_variant * t)
        self.add_variant = h.add_variant * t
        self.mistype = h.mistype * t
        self.sex_blank = h.sex_blank * m
        self.nationality_blank = h.nationality_blank * m
        self.phone_blank = min(0.9, h.phone_blank * m)
        self.phone_swap = h.phone_swap
        self.subject_name_irregular = min(1.0, h.subject_name_irregular * m)
        self.late_blank = min(1.0, h.late_blank * m)
        self.notice_blank = min(1.0, h.notice_blank * m)
        self.foreign_script = min(1.0, h.foreign_script * t)
        self.foreign_kana_variant = min(1.0, h.foreign_kana_variant * t)
        self.foreign_katakana = min(1.0, h.foreign_katakana * t)
        self.diacritics = h.diacritics * m


@dataclass(slots=True)
class Identity:
    """The payer fields of a row, as one system writes one record."""

    name: str
    kana: str
    birth: str
    sex: str
    nationality: str
    kubun: str
    postal: str
    address: str
    katagaki: str
    phones: list[str]
    labels: list[str]
    surname_map: tuple[str, str]  # how this record spelled the surname: (registered, written)


class Renderer:
    """Turns (payer, receivable, installment) into a row in one system's habits."""

    def __init__(self, cfg: GeneratorConfig) -> None:
        self.cfg = cfg
        self.rng = random.Random(f"demogen-render-{cfg.seed}")
        self.t: Tables = tables()
        self.profiles = {s: Profile(s, cfg) for s in (UNIFIED, NHI_REFUND, SCHOOL_LUNCH)}
        self.as_of = cfg.as_of
        self.fy_now = jcal.fiscal_year(cfg.as_of)
        self._cache: dict[tuple[str, int, int], Identity] = {}
        self._fy_cache: dict[tuple[int, str], str] = {}

    def begin_payer(self) -> None:
        self._cache.clear()

    # --- names --------------------------------------------------------------------------

    def _fold(self, s: str) -> str:
        v2s = self.t.variant_to_standard
        return "".join(v2s.get(ch, ch) for ch in s)

    def _add_variant(self, s: str) -> str:
        idx = [i for i, ch in enumerate(s) if ch in self.t.variants]
        if not idx:
            return s
        i = self.rng.choice(idx)
        return s[:i] + self.rng.choice(self.t.variants[s[i]]) + s[i + 1 :]

    def _mistype(self, surname: str, given: str, given_kana: str) -> tuple[str, str]:
        rng = self.rng
        t = self.t
        options = []
        if surname in t.surname_homophones:
            options.append("surname")
        if (given, given_kana) in t.given_homophones:
            options.append("given")
        if len(given) >= 2 and any(ch in t.char_homophones for ch in given):
            options.append("char")
        if not options:
            return surname, given
        kind = rng.choice(options)
        if kind == "surname":
            return rng.choice(t.surname_homophones[surname]), given
        if kind == "given":
            return surname, rng.choice(t.given_homophones[(given, given_kana)])
        idx = [i for i, ch in enumerate(given) if ch in t.char_homophones]
        i = rng.choice(idx)
        return surname, given[:i] + rng.choice(t.char_homophones[given[i]]) + given[i + 1 :]

    def _kana(self, p: Profile, family: str, given: str, labels: list[str]) -> str:
        form = p.kana.pick(self.rng)
        if form == "full_space":
            return f"{family} {given}"
        if form == "full_fwspace":
            return f"{family}　{given}"
        if form == "full_nospace":
            return family + given
        if form in ("half_space", "half_nospace"):
            labels.append("halfwidth_kana")
            return halfwidth_kana(f"{family} {given}" if form == "half_space" else family + given)
        if form == "hira":
            labels.append("hiragana_kana")
            return hiragana(f"{family} {given}" if self.rng.random() < 0.5 else family + given)
        # legacy: no small kana
        s = f"{family} {given}"
        large = small_kana_large(s)
        if large != s:
            labels.append("legacy_small_kana")
        return large

    def _japanese_name(
        self, p: Profile, person: Person, former: bool, second_no: bool, labels: list[str]
    ) -> tuple[str, str, tuple[str, str]]:
        rng = self.rng
        if former and person.former_surname:
            sn, sk = person.former_surname, person.former_surname_kana
            labels.append("former_surname")
        else:
            sn, sk = person.surname, person.surname_kana
        gn, gk = person.given, person.given_kana
        registered = sn
        fold_p = 0.5 if second_no else p.fold_variant
        if rng.random() < fold_p:
            sn2, gn2 = self._fold(sn), self._fold(gn)
            if (sn2, gn2) != (sn, gn):
                labels.append("variant_kanji")
                sn, gn = sn2, gn2
        elif rng.random() < p.add_variant:
            sn2 = self._add_variant(sn)
            if sn2 != sn:
                labels.append("variant_kanji")
                sn = sn2
        if rng.random() < (0.15 if second_no else p.mistype):
            sn2, gn2 = self._mistype(sn, gn, gk)
            if (sn2, gn2) != (sn, gn):
                labels.append("mistyped_kanji")
                sn, gn = sn2, gn2
        sep = p.name_space.pick(rng)
        if rng.random() < p.kana_only:
            labels.append("kana_only")
            name = f"{sk}{sep}{gk}"
            if rng.random() < 0.3:
                name = hiragana(name)
            kana = self._kana(p, sk, gk, labels)
            return name, kana, (registered, sn)
        name = f"{sn}{sep}{gn}"
        if rng.random() < p.kana_blank:
            labels.append("kanji_only")
            return name, "", (registered, sn)
        return name, self._kana(p, sk, gk, labels), (registered, sn)

    def _foreign_name(
        self, p: Profile, person: Person, f: Foreign, labels: list[str]
    ) -> tuple[str, str]:
        rng = self.rng
        use_kanji = f.kanji_first
        if f.family_kanji and rng.random() < p.foreign_script:
            use_kanji = not use_kanji
            labels.append("foreign_script")
        given_first = False
        if use_kanji:
            name = f.family_kanji + p.name_space.pick(rng) + f.given_kanji
        else:
            order = p.foreign_order.pick(rng)
            fam, giv = f.family, f.given
            if rng.random() < p.diacritics and f.family in VIETNAMESE_DIACRITICS:
                # Typed from the parent's own spelling; CP932 files turn the marks into 〓.
                fam = VIETNAMESE_DIACRITICS[fam]
                giv = " ".join(VIETNAMESE_DIACRITICS.get(g, g.title()) for g in giv.split())
                labels.append("foreign_diacritics")
            if order == "family_first":
                name = f"{fam} {giv}"
            elif order == "given_first":
                given_first = True
                name = f"{giv} {fam}"
                if rng.random() < 0.6:
                    name = name.title() if name.isascii() else name
                labels.append("foreign_name_order")
            elif order == "nospace":
                name = (fam + giv).replace(" ", "")
                labels.append("foreign_name_order")
            elif order == "comma":
                name = f"{fam}, {giv}"
                labels.append("foreign_name_order")
            else:  # full-width letters
                name = fullwidth_ascii(f"{fam} {giv}")
                labels.append("foreign_name_order")
        # Katakana: each token read one of the ways records spell it.
        variant = False
        fk = f.family_kana[0]
        if len(f.family_kana) > 1 and rng.random() < p.foreign_kana_variant:
            fk = rng.choice(f.family_kana[1:])
            variant = True
        gks = []
        for opts in f.given_kana:
            k = opts[0]
            if len(opts) > 1 and rng.random() < p.foreign_kana_variant:
                k = rng.choice(opts[1:])
                variant = True
            gks.append(k)
        if variant:
            labels.append("foreign_kana_variant")
        sep = rng.choice((" ", " ", "　", "・", ""))
        parts = gks + [fk] if given_first and rng.random() < 0.7 else [fk] + gks
        kana = sep.join(parts)
        if not use_kanji and rng.random() < p.foreign_katakana:
            # The clerk wrote the name as it sounds: 氏名 itself in katakana.
            name = rng.choice(("　", " ", "・")).join(parts)
            labels.append("foreign_katakana_name")
        form = p.kana.pick(rng)
        if form.startswith("half"):
            labels.append("halfwidth_kana")
            kana = halfwidth_kana(kana)
        elif form == "hira" and rng.random() < 0.3:
            labels.append("hiragana_kana")
            kana = hiragana(kana)
        if rng.random() < p.kana_blank:
            labels.append("kanji_only")
            kana = ""
        return name, kana

    def _corp_name(self, p: Profile, c: Corporation, labels: list[str]) -> tuple[str, str]:
        rng = self.rng
        form = p.corp_form.pick(rng)
        core = c.core
        if form == "legal":
            name = c.legal_name
        elif form == "abbrev":
            ab = rng.choice(CORP_ABBREV[c.form])
            name = ab + core if c.form_first else core + ab
        elif form == "spaced":
            name = f"{c.form}　{core}" if c.form_first else f"{core}　{c.form}"
        elif form == "flipped":
            name = core + c.form if c.form_first else c.form + core
        else:
            name = core
        if name != c.legal_name:
            labels.append("corporation_form")
        kform = p.corp_kana.pick(rng)
        kana = c.core_kana
        if kform == "bank":
            mark = CORP_KANA[c.form]
            kana = f"{mark}){kana}" if c.form_first else f"{kana}({mark}"
        elif kform == "legacy":
            kana = small_kana_large(kana)
        elif kform == "full_form":
            fk = CORP_KANA_FULL[c.form]
            kana = fk + kana if c.form_first else kana + fk
        if rng.random() < 0.1 and p.source == UNIFIED:
            kana = halfwidth_kana(kana)
            labels.append("halfwidth_kana")
        return name, kana

    # --- addresses and phones -----------------------------------------------------------

    def _numbers(self, p: Profile, a: Address) -> tuple[str, str]:
        """(numbers, dash used) in the system's style."""
        rng = self.rng
        style = p.numbers.pick(rng)
        town = a.town
        nums = [n for n in (a.chome, a.ban, a.go) if n]
        if style in ("dash", "dash_fw"):
            dash = (
                rng.choice(p.dashes) if rng.random() < 0.5 else ("-" if style == "dash" else "－")
            )
            s = dash.join(str(n) for n in nums)
            return (fullwidth_digits(s) if style == "dash_fw" else s), dash
        if style == "mixed" and a.chome:
            dash = rng.choice(p.dashes[:3])
            return f"{a.chome}丁目{a.ban}{dash}{a.go}", dash
        num = kanji_number if style == "kanji" else str
        if town.style == "banchi":
            s = f"{num(a.ban)}番地"
            if a.go:
                s += ("の" if rng.random() < 0.2 else "") + num(a.go)
            return s, "－"
        s = f"{num(a.chome)}丁目" if a.chome else ""
        s += f"{num(a.ban)}番{num(a.go)}号"
        return s, "－"

    def _address(self, p: Profile, a: Address) -> tuple[str, str, str]:
        rng = self.rng
        town = a.town
        pf = p.postal.pick(rng)
        postal = (
            ""
            if pf == "blank"
            else (f"{town.postal[:3]}-{town.postal[3:]}" if pf == "hyphen" else town.postal)
        )
        prefix = p.prefix.pick(rng)
        tname = town.name
        if "ケ" in tname and p.per_row and rng.random() < 0.3:
            tname = tname.replace("ケ", "ヶ")
        head = {
            "full": f"千葉県千葉市{town.ward}",
            "city_ward": f"千葉市{town.ward}",
            "pref_city": "千葉県千葉市",
            "ward": town.ward,
            "city": "千葉市",
            "none": "",
        }[prefix]
        nums, dash = self._numbers(p, a)
        addr = head + tname + nums
        katagaki = ""
        if a.building:
            room = a.room
            where = p.building.pick(rng)
            if room.endswith("F"):
                room_s = room if rng.random() < 0.5 else room[:-1] + "階"
            else:
                room_s = rng.choice((f"{room}号室", f"{room}号室", f"{room}号", room))
            if where == "katagaki":
                katagaki = a.building + rng.choice(("", "", " ", "　")) + room_s
            elif where == "append":
                if rng.random() < 0.25:
                    addr += dash + room.removesuffix("F")
                else:
                    addr += (
                        rng.choice(("", " ", "　")) + a.building + rng.choice(("", " ")) + room_s
                    )
            elif rng.random() < 0.5:
                addr += dash + room.removesuffix("F")
        return postal, addr, katagaki

    def _phone(self, p: Profile, digits: str) -> str:
        style = p.phone.pick(self.rng)
        if digits.startswith("043"):
            a, b, c = digits[:3], digits[3:6], digits[6:]
        else:
            a, b, c = digits[:3], digits[3:7], digits[7:]
        if style == "hyphen":
            return f"{a}-{b}-{c}"
        if style == "paren_area":
            return f"({a}){b}-{c}"
        if style == "paren_local":
            return f"{a}({b}){c}"
        if style == "plain":
            return digits
        if style == "fullwidth":
            return fullwidth_digits(f"{a}-{b}-{c}")
        if style == "intl":
            return f"+81-{a[1:]}-{b}-{c}" if self.rng.random() < 0.6 else f"+81{digits[1:]}"
        return f"{a} {b} {c}"

    def _phones(self, p: Profile, numbers: list[str]) -> list[str]:
        out = [self._phone(p, n) for n in numbers if n and self.rng.random() >= p.phone_blank]
        return out[:2]

    def _birth(self, p: Profile, b: date | None, labels: list[str]) -> str:
        if b is None:
            return ""
        form = p.birth.pick(self.rng)
        if form == "blank":
            labels.append("missing_birth_date")
            return ""
        if form == "slash":
            return f"{b.year}/{b.month:02d}/{b.day:02d}"
        if form == "compact":
            return f"{b.year}{b.month:02d}{b.day:02d}"
        name, initial, y = jcal.era_of(b)
        if form == "wareki_short":
            return f"{initial}{y:02d}.{b.month:02d}.{b.day:02d}"
        ys = "元" if y == 1 and self.rng.random() < 0.7 else str(y)
        return f"{name}{ys}年{b.month}月{b.day}日"

    # --- identities ---------------------------------------------------------------------

    def _identity(self, p: Profile, payer: Payer, rec: Receivable) -> Identity:
        rng = self.rng
        labels: list[str] = []
        if isinstance(payer, Corporation):
            # The name is written row by row: each tax's ledger spells it its own way.
            postal, addr, kg = self._address(p, payer.address)
            phones = self._phones(p, [payer.phone])
            return Identity("", "", "", "", "", "法人", postal, addr, kg, phones, labels, ("", ""))
        person = payer
        second_no = rec.source == UNIFIED and rec.resident_idx == 1
        former = rec.identity == 1 or second_no
        if second_no:
            labels.append("second_resident_no")
        if person.foreign is not None:
            name, kana = self._foreign_name(p, person, person.foreign, labels)
            smap = ("", "")
        else:
            name, kana, smap = self._japanese_name(p, person, former, second_no, labels)
        addr_obj = person.address
        landline = person.household.landline if person.household else ""
        if former and person.old_address is not None:
            addr_obj = person.old_address
            landline = person.old_landline
            labels.append("old_address")
        postal, addr, kg = self._address(p, addr_obj)
        numbers = [person.mobile, landline]
        if rng.random() < 0.3:
            numbers.reverse()
        if person.work_phone and rng.random() < 0.3:
            numbers.append(person.work_phone)
        sex = "" if rng.random() < p.sex_blank else person.sex
        nat = "" if rng.random() < p.nationality_blank else person.nationality
        return Identity(
            name,
            kana,
            self._birth(p, person.birth, labels),
            sex,
            nat,
            "個人",
            postal,
            addr,
            kg,
            self._phones(p, numbers),
            labels,
            smap,
        )

    def _date(self, p: Profile, d: date) -> str:
        if p.dates.pick(self.rng) == "slash":
            return f"{d.year}/{d.month:02d}/{d.day:02d}"
        return d.isoformat()

    def _fy(self, p: Profile, fy: int) -> str:
        form = p.fy.pick(self.rng)
        hit = self._fy_cache.get((fy, form))
        if hit is None:
            name, initial, y = jcal.fy_era(fy)
            if form == "western":
                hit = str(fy)
            elif form == "R":
                hit = f"{initial}{y}"
            else:
                hit = f"{name}{'元' if y == 1 else y}"
            self._fy_cache[(fy, form)] = hit
        return hit

    def _child_name(self, p: Profile, c: Child, smap: tuple[str, str]) -> str:
        surname = c.surname
        if smap[0] and surname == smap[0]:
            surname = smap[1]  # the school wrote the family name the same way
        elif p.fold_variant and self.rng.random() < p.fold_variant:
            surname = self._fold(surname)
        if not surname.isascii():
            return surname + self.rng.choice(("　", "　", " ", "")) + c.given
        return f"{surname} {c.given}"  # foreign: alphabet family name, given name in kanji/kana

    def row(self, payer: Payer, rec: Receivable, i: int) -> tuple[dict[str, str], list[str]]:
        """One installment as the source system writes it, and the labels of its traps."""
        rng = self.rng
        p = self.profiles[rec.source]
        if p.per_row:
            ident = self._identity(p, payer, rec)
            labels = ident.labels
        else:
            ck = (payer.pid, rec.resident_idx, rec.identity)
            ident = self._cache.get(ck)  # type: ignore[assignment]
            if ident is None:
                ident = self._identity(p, payer, rec)
                self._cache[ck] = ident
            labels = list(ident.labels)
        if isinstance(payer, Corporation):
            name, kana = self._corp_name(p, payer, labels)
        else:
            name, kana = ident.name, ident.kana
        phones = ident.phones
        if len(phones) == 2 and rng.random() < p.phone_swap:
            phones = [phones[1], phones[0]]
        due = rec.dues[i]
        unpaid = rec.unpaid[i]
        late = ""
        if rng.random() >= p.late_blank:
            late = str(jcal.late_charge(unpaid, due, self.as_of))
        notice = jcal.demand_notice_date(due, 14 + due.toordinal() % 7)
        notice_s = (
            "" if notice >= self.as_of or rng.random() < p.notice_blank else self._date(p, notice)
        )
        names = SUBJECT_NAMES[rec.subject]
        subject_name = (
            rng.choice(names[1:])
            if len(names) > 1 and rng.random() < p.subject_name_irregular
            else names[0]
        )
        child_name = school = ""
        if rec.child is not None:
            child_name = self._child_name(p, rec.child, ident.surname_map)
            school = rec.child.school
            if school.startswith("千葉市立") and rng.random() < 0.3:
                school = school.removeprefix("千葉市立")
        if p.cp932:
            cp = to_cp932(name)
            if cp != name:
                labels.append("geta")
                name = cp
            child_name = to_cp932(child_name)
        if not ident.birth and isinstance(payer, Person) and "missing_birth_date" not in labels:
            labels.append("missing_birth_date")
        row = {
            "抽出元": rec.source,
            "宛名番号": payer.resident_nos[rec.resident_idx] if rec.source == UNIFIED else "",
            "債権番号": key_of(rec.source, rec.first_key + i),
            "科目コード": rec.subject,
            "科目": subject_name,
            "年度": self._fy(p, rec.fy),
            "期別": rec.periods[i],
            "納期限": self._date(p, due),
            "調定額": str(rec.assessed[i]),
            "未納額": str(unpaid),
            "延滞金": late,
            "督促状発付日": notice_s,
            "氏名": name,
            "氏名カナ": kana,
            "生年月日": ident.birth,
            "性別": ident.sex,
            "国籍": ident.nationality,
            "法人区分": ident.kubun,
            "郵便番号": ident.postal,
            "住所": ident.address,
            "方書": ident.katagaki,
            "電話番号1": phones[0] if phones else "",
            "電話番号2": phones[1] if len(phones) > 1 else "",
            "口座振替": "有" if rec.transfer else "無",
            "特記事項": rec.note,
            "児童氏名": child_name,
            "学校名": school,
        }
        return row, labels

    def extra_value(self, column: str, payer: Payer, rec: Receivable) -> str:
        """Values of the unknown columns some extractions carry."""
        if column == "担当者コード":
            return f"T{int(payer.pid[1:]) % 37 + 101:03d}"
        if column == "行政区コード":
            return WARD_CODES.get(payer.address.town.ward, "")
        if column == "処理日":
            return self.as_of.strftime("%Y%m%d")
        if column == "滞納区分":
            return "現年" if rec.fy == self.fy_now else "滞繰"
        return ""


EXTRA_COLUMNS = ("担当者コード", "行政区コード", "処理日", "滞納区分", "備考2")
