"""The demo generator writes the city's formats exactly, and labels every trap it lays."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from nofu.lib.demogen import (
    COLUMNS,
    NHI_REFUND,
    PAYMENT_COLUMNS,
    SCHOOL_LUNCH,
    SOURCES,
    TRAP_COLUMNS,
    UNIFIED,
    Corporation,
    GeneratorConfig,
    Person,
    Population,
    generate_population,
    jcal,
    write_call_target_files,
    write_payment_file,
)
from nofu.lib.demogen.render import EXTRA_COLUMNS
from nofu.lib.demogen.tables import tables
from nofu.lib.demogen.text import (
    halfwidth_kana,
    hiragana,
    kanji_number,
    small_kana_large,
    to_cp932,
)

AS_OF = date(2026, 11, 24)
ROWS = 20_000
ENCODING = {UNIFIED: "cp932", NHI_REFUND: "cp932", SCHOOL_LUNCH: "utf-8-sig"}
SUBJECTS = {
    UNIFIED: {"01", "02", "03", "04", "05", "06", "07", "10", "12", "13", "14"},
    NHI_REFUND: {"11"},
    SCHOOL_LUNCH: {"15"},
}
KATAKANA = re.compile(r"^[ァ-ヶー]+$")

PERSON_TRAPS = {
    "cross_system",
    "household",
    "twins",
    "same_name_same_birth",
    "two_resident_numbers",
    "surname_changed",
    "similar_corporations",
}
ROW_TRAPS = {
    "variant_kanji",
    "mistyped_kanji",
    "kana_only",
    "kanji_only",
    "halfwidth_kana",
    "hiragana_kana",
    "legacy_small_kana",
    "missing_birth_date",
    "old_address",
    "former_surname",
    "second_resident_no",
    "foreign_name_order",
    "foreign_script",
    "foreign_kana_variant",
    "foreign_katakana_name",
    "corporation_form",
    "geta",
}


def read_table(path: Path, encoding: str) -> tuple[list[str], list[dict[str, str]], bytes]:
    data = path.read_bytes()
    text = data.decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]], data


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Population, Path]:
    out = tmp_path_factory.mktemp("demo")
    pop = generate_population(GeneratorConfig(rows=ROWS, seed=7, as_of=AS_OF))
    write_call_target_files(pop, out)
    write_payment_file(
        pop, out / "収納データ.csv", AS_OF - timedelta(days=60), AS_OF + timedelta(days=60)
    )
    return pop, out


@pytest.fixture(scope="module")
def files(
    world: tuple[Population, Path],
) -> dict[str, tuple[list[str], list[dict[str, str]], bytes]]:
    _, out = world
    return {s: read_table(out / f"{s}.csv", ENCODING[s]) for s in SOURCES}


def test_encodings_and_line_endings(files: dict) -> None:
    for source, (_, _, data) in files.items():
        assert data.count(b"\r\n") == data.count(b"\n") > 1, source
        if source == SCHOOL_LUNCH:
            assert data.startswith(b"\xef\xbb\xbf")
        else:
            assert not data.startswith(b"\xef\xbb\xbf")
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_headers_are_the_spec_columns(files: dict) -> None:
    for source, (header, _, _) in files.items():
        assert len(header) == len(set(header))
        extras = set(header) - set(COLUMNS[source])
        assert extras <= set(EXTRA_COLUMNS), source
        assert set(COLUMNS[source]) <= set(header), source


def test_rows_are_valid(files: dict) -> None:
    fy_pattern = re.compile(r"^(20\d\d|[RH]\d{1,2}|令和(元|\d{1,2})|平成\d{1,2})$")
    date_pattern = re.compile(r"^20\d\d[-/]\d\d[-/]\d\d$")
    total = 0
    for source, (_, rows, _) in files.items():
        keys = Counter(r["債権番号"] for r in rows)
        assert max(keys.values()) == 1, f"duplicate keys in {source}"
        prefix = {UNIFIED: "U", NHI_REFUND: "K", SCHOOL_LUNCH: "Y"}[source]
        for r in rows:
            total += 1
            assert r["抽出元"] == source
            assert re.fullmatch(prefix + r"\d{8}", r["債権番号"])
            if source == UNIFIED:
                assert re.fullmatch(r"\d{10}", r["宛名番号"])
            assert r["科目コード"] in SUBJECTS[source]
            assert r["期別"] in {str(i) for i in range(1, 11)} | {"随時"}
            assert fy_pattern.match(r["年度"]), r["年度"]
            assert date_pattern.match(r["納期限"])
            assessed, unpaid = int(r["調定額"]), int(r["未納額"])
            assert 0 < unpaid <= assessed
            assert r["延滞金"] == "" or int(r["延滞金"]) >= 0
            assert r["法人区分"] in ("個人", "法人")
            assert r["口座振替"] in ("有", "無")
            assert r["性別"] in ("男", "女", "")
            assert r["氏名"]
            if r["法人区分"] == "法人":
                assert r["生年月日"] == r["性別"] == r["国籍"] == ""
    assert total == ROWS


def test_proportions(world: tuple[Population, Path]) -> None:
    pop, _ = world
    counts = pop.row_counts
    assert counts[UNIFIED] > 0.85 * ROWS
    for s in (NHI_REFUND, SCHOOL_LUNCH):
        assert 0.01 * ROWS < counts[s] < 0.06 * ROWS
    subjects = Counter(r.subject for p in pop.payers for r in p.receivables)
    assert {"01", "02", "03", "04", "05", "10", "12", "13", "14"} <= set(subjects)


def test_truth_covers_every_row(world: tuple[Population, Path], files: dict) -> None:
    _, out = world
    _, truth, _ = read_table(out / "truth.csv", "utf-8")
    keys = {(r["抽出元"], r["債権番号"]) for r in truth}
    assert len(keys) == len(truth) == ROWS
    rows = {(s, r["債権番号"]) for s, (_, rs, _) in files.items() for r in rs}
    assert keys == rows
    # Rows of one 宛名番号 are one person; a person may hold two 宛名番号.
    person_of = {(r["抽出元"], r["債権番号"]): r["person_id"] for r in truth}
    by_no: dict[str, set[str]] = defaultdict(set)
    for r in files[UNIFIED][1]:
        by_no[r["宛名番号"]].add(person_of[(UNIFIED, r["債権番号"])])
    assert all(len(v) == 1 for v in by_no.values())


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    def run(seed: int, sub: str) -> dict[str, bytes]:
        cfg = GeneratorConfig(rows=1500, seed=seed, as_of=AS_OF)
        pop = generate_population(cfg)
        out = tmp_path / sub
        write_call_target_files(pop, out)
        write_payment_file(pop, out / "pay.csv", AS_OF - timedelta(days=30), AS_OF)
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    a, b, c = run(3, "a"), run(3, "b"), run(4, "c")
    assert a == b
    assert a != c


def test_every_trap_kind_is_laid_and_labelled(world: tuple[Population, Path]) -> None:
    pop, out = world
    header, traps, _ = read_table(out / "traps.csv", "utf-8")
    assert header == TRAP_COLUMNS
    kinds = Counter(t["trap"] for t in traps)
    missing = (PERSON_TRAPS | ROW_TRAPS) - set(kinds)
    assert not missing, f"trap kinds never laid: {missing}"
    _, truth, _ = read_table(out / "truth.csv", "utf-8")
    person_of = {(r["抽出元"], r["債権番号"]): r["person_id"] for r in truth}
    payers = {p.pid for p in pop.payers}
    for t in traps:
        if t["債権番号"]:
            assert person_of[(t["抽出元"], t["債権番号"])] == t["person_id"]
        else:
            assert t["person_id"] in payers
            assert t["other_person_id"] == "" or t["other_person_id"] in payers


def test_trap_rate_zero_lays_no_traps(tmp_path: Path) -> None:
    pop = generate_population(GeneratorConfig(rows=3000, seed=1, trap_rate=0, mess_rate=0))
    write_call_target_files(pop, tmp_path)
    _, traps, _ = read_table(tmp_path / "traps.csv", "utf-8")
    kinds = {t["trap"] for t in traps}
    # Only what is structural remains: families, people in two systems, and each
    # system's regular habits (half-width kana in 国保返納金, no birth date in 給食費).
    assert kinds <= {"cross_system", "household", "halfwidth_kana", "missing_birth_date"}


def test_pair_traps_are_what_they_say(world: tuple[Population, Path]) -> None:
    pop, out = world
    by_id = {p.pid: p for p in pop.payers}
    _, traps, _ = read_table(out / "traps.csv", "utf-8")
    for t in traps:
        a, b = by_id.get(t["person_id"]), by_id.get(t["other_person_id"])
        if t["trap"] == "twins":
            assert isinstance(a, Person) and isinstance(b, Person)
            assert a.birth == b.birth and a.surname == b.surname and a.address is b.address
            assert a.given_kana != b.given_kana
        elif t["trap"] == "same_name_same_birth":
            assert isinstance(a, Person) and isinstance(b, Person)
            assert (a.surname, a.given, a.birth) == (b.surname, b.given, b.birth)
            assert a.address is not b.address
        elif t["trap"] == "household":
            assert isinstance(a, Person) and isinstance(b, Person)
            assert a.household is b.household
        elif t["trap"] == "two_resident_numbers":
            assert a is not None and len(a.resident_nos) == 2
        elif t["trap"] == "similar_corporations":
            assert isinstance(a, Corporation) and isinstance(b, Corporation)
            assert a.core == b.core and a.legal_name != b.legal_name


def test_geta_only_where_cp932_fails(world: tuple[Population, Path], files: dict) -> None:
    _, out = world
    _, traps, _ = read_table(out / "traps.csv", "utf-8")
    geta = {(t["抽出元"], t["債権番号"]) for t in traps if t["trap"] == "geta"}
    for source, (_, rows, _) in files.items():
        for r in rows:
            has = "〓" in r["氏名"]
            assert has == ((source, r["債権番号"]) in geta), r["氏名"]
            if source == SCHOOL_LUNCH:
                assert not has


def test_geography_is_chiba_city(files: dict) -> None:
    towns = tables().towns
    codes = {t.postal for t in towns}
    names = {t.name for t in towns} | {t.name.replace("ケ", "ヶ") for t in towns}
    for _, rows, _ in files.values():
        for r in rows:
            postal = r["郵便番号"].replace("-", "")
            assert postal == "" or postal in codes
            assert any(n in r["住所"] for n in names), r["住所"]


def age_on(birth: date, d: date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def test_people_are_consistent(world: tuple[Population, Path]) -> None:
    pop, _ = world
    for p in pop.payers:
        if isinstance(p, Corporation):
            assert p.resident_nos
            continue
        for r in p.receivables:
            fy_start, fy_end = date(r.fy, 4, 1), date(r.fy + 1, 3, 31)
            if r.subject == "12":
                assert age_on(p.birth, fy_end) >= 75
            if r.subject == "13":
                assert age_on(p.birth, fy_end) >= 65
            if r.subject in ("14", "15"):
                # The guardian of a child of nursery or school age.
                assert r.child is not None
                child_age = age_on(r.child.birth, fy_start)
                assert (0 <= child_age <= 5) if r.subject == "14" else (6 <= child_age <= 14)
                assert age_on(p.birth, r.child.birth) >= 17
            for due, period in zip(r.dues, r.periods, strict=True):
                assert jcal.is_business_day(due)
                assert due < AS_OF
                assert period
        if p.household is not None:
            assert p in p.household.members
            assert p.address is p.household.address


def test_due_dates_follow_the_schedule(files: dict) -> None:
    for r in files[UNIFIED][1]:
        due = date.fromisoformat(r["納期限"].replace("/", "-"))
        if r["督促状発付日"]:
            notice = date.fromisoformat(r["督促状発付日"].replace("/", "-"))
            assert due < notice <= due + timedelta(days=20)
        if r["科目コード"] == "04":
            assert (due.month, r["期別"]) == (5, "1") or due.month == 6 and due.day <= 3
            assert int(r["調定額"]) in (2000, 3600, 5000, 7200, 10800, 12900)


def test_payments(world: tuple[Population, Path], files: dict) -> None:
    _, out = world
    header, pays, data = read_table(out / "収納データ.csv", "cp932")
    assert header == PAYMENT_COLUMNS
    assert data.count(b"\r\n") == data.count(b"\n")
    assert len(pays) > 100
    unpaid = {(s, r["債権番号"]): int(r["未納額"]) for s, (_, rs, _) in files.items() for r in rs}
    paid: Counter[tuple[str, str]] = Counter()
    for p in pays:
        key = (p["抽出元"], p["債権番号"])
        assert key in unpaid
        amount = int(p["収納額"])
        assert amount > 0
        paid[key] += amount
        d = date.fromisoformat(p["収納日"])
        assert AS_OF - timedelta(days=60) <= d <= AS_OF + timedelta(days=60)
        assert p["収納方法"] in {
            "窓口",
            "コンビニ",
            "口座振替",
            "ペイジー",
            "スマホ決済",
            "クレジット",
            "eL-QR",
            "その他",
        }
    for key, amount in paid.items():
        assert amount <= unpaid[key]


def test_tables_are_sane() -> None:
    t = tables()
    assert len(t.surnames) >= 300
    assert sum(len(v) for v in t.given.values()) >= 300
    for kanji, kana in t.surnames:
        assert KATAKANA.match(kana), kana
        assert not KATAKANA.match(kanji)
    for names in t.given.values():
        for g in names:
            assert KATAKANA.match(g.kana), g
    for std, vs in t.variants.items():
        assert std not in vs
    for parts in t.foreign.values():
        for fp in parts:
            assert fp.alphabet == fp.alphabet.upper()
            assert all(re.fullmatch(r"[ァ-ヶー・ ]+", k) for k in fp.kana), fp


def test_text_forms() -> None:
    assert halfwidth_kana("タカギ　パン") == "ﾀｶｷﾞ ﾊﾟﾝ"
    assert hiragana("タカギ") == "たかぎ"
    assert small_kana_large("キョウコ") == "キヨウコ"
    assert kanji_number(27) == "二十七"
    assert kanji_number(1105) == "千百五"
    assert kanji_number(10) == "十"
    assert to_cp932("𠮷田") == "〓田"
    assert to_cp932("髙橋") == "髙橋"


def test_wareki_and_fiscal_years() -> None:
    assert jcal.era_of(date(1980, 1, 2)) == ("昭和", "S", 55)
    assert jcal.era_of(date(1989, 10, 2)) == ("平成", "H", 1)
    assert jcal.fy_era(2025) == ("令和", "R", 7)
    assert jcal.fy_era(2019) == ("令和", "R", 1)
    assert jcal.fiscal_year(date(2026, 3, 31)) == 2025


@pytest.mark.parametrize(
    ("tax", "due", "paid", "charge"),
    [
        (65_000, date(2021, 5, 31), date(2022, 1, 31), 3_400),  # Toyohashi
        (64_300, date(2022, 8, 1), date(2022, 11, 1), 1_000),  # Yabuki
        (45_000, date(2017, 4, 30), date(2017, 8, 31), 1_100),  # Miyakonojo
        (1_999, date(2022, 8, 1), date(2025, 11, 1), 0),
    ],
)
def test_late_charge_matches_published_examples(
    tax: int, due: date, paid: date, charge: int
) -> None:
    assert jcal.late_charge(tax, due, paid) == charge


def test_due_dates_move_off_closed_days() -> None:
    # 2025-05-31 is a Saturday; 2026-01-31 a Saturday.
    assert jcal.schedule("04", 2025) == (("1", date(2025, 6, 2)),)
    assert jcal.schedule("01", 2025)[3] == ("4", date(2026, 2, 2))


def test_no_django_import() -> None:
    code = (
        "import sys, nofu.lib.demogen; sys.exit(any(m.startswith('django') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_management_command(tmp_path: Path) -> None:
    from django.core.management import call_command

    from nofu.demo.management.commands.demo_files import Command

    out = io.StringIO()
    call_command(
        Command(),
        rows=800,
        seed=2,
        out=tmp_path,
        as_of=date(2026, 11, 24),
        payments_days=30,
        stdout=out,
    )
    names = {p.name for p in tmp_path.iterdir()}
    assert {f"{s}.csv" for s in SOURCES} | {"truth.csv", "traps.csv", "収納データ.csv"} <= names
    _, truth, _ = read_table(tmp_path / "truth.csv", "utf-8")
    assert len(truth) == 800
    _, pays, _ = read_table(tmp_path / "収納データ.csv", "cp932")
    for p in pays:
        assert date(2026, 10, 26) <= date.fromisoformat(p["収納日"]) <= date(2026, 11, 24)
