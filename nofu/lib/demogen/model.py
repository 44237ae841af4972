"""The generated world: who lives where, who owes what, and which traps were laid.

Plain slotted objects, no rows: a row is rendered from these only while it is written,
so a million rows never sit in memory as strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .tables import Town

UNIFIED = "統一滞納管理"
NHI_REFUND = "国保返納金"
SCHOOL_LUNCH = "給食費"
SOURCES = (UNIFIED, NHI_REFUND, SCHOOL_LUNCH)
KEY_PREFIX = {UNIFIED: "U", NHI_REFUND: "K", SCHOOL_LUNCH: "Y"}

TRUTH_FILE = "truth.csv"
TRAPS_FILE = "traps.csv"


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    """What to generate. Rates are realistic at 1.0; raise them for stress tests."""

    rows: int = 10_000
    seed: int = 1
    as_of: date = date(2026, 11, 24)  # extraction date; fixed so a seed means one output
    trap_rate: float = 1.0  # multiplies the rate of every matching trap (0 = none)
    mess_rate: float = 1.0  # multiplies the rate of every irregular written form
    foreign_rate: float = 0.03  # share of households that are foreign residents
    corporation_rate: float = 0.05  # share of payers that are corporations
    nhi_refund_share: float = 0.03  # share of rows from 国保返納金
    school_lunch_share: float = 0.03  # share of rows from 給食費
    extra_column_rate: float = 0.35  # chance a file carries unknown extra columns
    column_shuffle_rate: float = 0.25  # chance a file's columns come in another order


@dataclass(slots=True, eq=False)
class Address:
    town: Town
    chome: int  # 0 when none
    ban: int  # 番 (or 番地)
    go: int  # 号 (or 枝番); 0 when none
    building: str = ""
    room: str = ""


@dataclass(slots=True, eq=False)
class Foreign:
    """A foreign resident's name in the forms records hold it."""

    family: str  # alphabet, "NGUYEN"
    given: str  # alphabet, may hold a middle name: "VAN AN"
    family_kana: tuple[str, ...]  # readings, most common first
    given_kana: tuple[tuple[str, ...], ...]  # per given-name token
    family_kanji: str = ""  # Chinese / Korean
    given_kanji: str = ""
    kanji_first: bool = False  # the unified system holds the kanji form


@dataclass(slots=True, eq=False)
class Child:
    given: str
    given_kana: str
    surname: str
    surname_kana: str
    birth: date
    sex: str
    school: str = ""  # school or nursery


@dataclass(slots=True, eq=False)
class Receivable:
    """One receivable of one payer: its installments are the rows."""

    source: str
    subject: str
    fy: int
    periods: list[str]
    dues: list[date]
    assessed: list[int]
    unpaid: list[int]
    first_key: int = 0
    resident_idx: int = 0  # which 宛名番号 (統一 only)
    identity: int = 0  # 0: as now; 1: as before (maiden name and/or old address)
    child: Child | None = None
    transfer: bool = False  # 口座振替 registered
    note: str = ""  # 特記事項


@dataclass(slots=True, eq=False)
class Household:
    hid: int
    address: Address
    landline: str  # digits, "" when none
    members: list[Person] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Person:
    pid: str
    surname: str  # as registered, may hold variant kanji (髙橋)
    surname_kana: str
    given: str
    given_kana: str
    sex: str  # 男 / 女
    birth: date
    nationality: str
    address: Address
    household: Household | None
    mobile: str = ""
    work_phone: str = ""
    resident_nos: list[str] = field(default_factory=list)
    foreign: Foreign | None = None
    former_surname: str = ""  # before marriage
    former_surname_kana: str = ""
    old_address: Address | None = None  # before moving
    old_landline: str = ""
    receivables: list[Receivable] = field(default_factory=list)

    is_corporation = False


@dataclass(slots=True, eq=False)
class Corporation:
    pid: str
    stem: str  # 緑
    stem_kana: str
    business: str  # 興産
    business_kana: str
    form: str  # 株式会社 / 有限会社 / 合同会社 / 一般社団法人 / 医療法人社団
    form_first: bool  # 前株 (株式会社緑興産) or 後株 (緑興産株式会社)
    address: Address
    phone: str
    resident_nos: list[str] = field(default_factory=list)
    receivables: list[Receivable] = field(default_factory=list)

    is_corporation = True

    @property
    def core(self) -> str:
        return self.stem + self.business

    @property
    def core_kana(self) -> str:
        return self.stem_kana + self.business_kana

    @property
    def legal_name(self) -> str:
        return self.form + self.core if self.form_first else self.core + self.form


Payer = Person | Corporation


@dataclass(slots=True)
class Trap:
    """A labelled trap. Row traps carry (source, key); person and pair traps carry ids."""

    kind: str
    person_id: str
    other_person_id: str = ""
    source: str = ""
    key: str = ""
    detail: str = ""


@dataclass(slots=True)
class Population:
    config: GeneratorConfig
    payers: list[Payer]  # in generation order, which is the order rows are written
    people: list[Person]  # every individual, payer or not
    corporations: list[Corporation]
    households: list[Household]
    traps: list[Trap]  # person and pair traps; row traps are found while writing
    row_counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())


def key_of(source: str, n: int) -> str:
    return f"{KEY_PREFIX[source]}{n:08d}"
