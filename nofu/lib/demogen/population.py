"""Build the population: households of Chiba City residents, corporations, what they owe.

Households are drawn one at a time until the row budget is met, so memory grows with the
number of payers (about one per six rows), never with rendered rows. Traps that concern
people (twins, namesakes, two 宛名番号, marriage, moves) are laid here at steady rates
and labelled; traps that concern how one row is written are labelled by the writer.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from datetime import date, timedelta

from . import jcal
from .model import (
    NHI_REFUND,
    SCHOOL_LUNCH,
    SOURCES,
    UNIFIED,
    Address,
    Child,
    Corporation,
    Foreign,
    GeneratorConfig,
    Household,
    Payer,
    Person,
    Population,
    Receivable,
    Trap,
)
from .tables import Tables, Town, tables

NATIONALITIES = (
    ("中国", 0.30),
    ("韓国", 0.17),
    ("ベトナム", 0.21),
    ("フィリピン", 0.12),
    ("ネパール", 0.08),
    ("ブラジル", 0.05),
    ("アメリカ", 0.07),
)
# Whose spouse takes the husband's family name in the records.
_SHARED_FAMILY_NAME = {"フィリピン", "ブラジル", "アメリカ"}

NOTES = (
    "分納中",
    "分納誓約あり",
    "執行停止中",
    "居所不明",
    "差押予告済",
    "相続人調査中",
    "転出予定",
    "日中連絡不可",
    "勤務先電話番号あり",
    "郵便物返戻あり",
    "電話番号誤りの可能性",
    "通訳要（本人日本語不可）",
    "夜間のみ在宅",
    "納付相談中",
)

# Person-level trap rates at trap_rate = 1, per payer.
TRAP_RATES = {
    "two_resident_numbers": 0.004,
    "surname_changed": 0.004,
    "moved": 0.02,
    "twins": 0.002,
    "same_name_same_birth": 0.002,
    "similar_corporations": 0.0015,
}


def _weighted(rng: random.Random, items: tuple[tuple[str, float], ...]) -> str:
    r = rng.random() * sum(w for _, w in items)
    for v, w in items:
        r -= w
        if r < 0:
            return v
    return items[-1][0]


def _in_cp932(s: str) -> bool:
    try:
        s.encode("cp932")
        return True
    except UnicodeEncodeError:
        return False


def _age_on(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


class _Builder:
    def __init__(self, cfg: GeneratorConfig) -> None:
        self.cfg = cfg
        self.rng = random.Random(f"demogen-population-{cfg.seed}")
        self.t: Tables = tables()
        self.as_of = cfg.as_of
        self.fy_now = jcal.fiscal_year(cfg.as_of)
        self.counts: Counter[str] = Counter()
        self.payers: list[Payer] = []
        self.people: list[Person] = []
        self.corporations: list[Corporation] = []
        self.households: list[Household] = []
        self.traps: list[Trap] = []
        self.trap_counts: Counter[str] = Counter()
        self._resident_nos: set[str] = set()
        self._phones: set[str] = set()
        self._pid = 0
        self._hid = 0
        # Share of variant-able characters registered in their old or variant form.
        self._variant_p = min(1.0, 0.15 * cfg.trap_rate)
        town_w = {"chome": 3.0, "ban": 2.0, "banchi": 1.0}
        self._towns = self.t.towns
        self._town_cum: list[float] = []
        acc = 0.0
        for tw in self._towns:
            acc += town_w[tw.style]
            self._town_cum.append(acc)
        acc = 0.0
        self._surname_cum: list[float] = []
        for w in self.t.surname_weights:
            acc += w
            self._surname_cum.append(acc)

    # --- small draws --------------------------------------------------------------------

    def _quota(self, kind: str) -> bool:
        """Lay a trap when its count falls behind its rate: steady, and at least one."""
        if self.cfg.trap_rate <= 0:
            return False
        expected = TRAP_RATES[kind] * self.cfg.trap_rate * len(self.payers)
        return self.trap_counts[kind] < expected + 1

    def _new_pid(self, prefix: str = "P") -> str:
        self._pid += 1
        return f"{prefix}{self._pid:07d}"

    def _resident_no(self) -> str:
        while True:
            n = str(self.rng.randrange(1_000_000_000, 10_000_000_000))
            if n not in self._resident_nos:
                self._resident_nos.add(n)
                return n

    def _phone(self, kind: str) -> str:
        rng = self.rng
        while True:
            if kind == "landline":
                n = f"043{rng.choice('2223334444'):s}{rng.randrange(0, 1_000_000):06d}"
            else:
                n = f"0{rng.choice('998887')}0{rng.randrange(10_000_000, 100_000_000):08d}"
            if n not in self._phones:
                self._phones.add(n)
                return n

    def _town(self) -> Town:
        r = self.rng.random() * self._town_cum[-1]
        return self._towns[bisect.bisect_right(self._town_cum, r)]

    def _building(self, office: bool = False) -> tuple[str, str]:
        rng = self.rng
        if office:
            stem = rng.choice(self.t.corp_stems)[0]
            name = rng.choice((f"{stem}ビル", f"第2{stem}ビル", f"{stem}センタービル"))
            return name, f"{rng.randint(1, 8)}F"
        pat = rng.choice(self.t.building_patterns)
        name = pat.replace("{w}", rng.choice(self.t.building_words))
        floors = rng.choice((2, 2, 3, 3, 4, 5, 8, 11, 14))
        return name, f"{rng.randint(1, floors)}{rng.randint(1, 12):02d}"

    def _address(self, office: bool = False) -> Address:
        rng = self.rng
        town = self._town()
        if town.style == "chome":
            a = Address(
                town, rng.randint(1, town.chome_max), rng.randint(1, 30), rng.randint(1, 30)
            )
            p_building = 0.5
        elif town.style == "ban":
            a = Address(town, 0, rng.randint(1, 40), rng.randint(1, 30))
            p_building = 0.45
        else:
            ban = int(math.exp(rng.uniform(0, math.log(2500))))
            a = Address(town, 0, ban, rng.randint(1, 20) if rng.random() < 0.6 else 0)
            p_building = 0.12
        if office and rng.random() < 0.6:
            a.building, a.room = self._building(office=True)
        elif not office and rng.random() < p_building:
            a.building, a.room = self._building()
        return a

    def _surname(self) -> tuple[str, str]:
        r = self.rng.random() * self._surname_cum[-1]
        kanji, kana = self.t.surnames[bisect.bisect_right(self._surname_cum, r)]
        return self._registered_form(kanji), kana

    def _registered_form(self, kanji: str) -> str:
        """Some families are registered with a variant form (髙橋, 山﨑, 𠮷田)."""
        out = []
        for ch in kanji:
            vs = self.t.variants.get(ch)
            if vs and self.rng.random() < self._variant_p:
                # The first variant is by far the most common; forms outside CP932 are rarer.
                v = vs[0] if len(vs) == 1 or self.rng.random() < 0.75 else self.rng.choice(vs)
                if _in_cp932(v) or self.rng.random() < 0.3:
                    ch = v
            out.append(ch)
        return "".join(out)

    def _given(self, sex: str, birth: date) -> tuple[str, str]:
        era = "o" if birth.year < 1960 else "m" if birth.year < 1990 else "y"
        if self.rng.random() < 0.12:  # generations blend at their edges
            era = {"o": "m", "m": self.rng.choice("oy"), "y": "m"}[era]
        g = self.rng.choice(self.t.given[("M" if sex == "男" else "F", era)])
        if self.rng.random() < 0.3:  # 惠子, 眞理子: given names registered with old forms
            return self._registered_form(g.kanji), g.kana
        return g.kanji, g.kana

    def _birth(self, age_lo: int, age_hi: int) -> date:
        age = self.rng.randint(age_lo, age_hi)
        return self.as_of - timedelta(days=age * 365 + self.rng.randint(0, 364) + age // 4)

    def _foreign_name(
        self, nationality: str, sex: str, family: tuple[str, str, tuple[str, ...]] | None
    ) -> Foreign:
        rng = self.rng
        fam = rng.choice(self.t.foreign[(nationality, "family")])
        fam_alpha, fam_kanji, fam_kana = (fam.alphabet, fam.kanji, fam.kana)
        if family is not None:
            fam_alpha, fam_kanji, fam_kana = family
        s = "M" if sex == "男" else "F"
        tokens: list[tuple[str, str, tuple[str, ...]]] = []
        if nationality == "ベトナム":
            mids = [m for m in self.t.foreign[(nationality, "middle")] if m.sex in (s, "-")]
            m = rng.choice(mids)
            tokens.append((m.alphabet, m.kanji, m.kana))
        gs = [g for g in self.t.foreign[(nationality, "given")] if g.sex in (s, "-")]
        g = rng.choice(gs)
        tokens.append((g.alphabet, g.kanji, g.kana))
        return Foreign(
            family=fam_alpha,
            given=" ".join(t[0] for t in tokens),
            family_kana=fam_kana,
            given_kana=tuple(t[2] for t in tokens),
            family_kanji=fam_kanji,
            given_kanji="".join(t[1] for t in tokens) if fam_kanji else "",
            kanji_first=bool(fam_kanji) and rng.random() < 0.7,
        )

    def _person(
        self,
        household: Household,
        sex: str,
        age: tuple[int, int],
        surname: tuple[str, str],
        nationality: str = "日本",
        foreign: Foreign | None = None,
        birth: date | None = None,
    ) -> Person:
        rng = self.rng
        b = birth or self._birth(*age)
        if foreign is not None:
            if foreign.kanji_first:
                sn, gn = foreign.family_kanji, foreign.given_kanji
            else:
                sn, gn = foreign.family, foreign.given
            sk = foreign.family_kana[0]
            gk = " ".join(k[0] for k in foreign.given_kana)
        else:
            sn, sk = surname
            gn, gk = self._given(sex, b)
        p = Person(
            pid=self._new_pid(),
            surname=sn,
            surname_kana=sk,
            given=gn,
            given_kana=gk,
            sex=sex,
            birth=b,
            nationality=nationality,
            address=household.address,
            household=household,
            foreign=foreign,
        )
        a = _age_on(b, self.as_of)
        if a >= 15 and rng.random() < (0.93 if a < 70 else 0.7):
            p.mobile = self._phone("mobile")
        if 20 <= a < 65 and rng.random() < 0.05:
            p.work_phone = self._phone("landline")
        household.members.append(p)
        self.people.append(p)
        return p

    def _child(self, household: Household, surname: tuple[str, str], mother_birth: date) -> Child:
        rng = self.rng
        sex = rng.choice("男女")
        lo = max(0, _age_on(mother_birth, self.as_of) - 42)
        hi = max(lo, min(20, _age_on(mother_birth, self.as_of) - 20))
        b = self._birth(lo, hi)
        gn, gk = self._given(sex, b)
        c = Child(gn, gk, surname[0], surname[1], b, sex)
        household.children.append(c)
        return c

    # --- households ---------------------------------------------------------------------

    def _household(self) -> Household:
        rng = self.rng
        self._hid += 1
        kind = _weighted(
            rng,
            (
                ("single_young", 0.19),
                ("single_mid", 0.15),
                ("single_old", 0.13),
                ("couple", 0.14),
                ("family", 0.27),
                ("single_parent", 0.07),
                ("multi_gen", 0.05),
            ),
        )
        h = Household(self._hid, self._address(), "")
        foreign_nat = ""
        if rng.random() < self.cfg.foreign_rate:
            foreign_nat = _weighted(rng, NATIONALITIES)
            if kind == "multi_gen":
                kind = "family"
        p_landline = {"single_young": 0.08, "single_mid": 0.3, "single_old": 0.8}.get(kind, 0.5)
        if foreign_nat:
            p_landline *= 0.3
        if rng.random() < p_landline:
            h.landline = self._phone("landline")

        surname = self._surname()

        def adult(sex: str, age: tuple[int, int], fam: Foreign | None = None) -> Person:
            if foreign_nat:
                share = fam is not None and foreign_nat in _SHARED_FAMILY_NAME
                f = self._foreign_name(
                    foreign_nat,
                    sex,
                    (fam.family, fam.family_kanji, fam.family_kana) if share and fam else None,
                )
                return self._person(h, sex, age, surname, foreign_nat, f)
            return self._person(h, sex, age, surname)

        if kind == "single_young":
            adult(rng.choice("男女"), (19, 39))
        elif kind == "single_mid":
            adult(rng.choice("男女"), (40, 64))
        elif kind == "single_old":
            adult("女" if rng.random() < 0.62 else "男", (65, 96))
        elif kind in ("couple", "family"):
            lo, hi = (25, 88) if kind == "couple" else (27, 56)
            husband = adult("男", (lo, hi))
            ha = _age_on(husband.birth, self.as_of)
            wife = adult("女", (max(19, ha - 6), ha + 3), husband.foreign)
            if kind == "family":
                kid_surname = (husband.surname, husband.surname_kana)
                for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
                    self._child(h, kid_surname, wife.birth)
        elif kind == "single_parent":
            parent = adult("女" if rng.random() < 0.85 else "男", (24, 52))
            for _ in range(rng.choice((1, 1, 2, 3))):
                self._child(h, (parent.surname, parent.surname_kana), parent.birth)
        else:  # multi_gen: an elderly parent, an adult child and spouse, maybe grandchildren
            elder = adult("女" if rng.random() < 0.7 else "男", (72, 96))
            ea = _age_on(elder.birth, self.as_of)
            son = adult("男", (max(38, ea - 40), ea - 22))
            sa = _age_on(son.birth, self.as_of)
            wife = adult("女", (max(30, sa - 6), sa + 3))
            if sa < 55:
                for _ in range(rng.choice((0, 1, 2))):
                    self._child(h, (son.surname, son.surname_kana), wife.birth)
        # Children 18+ are adults of the household and may owe themselves.
        for c in list(h.children):
            if _age_on(c.birth, self.as_of) >= 19:
                h.children.remove(c)
                p = self._person(h, c.sex, (0, 0), (c.surname, c.surname_kana), birth=c.birth)
                p.given, p.given_kana = c.given, c.given_kana
                if foreign_nat and h.members[0].foreign is not None:
                    f0 = h.members[0].foreign
                    p.foreign = self._foreign_name(
                        foreign_nat, c.sex, (f0.family, f0.family_kanji, f0.family_kana)
                    )
                    p.nationality = foreign_nat
                    p.surname = f0.family_kanji if p.foreign.kanji_first else p.foreign.family
                    p.given = p.foreign.given_kanji if p.foreign.kanji_first else p.foreign.given
                    p.surname_kana = p.foreign.family_kana[0]
                    p.given_kana = " ".join(k[0] for k in p.foreign.given_kana)
        head_f = h.members[0].foreign
        if foreign_nat and head_f is not None:
            # Children of foreign residents: the parent's family name, a name of the same
            # origin, written in the script the parent's record uses.
            for c in h.children:
                cf = self._foreign_name(
                    foreign_nat, c.sex, (head_f.family, head_f.family_kanji, head_f.family_kana)
                )
                c.surname = head_f.family_kanji if head_f.kanji_first else head_f.family
                c.surname_kana = head_f.family_kana[0]
                c.given = cf.given_kanji if head_f.kanji_first else cf.given
                c.given_kana = " ".join(k[0] for k in cf.given_kana)
        for c in h.children:
            c.school = self._school(h, c)
        self.households.append(h)
        return h

    def _school(self, h: Household, c: Child) -> str:
        """The school of the household's district: siblings go to the same one."""
        age = _age_on(c.birth, date(self.fy_now, 4, 1))
        town = h.address.town
        district = sum(map(ord, town.name))
        if age <= 5:
            if district % 5 < 2:
                return f"千葉市{town.name.removesuffix('町')}保育所"
            return f"{self.t.building_words[district % len(self.t.building_words)]}保育園"
        kind = "小" if age <= 11 else "中"
        names = self.t.schools.get((town.ward, kind)) or self.t.schools[("中央区", kind)]
        return "千葉市立" + names[district % len(names)]

    # --- receivables --------------------------------------------------------------------

    def _fy(self, weights: tuple[float, ...] = (0.5, 0.3, 0.12, 0.05, 0.03)) -> int:
        r = self.rng.random()
        for back, w in enumerate(weights):
            r -= w
            if r < 0:
                return self.fy_now - back
        return self.fy_now

    def _due_periods(self, subject: str, fy: int) -> list[tuple[str, date]]:
        cutoff = self.as_of - timedelta(days=10)
        return [(p, d) for p, d in jcal.schedule(subject, fy) if d <= cutoff]

    def _pick_run(self, avail: list[tuple[str, date]], fy: int) -> list[tuple[str, date]]:
        rng = self.rng
        n = len(avail)
        if n <= 1:
            return avail
        if fy < self.fy_now and rng.random() < 0.45:
            return avail  # nothing of that year was ever paid
        start = rng.randrange(n)
        if rng.random() < 0.7:
            return avail[start:]  # stopped paying at some point
        return avail[start : start + rng.randint(1, n - start)]

    @staticmethod
    def _split(annual: int, n: int, unit: int) -> list[int]:
        """Local-tax split: later periods in round units, the remainder in period 1."""
        if n == 1:
            return [annual]
        per = annual // n // unit * unit
        if per <= 0:
            per = max(100, annual // n // 100 * 100)
        return [annual - per * (n - 1)] + [per] * (n - 1)

    def _lognormal(self, median: float, sigma: float, lo: int, hi: int, unit: int = 100) -> int:
        v = median * math.exp(self.rng.gauss(0, sigma))
        return int(min(hi, max(lo, v)) // unit * unit)

    def _annual(self, subject: str) -> int:
        if subject == "01":
            return self._lognormal(90_000, 0.8, 5_000, 2_000_000)
        if subject == "02":
            return self._lognormal(120_000, 0.7, 10_000, 1_500_000)
        if subject == "03":
            return self._lognormal(160_000, 1.0, 10_000, 5_000_000)
        if subject == "10":
            return self._lognormal(160_000, 0.7, 20_000, 1_060_000)
        if subject in ("12", "13"):
            return self._lognormal(75_000, 0.6, 15_000, 800_000)
        raise ValueError(subject)

    def _add(
        self,
        payer: Payer,
        source: str,
        subject: str,
        fy: int,
        run: list[tuple[str, date]],
        assessed: list[int],
        **kw: object,
    ) -> Receivable | None:
        if not run:
            return None
        if subject != "11":
            # One receivable per subject, year (and child): never the same installment twice.
            child = kw.get("child")
            for r in payer.receivables:
                same = r.subject == subject and r.fy == fy and r.child is child
                if same and (subject not in ("05", "06") or r.dues[0] == run[0][1]):
                    return None
        rng = self.rng
        unpaid = []
        for a in assessed:
            u = a
            if a >= 2000 and rng.random() < 0.08:  # partly paid
                paid = (
                    a // 2 if rng.random() < 0.4 else int(a * rng.uniform(0.1, 0.9)) // 1000 * 1000
                )
                if 0 < paid < a:
                    u = a - paid
            unpaid.append(u)
        rec = Receivable(
            source=source,
            subject=subject,
            fy=fy,
            periods=[p for p, _ in run],
            dues=[d for _, d in run],
            assessed=assessed,
            unpaid=unpaid,
            transfer=rng.random() < 0.12,
            note=rng.choice(NOTES) if rng.random() < 0.03 * self.cfg.mess_rate else "",
        )
        for k, v in kw.items():
            setattr(rec, k, v)
        payer.receivables.append(rec)
        self.counts[source] += len(run)
        return rec

    def _scheduled(self, payer: Payer, subject: str, fy: int | None = None) -> Receivable | None:
        """A subject billed on the fixed schedule (市県民税, 固定資産税, 国保料 …)."""
        fy = self._fy() if fy is None else fy
        min_age = {"12": 75, "13": 65}.get(subject)
        if min_age and isinstance(payer, Person):
            # Premiums by age: a year counts only if the payer was old enough by its end.
            while fy < self.fy_now and _age_on(payer.birth, date(fy + 1, 3, 31)) < min_age:
                fy += 1
        avail = self._due_periods(subject, fy)
        if not avail:
            fy -= 1
            avail = self._due_periods(subject, fy)
        if min_age and isinstance(payer, Person):
            if _age_on(payer.birth, date(fy + 1, 3, 31)) < min_age:
                return None
        periods = jcal.SCHEDULES[subject]
        if subject == "04":
            annual = _weighted(
                self.rng,
                (
                    ("10800", 45),
                    ("7200", 22),
                    ("12900", 10),
                    ("3600", 8),
                    ("2000", 10),
                    ("5000", 5),
                ),
            )
            amounts = [int(annual)]
        else:
            unit = 1000 if subject in ("01", "02", "03") else 100
            amounts = self._split(self._annual(subject), len(periods), unit)
        by_period = dict(zip((p for p, _, _ in periods), amounts, strict=True))
        run = self._pick_run(avail, fy)
        return self._add(payer, UNIFIED, subject, fy, run, [by_period[p] for p, _ in run])

    def _childcare(self, payer: Person, child: Child) -> Receivable | None:
        fy = self._fy((0.6, 0.3, 0.1))
        age = _age_on(child.birth, date(fy, 4, 1))
        if age < 0 or age > 5:
            fy = self.fy_now
            age = _age_on(child.birth, date(fy, 4, 1))
            if age < 0 or age > 5:
                return None
        if age >= 3:  # 無償化: only meals (副食費) and extended hours remain
            monthly = 4_500 + (self.rng.choice((0, 0, 0, 2_000, 3_000)))
        else:
            monthly = self._lognormal(25_000, 0.6, 3_000, 77_000)
        avail = self._due_periods("14", fy)
        run = self._pick_run(avail, fy)
        return self._add(payer, UNIFIED, "14", fy, run, [monthly] * len(run), child=child)

    def _school_lunch(self, payer: Person, child: Child) -> Receivable | None:
        fy = self._fy((0.65, 0.3, 0.05))
        age = _age_on(child.birth, date(fy, 4, 1))
        if not 6 <= age <= 14:
            return None
        monthly = (4_500 if age <= 11 else 5_300) - (200 if fy < 2025 else 0)
        avail = self._due_periods("15", fy)
        run = self._pick_run(avail, fy)
        rec = self._add(payer, SCHOOL_LUNCH, "15", fy, run, [monthly] * len(run), child=child)
        if rec is not None:
            rec.transfer = self.rng.random() < 0.25
        return rec

    def _nhi_refund(self, payer: Person, identity: int = 0) -> Receivable | None:
        rng = self.rng
        fy = self._fy((0.4, 0.35, 0.15, 0.1))
        start = date(fy, 4, 1)
        end = min(date(fy + 1, 3, 31), self.as_of - timedelta(days=15))
        if end <= start:
            fy -= 1
            start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
        due = jcal.next_business_day(start + timedelta(days=rng.randrange((end - start).days)))
        total = self._lognormal(35_000, 1.1, 1_000, 900_000)
        r = rng.random()
        if r < 0.15 and total >= 20_000:  # 分納: agreed monthly installments
            n = rng.randint(2, 6)
            run = []
            for i in range(n):
                d = jcal.next_business_day(jcal.month_end(due.year, due.month + i))
                if d <= self.as_of - timedelta(days=10):
                    run.append((str(i + 1), d))
            amounts = self._split(total, n, 100)[: len(run)]
        else:
            run = [("随時" if r > 0.9 else "1", due)]
            amounts = [total]
        return self._add(payer, NHI_REFUND, "11", fy, run, amounts, identity=identity)

    def _corporate_tax(self, corp: Corporation, subject: str) -> None:
        rng = self.rng
        end_month = int(
            _weighted(
                rng,
                (
                    ("3", 50),
                    ("12", 10),
                    ("9", 8),
                    ("6", 8),
                    ("8", 6),
                    ("5", 6),
                    ("10", 6),
                    ("2", 6),
                ),
            )
        )
        for back in range(rng.choice((1, 1, 1, 2))):
            year = self.as_of.year - back
            due = jcal.next_business_day(jcal.month_end(year, end_month + 2))
            while due > self.as_of - timedelta(days=10):
                year -= 1
                due = jcal.next_business_day(jcal.month_end(year, end_month + 2))
            if subject == "05":
                equal = _weighted(
                    rng, (("50000", 80), ("130000", 10), ("160000", 7), ("410000", 3))
                )
                income = 0 if rng.random() < 0.6 else self._lognormal(60_000, 1.2, 1_000, 3_000_000)
                amount = int(equal) + income
            else:
                amount = self._lognormal(600_000, 0.8, 100_000, 9_000_000)
            self._add(corp, UNIFIED, subject, jcal.fiscal_year(due), [("随時", due)], [amount])

    # --- payers -------------------------------------------------------------------------

    def _assign(self, p: Person, role: str) -> None:
        """What an individual owes, from age and household."""
        rng = self.rng
        age = _age_on(p.birth, self.as_of)
        h = p.household
        assert h is not None
        if 20 <= age < 80 and rng.random() < 0.5:
            self._scheduled(p, "01")
            if rng.random() < 0.2:
                self._scheduled(p, "01", self.fy_now - rng.randint(1, 3))
        if role == "head" and 20 <= age < 75 and rng.random() < 0.38:
            self._scheduled(p, "10")
            if rng.random() < 0.25:
                self._scheduled(p, "10", self.fy_now - rng.randint(1, 2))
        if role == "head" and age >= 30 and rng.random() < 0.12:
            self._scheduled(p, "02")
        if 18 <= age <= 85 and rng.random() < 0.12:
            self._scheduled(p, "04")
        if age >= 65 and rng.random() < 0.35:
            self._scheduled(p, "13")
        if age >= 75 and rng.random() < 0.45:
            self._scheduled(p, "12")
        if role in ("head", "spouse") and h.children:
            young = [c for c in h.children if _age_on(c.birth, self.as_of) <= 6]
            school = [c for c in h.children if 6 <= _age_on(c.birth, self.as_of) <= 15]
            payer_role = "spouse" if rng.random() < 0.6 else "head"
            if young and role == payer_role and rng.random() < 0.5:
                for c in young:
                    self._childcare(p, c)
            if school and role == payer_role and rng.random() < self._share_p(SCHOOL_LUNCH, 0.3):
                for c in school:
                    self._school_lunch(p, c)
        if 20 <= age < 70 and rng.random() < self._share_p(NHI_REFUND, 0.12):
            for _ in range(rng.choice((1, 1, 1, 1, 2, 3))):
                self._nhi_refund(p)
        if role == "head" and not p.receivables:
            self._scheduled(p, "10" if 20 <= age < 75 else ("12" if age >= 75 else "01"))
            if not p.receivables:
                self._scheduled(p, "01", self.fy_now - 1)

    def _share_p(self, source: str, base: float) -> float:
        """Steer the 国保返納金 / 給食費 share of rows towards the configured one."""
        share = self.cfg.nhi_refund_share if source == NHI_REFUND else self.cfg.school_lunch_share
        total = sum(self.counts.values())
        if total < 50:
            return base
        return base * (2.5 if self.counts[source] < share * total else 0.3)

    def _only_elsewhere(self, p: Person) -> None:
        """Most people in 国保返納金 / 給食費 also owe in the unified system; some don't."""
        other = [r for r in p.receivables if r.source != UNIFIED]
        if other and self.rng.random() < 0.45:
            for r in p.receivables:
                if r.source == UNIFIED:
                    self.counts[UNIFIED] -= len(r.periods)
            p.receivables = other

    def _register(self, p: Payer) -> None:
        self.payers.append(p)
        if not p.resident_nos and any(r.source == UNIFIED for r in p.receivables):
            p.resident_nos.append(self._resident_no())

    def _new_household_payers(self) -> None:
        rng = self.rng
        h = self._household()
        roles: list[tuple[Person, str]] = []
        members = h.members
        head = members[0]
        if len(members) >= 2 and _age_on(members[0].birth, self.as_of) >= 72 and len(members) >= 3:
            head = members[1]  # multi_gen: the working son heads the household
        for m in members:
            if m is head:
                roles.append((m, "head"))
            elif (
                m.sex != head.sex
                and abs(_age_on(m.birth, self.as_of) - _age_on(head.birth, self.as_of)) < 12
            ):
                roles.append((m, "spouse"))
            elif _age_on(m.birth, self.as_of) > _age_on(head.birth, self.as_of):
                roles.append((m, "elder"))
            else:
                roles.append((m, "adult_child"))
        p_owes = {"head": 1.0, "spouse": 0.35, "elder": 0.5, "adult_child": 0.45}
        for m, role in roles:
            if rng.random() < p_owes[role]:
                self._assign(m, role)
                if m.receivables:
                    self._only_elsewhere(m)
        payers = [m for m in members if m.receivables]
        for m in payers:
            self._lay_person_traps(m)
            self._register(m)
        self._pair_traps(h, payers)

    def _pair_traps(self, h: Household, payers: list[Person]) -> None:
        for i, a in enumerate(payers):
            for b in payers[i + 1 :]:
                self.traps.append(
                    Trap("household", a.pid, b.pid, detail=f"{a.surname} {b.surname}")
                )

    def _lay_person_traps(self, p: Person) -> None:
        rng = self.rng
        age = _age_on(p.birth, self.as_of)
        has_u = any(r.source == UNIFIED for r in p.receivables)
        # Marriage: records made before it carry the maiden name (and maybe the old address).
        if (
            p.sex == "女"
            and 22 <= age <= 50
            and p.foreign is None
            and self._quota("surname_changed")
        ):
            former = self._surname()
            if former[1] != p.surname_kana:
                p.former_surname, p.former_surname_kana = former
                moved = rng.random() < 0.5
                if moved:
                    p.old_address = self._address()
                    p.old_landline = self._phone("landline") if rng.random() < 0.3 else ""
                rec = self._nhi_refund(p, identity=1)
                if rec is not None:
                    if not has_u:
                        self._scheduled(p, "01")
                    self.trap_counts["surname_changed"] += 1
                    self.traps.append(
                        Trap(
                            "surname_changed",
                            p.pid,
                            detail=f"{p.former_surname}→{p.surname}; {'moved' if moved else 'same address'}",
                        )
                    )
                    return
                p.former_surname = p.former_surname_kana = ""
                p.old_address = None
        # A move within the city: older records keep the old address.
        non_u = [r for r in p.receivables if r.source != UNIFIED]
        if non_u and self._quota("moved"):
            p.old_address = self._address()
            if p.household is not None and p.household.landline and rng.random() < 0.5:
                p.old_landline = self._phone("landline")
            for r in non_u:
                if rng.random() < 0.7:
                    r.identity = 1
            self.trap_counts["moved"] += 1
        # Two 宛名番号: the person was registered twice (e.g. once as non-resident owner).
        u = [r for r in p.receivables if r.source == UNIFIED]
        if u and self._quota("two_resident_numbers"):
            if len(u) == 1:
                rec = self._scheduled(p, "04") or self._scheduled(p, "01", self.fy_now - 1)
                if rec is not None:
                    u.append(rec)
            if len(u) >= 2:
                if p.old_address is None and rng.random() < 0.6:
                    p.old_address = self._address()
                p.resident_nos = [self._resident_no(), self._resident_no()]
                for r in u[len(u) // 2 :]:
                    r.resident_idx = 1
                self.trap_counts["two_resident_numbers"] += 1
                self.traps.append(
                    Trap("two_resident_numbers", p.pid, detail=";".join(p.resident_nos))
                )

    def _twins(self) -> None:
        """Adult twins living with a parent: same surname, birth date, address and phone."""
        rng = self.rng
        self._hid += 1
        h = Household(self._hid, self._address(), self._phone("landline"))
        surname = self._surname()
        parent = self._person(h, rng.choice("男女"), (48, 70), surname)
        pa = _age_on(parent.birth, self.as_of)
        birth = self._birth(19, min(40, pa - 22))
        sex_a = rng.choice("男女")
        sex_b = sex_a if rng.random() < 0.7 else ("女" if sex_a == "男" else "男")
        a = self._person(h, sex_a, (0, 0), surname, birth=birth)
        b = self._person(h, sex_b, (0, 0), surname, birth=birth)
        while b.given_kana == a.given_kana:
            b.given, b.given_kana = self._given(sex_b, birth)
        self.households.append(h)
        for t in (a, b):
            self._scheduled(t, "01")
            if rng.random() < 0.5:
                self._scheduled(t, "04")
            if rng.random() < 0.3:
                self._nhi_refund(t)
            self._register(t)
        self.trap_counts["twins"] += 1
        self.traps.append(Trap("twins", a.pid, b.pid, detail=f"{a.given}/{b.given}"))
        self._pair_traps(h, [a, b])

    def _namesake(self, other: Person) -> None:
        """A different person with the same name and birth date, living elsewhere."""
        self._hid += 1
        h = Household(
            self._hid, self._address(), self._phone("landline") if self.rng.random() < 0.3 else ""
        )
        p = self._person(
            h, other.sex, (0, 0), (other.surname, other.surname_kana), birth=other.birth
        )
        p.given, p.given_kana = other.given, other.given_kana
        self.households.append(h)
        age = _age_on(p.birth, self.as_of)
        self._assign(p, "head")
        if not p.receivables:
            self._scheduled(p, "01" if age < 75 else "12")
        self._register(p)
        self.trap_counts["same_name_same_birth"] += 1
        self.traps.append(
            Trap("same_name_same_birth", other.pid, p.pid, detail=f"{p.surname} {p.given}")
        )

    # --- corporations -------------------------------------------------------------------

    def _corporation(self, like: Corporation | None = None) -> Corporation:
        rng = self.rng
        form = _weighted(
            rng,
            (
                ("株式会社", 70),
                ("有限会社", 18),
                ("合同会社", 7),
                ("一般社団法人", 2),
                ("医療法人社団", 3),
            ),
        )
        if like is not None:
            stem, stem_kana, business, business_kana = (
                like.stem,
                like.stem_kana,
                like.business,
                like.business_kana,
            )
            form_first = not like.form_first if form == like.form else like.form_first
        else:
            stem, stem_kana = rng.choice(self.t.corp_stems)
            business, business_kana = rng.choice(self.t.corp_business)
            form_first = rng.random() < (0.6 if form == "株式会社" else 0.9)
        c = Corporation(
            pid=self._new_pid("C"),
            stem=stem,
            stem_kana=stem_kana,
            business=business,
            business_kana=business_kana,
            form=form,
            form_first=form_first,
            address=self._address(office=True),
            phone=self._phone("landline") if rng.random() < 0.8 else self._phone("mobile"),
        )
        subjects = [
            s
            for s, p in (("03", 0.55), ("05", 0.5), ("02", 0.2), ("04", 0.15), ("06", 0.03))
            if rng.random() < p
        ]
        for s in subjects or ["05"]:
            if s in ("05", "06"):
                self._corporate_tax(c, s)
            else:
                self._scheduled(c, s)
                if s == "03" and rng.random() < 0.3:
                    self._scheduled(c, s, self.fy_now - rng.randint(1, 2))
        if not c.receivables:
            self._corporate_tax(c, "05")
        self.corporations.append(c)
        self._register(c)
        return c

    # --- the loop -----------------------------------------------------------------------

    def build(self) -> Population:
        cfg = self.cfg
        rng = self.rng
        while sum(self.counts.values()) < cfg.rows:
            if rng.random() < cfg.corporation_rate:
                c = self._corporation()
                if self._quota("similar_corporations"):
                    d = self._corporation(like=c)
                    self.trap_counts["similar_corporations"] += 1
                    self.traps.append(
                        Trap(
                            "similar_corporations",
                            c.pid,
                            d.pid,
                            detail=f"{c.legal_name} / {d.legal_name}",
                        )
                    )
                continue
            if self._quota("twins") and rng.random() < 0.05:
                self._twins()
                continue
            n_before = len(self.payers)
            self._new_household_payers()
            if self._quota("same_name_same_birth") and rng.random() < 0.05:
                japanese = [
                    p for p in self.payers[n_before:] if isinstance(p, Person) and p.foreign is None
                ]
                if japanese:
                    self._namesake(japanese[0])
        self._trim()
        self._assign_keys()
        live = {p.pid for p in self.payers}
        traps = [
            t
            for t in self.traps
            if t.person_id in live and (not t.other_person_id or t.other_person_id in live)
        ]
        for p in self.payers:
            sources = sorted({r.source for r in p.receivables}, key=SOURCES.index)
            if len(sources) > 1:
                traps.append(Trap("cross_system", p.pid, detail="+".join(sources)))
        return Population(
            config=cfg,
            payers=self.payers,
            people=self.people,
            corporations=self.corporations,
            households=self.households,
            traps=traps,
            row_counts={s: self.counts[s] for s in SOURCES},
        )

    def _trim(self) -> None:
        """Cut the last payers' rows so the files hold exactly `rows` rows."""
        excess = sum(self.counts.values()) - self.cfg.rows
        while excess > 0 and self.payers:
            p = self.payers[-1]
            while excess > 0 and p.receivables:
                r = p.receivables[-1]
                while excess > 0 and r.periods:
                    for lst in (r.periods, r.dues, r.assessed, r.unpaid):
                        lst.pop()
                    self.counts[r.source] -= 1
                    excess -= 1
                if not r.periods:
                    p.receivables.pop()
            if not p.receivables:
                self.payers.pop()

    def _assign_keys(self) -> None:
        nxt = dict.fromkeys(SOURCES, 1)
        for p in self.payers:
            for r in p.receivables:
                r.first_key = nxt[r.source]
                nxt[r.source] += len(r.periods)


def generate_population(cfg: GeneratorConfig) -> Population:
    """Draw households and corporations until they owe `cfg.rows` installments."""
    return _Builder(cfg).build()
