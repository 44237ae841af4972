"""From raw records to comparable features, and from rows to profiles.

Every function here is computed once per distinct raw value (names, readings and
addresses repeat across a payer's installments), then joined back: a million rows
cost a few hundred thousand calls, not millions. Rows whose features are all equal
form one *profile*; the engine compares profiles, never rows.
"""

from __future__ import annotations

import gc
import os
import pickle
import re
import struct
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

import polars as pl

from nofu.lib.address import COLUMN_SAFE, address_columns, normalize_address
from nofu.lib.japanese import (
    CORPORATION_WORDS,
    KANA_FOLDS,
    VARIANT_FOLDS,
    clean_text,
    corporation_form,
    is_latin_name,
    kana_key,
    kana_name_key,
    latin_tokens,
    name_key,
)
from nofu.lib.phones import normalize_phone, phone_kind
from nofu.lib.wareki import MAX_YEAR, MIN_YEAR, parse_date

from .config import MatchInputError

FIELDS: tuple[str, ...] = (
    "source",
    "key",
    "resident_no",
    "name",
    "kana",
    "birth_date",
    "sex",
    "nationality",
    "corporation",
    "postal_code",
    "address",
    "building",
    "phone1",
    "phone2",
)
JAPANESE_HEADERS: dict[str, str] = {
    "抽出元": "source",
    "債権番号": "key",
    "宛名番号": "resident_no",
    "氏名": "name",
    "氏名カナ": "kana",
    "生年月日": "birth_date",
    "性別": "sex",
    "国籍": "nationality",
    "法人区分": "corporation",
    "郵便番号": "postal_code",
    "住所": "address",
    "方書": "building",
    "電話番号1": "phone1",
    "電話番号2": "phone2",
}


@dataclass(frozen=True)
class Record:
    """One input record (an installment row, or any row that names a payer)."""

    source: str
    key: str
    name: str
    resident_no: str = ""
    kana: str = ""
    birth_date: str | date | None = None
    sex: str = ""
    nationality: str = ""
    corporation: str | bool | None = None  # 法人 / 個人 / True / False / blank
    postal_code: str = ""
    address: str = ""
    building: str = ""
    phone1: str = ""
    phone2: str = ""


def _cell(v: Any, field: str) -> str:
    if v is None:
        return ""
    if field == "corporation" and isinstance(v, bool):
        return "法人" if v else "個人"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def records_frame(records: pl.DataFrame | Iterable[Record | Mapping[str, Any]]) -> pl.DataFrame:
    """The input as a frame of strings with the English field names of `Record`.

    Accepts a Polars frame with English or Japanese (exchange file) headers, or an
    iterable of `Record` or mappings. Unknown columns are dropped; missing optional
    ones are blank. (source, key) must be unique: it is how results are reported.
    """
    if isinstance(records, pl.DataFrame):
        df = records.rename(
            {c: JAPANESE_HEADERS[c] for c in records.columns if c in JAPANESE_HEADERS}
        )
    else:
        rows = [asdict(r) if isinstance(r, Record) else dict(r) for r in records]
        data = {f: [_cell(r.get(f), f) for r in rows] for f in FIELDS}
        df = pl.DataFrame(data, schema=dict.fromkeys(FIELDS, pl.String))
    missing = [f for f in ("source", "key", "name") if f not in df.columns]
    if missing:
        raise MatchInputError(f"必要な列がありません: {', '.join(missing)}")
    cols = []
    for f in FIELDS:
        if f not in df.columns:
            cols.append(pl.lit("", dtype=pl.String).alias(f))
            continue
        col = pl.col(f)
        dtype = df.schema[f]
        if dtype == pl.Boolean:
            col = (
                pl.when(col)
                .then(pl.lit("法人"))
                .when(~col)
                .then(pl.lit("個人"))
                .otherwise(pl.lit(""))
            )
        elif dtype != pl.String:
            col = col.cast(pl.String)
        cols.append(col.fill_null("").alias(f))
    df = df.select(cols)
    dup = df.select("source", "key").is_duplicated()
    if dup.any():
        first = df.filter(dup).row(0)
        raise MatchInputError(f"抽出元と債権番号の組が重複しています: {first[0]} {first[1]}")
    return df


# --- per-value features -------------------------------------------------------------

_KATAKANA_ONLY = re.compile("^[\u30a0-\u30ffー]+$")
_CJK_OR_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_SPLIT_KANA = re.compile(r"[\s・=＝,、]+")
_DIGITS = re.compile(r"\d+")
_FORM_WORDS = re.compile(
    "株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人"
    "|医療法人社団|医療法人財団|医療法人|社会福祉法人|特定非営利活動法人|NPO法人|学校法人|宗教法人"
    r"|社団法人|財団法人|\((?:株|有|同|資|名|一社|一財|公社|公財|医|福|特非|NPO|学|宗|社|財)\)"
)
_KANA_FORM_FRONT = re.compile(
    r"^(?:カブシキガイシ[ヤャ]|ユウゲンガイシ[ヤャ]|ゴウドウガイシ[ヤャ]|[カユドイ]\)|シ[ヤャ]\))"
)
_KANA_FORM_BACK = re.compile(
    r"(?:カブシキガイシ[ヤャ]|ユウゲンガイシ[ヤャ]|ゴウドウガイシ[ヤャ]|\([カユドイ]|\(シ[ヤャ])$"
)


@dataclass(frozen=True, slots=True)
class NameParts:
    nm: str  # written-name key ("" when the name is in kana or the alphabet)
    nm_fam: str
    nm_giv: str
    kana_name: str  # reading key when the name itself is written in kana
    kana_fam: str
    kana_giv: str
    lat: str  # alphabet tokens, sorted, space-separated
    lat_cat: str  # alphabet letters in written order, no spaces
    cform: str  # canonical corporation form, "" if none
    cpos: str  # 前 / 後: where the form is written; "" if none


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _form_position(text: str) -> str:
    m = _FORM_WORDS.search("".join(_nfkc(text).upper().split()))
    if not m:
        return ""
    return "前" if m.start() == 0 else "後"


@lru_cache(maxsize=1 << 18)
def name_parts(name: str) -> NameParts:
    """Split a written name into keys: kanji, a name in kana, or one in the alphabet."""
    text = clean_text(name)
    if not text:
        return NameParts("", "", "", "", "", "", "", "", "", "")
    cform = corporation_form(text) or ""
    cpos = _form_position(text) if cform else ""
    # Kana or kanji never turn into the alphabet: most names skip the slower check.
    if not _CJK_OR_KANA.search(text) and is_latin_name(text):
        tokens = latin_tokens(text)
        cat = "".join(ch for ch in _nfkc(text).upper() if ch.isalnum() and ch.isascii())
        return NameParts("", "", "", "", "", "", " ".join(tokens), cat, cform, cpos)
    parts = text.split(" ")
    if not cform and _looks_kana(text) and (full := kana_key(text)) and _KATAKANA_ONLY.match(full):
        fam = kana_key(parts[0]) if len(parts) > 1 else ""
        giv = kana_key("".join(parts[1:])) if len(parts) > 1 else ""
        return NameParts("", "", "", full, fam, giv, "", "", cform, cpos)
    nm = name_key(text)
    fam = name_key(parts[0]) if len(parts) > 1 and not cform else ""
    giv = name_key("".join(parts[1:])) if len(parts) > 1 and not cform else ""
    return NameParts(nm, fam, giv, "", "", "", "", "", cform, cpos)


def _looks_kana(text: str) -> bool:
    """Written in kana (hiragana or katakana), not kanji: 「たかぎ たつや」, 「タカギタツヤ」."""
    return all(
        ch.isspace()
        or ch in "ー・ゝゞヽヾ"
        or "\u3040" <= ch <= "\u30ff"
        or "\uff66" <= ch <= "\uff9f"
        for ch in text
    )


@dataclass(frozen=True, slots=True)
class KanaParts:
    kn: str
    fam: str
    giv: str
    tokens: str  # sorted reading tokens (foreign names in any order)
    cpos: str  # 前 / 後 for a corporation form in the reading


@lru_cache(maxsize=1 << 18)
def kana_parts(kana: str, corporation: bool) -> KanaParts:
    text = clean_text(kana)
    if not text:
        return KanaParts("", "", "", "", "")
    if corporation:
        folded = "".join(_nfkc(text).upper().split())
        cpos = (
            "前"
            if _KANA_FORM_FRONT.search(folded)
            else ("後" if _KANA_FORM_BACK.search(folded) else "")
        )
        return KanaParts(kana_name_key(text), "", "", "", cpos)
    parts = [p for p in _SPLIT_KANA.split(text) if p]
    keys = [kana_key(p) for p in parts]
    keys = [k for k in keys if k]
    full = "".join(keys)
    fam = keys[0] if len(keys) > 1 else ""
    giv = "".join(keys[1:]) if len(keys) > 1 else ""
    return KanaParts(full, fam, giv, " ".join(sorted(keys)), "")


@lru_cache(maxsize=1 << 16)
def birth_iso(s: str) -> str:
    try:
        d = parse_date(s)
    except ValueError:
        return ""
    return d.isoformat() if d is not None else ""


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


def sex_code(s: str) -> str:
    return _SEX.get(_nfkc(s).strip().upper(), "")


@dataclass(frozen=True, slots=True)
class AddressParts:
    addr: str  # block key: 緑区平山町3-27-24
    town: str  # 緑区平山町
    room: str  # room number digits, "" if none


@lru_cache(maxsize=1 << 18)
def address_parts(address: str, building: str, postal: str) -> AddressParts:
    if not address.strip():
        return AddressParts("", "", "")
    try:
        a = normalize_address(address, building, postal)
    except ValueError:
        return AddressParts("", "", "")
    town = f"{a.ward}{a.town}"
    nums = _DIGITS.findall(_nfkc(a.building))
    room = nums[-1].lstrip("0") if nums else ""
    return AddressParts(a.key if a.block else "", town, room)


_PHONE_JUNK = re.compile(r"[\s\-‐‑‒–—―−ー─━~〜()\[\].・/]")


@lru_cache(maxsize=1 << 18)
def phone_digits(s: str) -> str:
    """National digits, or "" when unusable. Matching only needs equal numbers equal, so
    the common shapes (hyphens, brackets, full width) are read directly; anything else
    goes through `normalize_phone` (phonenumbers is exact but ~50x slower)."""
    text = _PHONE_JUNK.sub("", _nfkc(s))
    if not text:
        return ""
    if (
        text.isascii()
        and text.isdigit()
        and text[0] == "0"
        and text[1:2] != "0"
        and len(text) in (10, 11)
    ):
        return text
    try:
        return normalize_phone(s, strict=False)
    except ValueError:
        return ""


def is_mobile(digits: str) -> bool:
    return phone_kind(digits) in ("mobile", "ip")


# From this many distinct addresses on, they go to a second process: their normalization
# is mostly Python, and the machine has 2 cores.
PARALLEL_MIN = 40_000


def _apply(fn: Callable[..., Any], rows: list[tuple[Any, ...]]) -> list[Any]:
    return [fn(*row) for row in rows]


def _receive(stream: Any) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    return pickle.loads(stream.read(size))


def _serve() -> None:
    """The spare process: apply named functions (`_WHOLE_FUNCTIONS`) to what stdin sends."""
    gc.disable()  # see `without_gc`: this process only ever normalizes values
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    normalize_address("千葉市中央区")  # read Japan Post's towns while the caller groups records
    while True:
        try:
            name, payload = _receive(stdin)
        except EOFError:
            # Nothing to clean up: skip the interpreter's teardown of the caches (the
            # caller waits for this process to end).
            os._exit(0)
        data = pickle.dumps(_WHOLE_FUNCTIONS[name](payload), protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(struct.pack("<Q", len(data)))
        stdout.write(data)
        stdout.flush()


_T = TypeVar("_T")
_R = TypeVar("_R")


class _Pool:
    """One spare Python process for the normalization, started on first need.

    A plain child process speaking pickles over a pipe, not multiprocessing: spawn would
    re-import the caller's main module and fork is unsafe beside Polars' threads. If the
    child cannot be used, the work is simply done here.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.broken = False
        self.pending = False  # a batch was sent and its result not read yet

    def start(self) -> None:
        """Start the child now (it takes a moment to import and read its tables), so
        that it is ready when the first batch comes."""
        if self.proc is None and not self.broken and (os.cpu_count() or 1) >= 2:
            try:
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", "from nofu.lib.matching._features import _serve; _serve()"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                )  # fmt: skip
            except OSError:
                self.broken = True

    def usable(self, n: int) -> bool:
        return not self.broken and n >= PARALLEL_MIN and (os.cpu_count() or 1) >= 2

    def submit(self, fn: Callable[[_T], _R], payload: _T, size: int) -> Callable[[], _R]:
        """Start `fn(payload)` in the spare process while the caller does other work (`fn`
        one of `_WHOLE_FUNCTIONS`, `size` how many values the payload holds); the
        function returned waits for the result. Without a spare process (a small
        payload, one core, or it failed) the work is done when the result is asked for.
        Nothing else may use the pool in between."""
        name = _WHOLE_NAMES.get(fn)
        if name is None or not self.usable(size):
            return lambda: fn(payload)
        try:
            self.start()
            if self.proc is None:
                return lambda: fn(payload)
            assert self.proc.stdin is not None and self.proc.stdout is not None
            data = pickle.dumps((name, payload), protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PickleError, AssertionError):
            self.broken = True
            self.close()
            return lambda: fn(payload)
        stdin, stdout = self.proc.stdin, self.proc.stdout
        # Written from a thread: the child may still be starting, and the pipe holds
        # only 64 KB until it reads.
        failed: list[BaseException] = []

        def write() -> None:
            try:
                stdin.write(struct.pack("<Q", len(data)))
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError) as exc:  # ValueError: closed meanwhile
                failed.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        self.pending = True

        def wait() -> _R:
            writer.join()
            try:
                if failed:
                    raise OSError("the spare process did not take the batch") from failed[0]
                result: _R = _receive(stdout)
                self.pending = False
                return result
            except (OSError, EOFError, pickle.PickleError):
                self.broken = True
                self.close()
                return fn(payload)

        return wait

    def close(self) -> None:
        if self.proc is not None:
            proc, self.proc = self.proc, None
            if self.pending:  # abandoned (an error in the caller): nobody will read it
                proc.kill()
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _map_unique(
    df: pl.DataFrame, cols: list[str], fn: Callable[..., Any], names: list[str]
) -> pl.DataFrame:
    """Apply `fn` once per distinct combination of `cols`, returning new columns `names`."""
    uniq = df.select(cols).unique()
    values = _apply(fn, list(uniq.iter_rows()))
    data: dict[str, list[Any]] = {n: [] for n in names}
    for v in values:
        tup = v if isinstance(v, tuple) else (v,)
        for n, x in zip(names, tup, strict=True):
            data[n].append(x)
    out = uniq.hstack(
        pl.DataFrame(data, schema=dict.fromkeys(names, pl.String) if not values else None)
    )
    return df.join(out, on=cols, how="left", maintain_order="left", nulls_equal=True)


def _name_features(name: str) -> tuple[Any, ...]:
    p = name_parts(name)
    return (
        p.nm,
        p.nm_fam,
        p.nm_giv,
        p.kana_name,
        p.kana_fam,
        p.kana_giv,
        p.lat,
        p.lat_cat,
        p.cform,
        p.cpos,
    )


def _kana_features(kana: str, corp: bool) -> tuple[Any, ...]:
    k = kana_parts(kana, corp)
    return (k.kn, k.fam, k.giv, k.tokens, k.cpos)


def _address_features(a: str, b: str, p: str) -> tuple[str, str, str]:
    x = address_parts(a, b, p)
    return (x.addr, x.town, x.room)


def _address_frame(triples: pl.DataFrame) -> pl.DataFrame:
    """`_address_features` of distinct (address, building, postal_code) rows, as the
    columns addr, town and room beside them (see `address_parts`)."""
    cols = address_columns(triples)
    building = cols["building"]
    digits = building.str.normalize("NFKC").str.extract_all(r"\d+").list.last()
    room = digits.fill_null("").str.strip_chars_start("0")
    # A blank address has no place and no room (the building alone says nothing).
    address = triples["address"]
    blank = address.str.contains("^[ \u3000]*$")
    # Where Polars might read a character otherwise than Python (see `address_columns`),
    # Python decides.
    unsure = ~address.str.contains(COLUMN_SAFE) | ~building.str.contains(COLUMN_SAFE)
    if unsure.any():
        idx = unsure.arg_true()
        blank = blank.scatter(idx, [not a.strip() for a in address.gather(idx).to_list()])
        room = room.scatter(idx, [_room(b) for b in building.gather(idx).to_list()])
    frame = pl.DataFrame({"_blank": blank, "_room": room}).hstack(cols)
    return triples.hstack(
        frame.select(
            pl.when(pl.col("_blank") | (pl.col("block") == ""))
            .then(pl.lit(""))
            .otherwise(pl.col("key"))
            .alias("addr"),
            pl.when("_blank")
            .then(pl.lit(""))
            .otherwise(pl.col("ward") + pl.col("town"))
            .alias("town"),
            pl.when("_blank").then(pl.lit("")).otherwise("_room").alias("room"),
        )
    )


def _room(building: str) -> str:
    nums = _DIGITS.findall(_nfkc(building))
    return nums[-1].lstrip("0") if nums else ""


_WHOLE_FUNCTIONS: dict[str, Callable[[Any], Any]] = {"address_frame": _address_frame}
_WHOLE_NAMES: dict[Callable[..., Any], str] = {f: n for n, f in _WHOLE_FUNCTIONS.items()}


PROFILE_FIELDS: tuple[str, ...] = (
    "rno",
    "corp",
    "nm",
    "nm_fam",
    "nm_giv",
    "kn",
    "kn_fam",
    "kn_giv",
    "kn_tok",
    "kn_from_name",
    "lat",
    "lat_cat",
    "cform",
    "cpos",
    "dob",
    "sex",
    "nat",
    "addr",
    "town",
    "room",
    "ph_mobile",
    "ph_fixed",
)


def _resident_no(s: str) -> str:
    return "".join(_nfkc(s).split())


def _corporation_flag(s: str) -> str:
    return _nfkc(s).strip()


# Phone numbers written with ASCII digits, hyphens, brackets and spaces only (nearly
# all of them) are read by Polars: `phone_digits` would only strip those characters
# and check the shape. Everything else goes through `phone_digits`.
_PLAIN_PHONE = r"^[0-9()\- ]*$"
_PLAIN_JUNK = r"[()\- ]"
_NATIONAL = r"^0[1-9][0-9]{8,9}$"


def _phone_column(df: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    """`phone_digits` of `col` as column `out`, the common shapes read by Polars."""
    raw = pl.col(col)
    stripped, plain = pl.col("_s"), pl.col("_plain")
    df = (
        df.with_columns(
            raw.str.replace_all(_PLAIN_JUNK, "").alias("_s"),
            raw.str.contains(_PLAIN_PHONE).alias("_plain"),
        )
        .with_columns(
            pl.when(plain & stripped.str.contains(_NATIONAL))
            .then(stripped)
            .when(plain & (stripped == ""))
            .then(pl.lit(""))
            .otherwise(None)
            .alias(out)
        )
        .drop("_s", "_plain")
    )
    rest = df.filter(pl.col(out).is_null()).select(col).unique()
    if rest.height == 0:
        return df
    done = _map_unique(rest, [col], phone_digits, ["_pd"])
    return (
        df.join(done, on=col, how="left", maintain_order="left")
        .with_columns(pl.coalesce(out, "_pd").alias(out))
        .drop("_pd")
    )


def _is_mobile(n: pl.Expr) -> pl.Expr:
    """`is_mobile` of national digits: 050/060/070/080/090 and 11 digits, not 0800."""
    return (n.str.len_chars() == 11) & n.str.contains(r"^0[5-9]0") & ~n.str.starts_with("0800")


def _phone_kinds_frame(df: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    """`_phone_kinds` of columns a and b as ph_mobile and ph_fixed: (mobile, other)
    numbers, sorted, ;-joined. Steps are columns: an eager select would evaluate a
    repeated expression again."""
    x, y = pl.col(a), pl.col(b)
    first, second = pl.col("_first"), pl.col("_second")
    df = df.with_columns(
        pl.when(x == "")
        .then(y)
        .when(y == "")
        .then(x)
        .when(x < y)
        .then(x)
        .otherwise(y)
        .alias("_first"),
        pl.when((x == "") | (y == "") | (x == y))
        .then(pl.lit(""))
        .when(x < y)
        .then(y)
        .otherwise(x)
        .alias("_second"),
    ).with_columns(
        (first != "").alias("_has1"),
        (second != "").alias("_has2"),
        _is_mobile(first).alias("_mob1"),
        _is_mobile(second).alias("_mob2"),
        (first + ";" + second).alias("_both"),
    )
    has1, has2, mob1, mob2 = pl.col("_has1"), pl.col("_has2"), pl.col("_mob1"), pl.col("_mob2")

    def pick(k1: pl.Expr, k2: pl.Expr) -> pl.Expr:
        return (
            pl.when(k1 & k2)
            .then(pl.col("_both"))
            .when(k1)
            .then(first)
            .when(k2)
            .then(second)
            .otherwise(pl.lit(""))
        )

    return df.with_columns(
        pick(has1 & mob1, has2 & mob2).alias("ph_mobile"),
        pick(has1 & ~mob1, has2 & ~mob2).alias("ph_fixed"),
    ).drop("_first", "_second", "_has1", "_has2", "_mob1", "_mob2", "_both")


def _phone_kinds(a: str, b: str) -> tuple[str, str]:
    nums = sorted({n for n in (a, b) if n})
    return (
        ";".join(n for n in nums if is_mobile(n)),
        ";".join(n for n in nums if not is_mobile(n)),
    )


def row_features(records: pl.DataFrame) -> pl.DataFrame:
    """Normalized features, one row per record, plus `source` and `key`."""
    pool = _Pool()
    try:
        return _row_features(records, pool).select("source", "key", *PROFILE_FIELDS)
    finally:
        pool.close()


# The fields a record's features are computed from: records equal in all of them (a
# payer's installments, as a rule) have equal features.
IDENTITY_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f not in ("source", "key"))


@contextmanager
def without_gc() -> Iterator[None]:
    """Python's cycle collector off while values are normalized.

    Normalizing creates hundreds of thousands of small acyclic objects (strings, tuples,
    cached results); each collection walks every object alive, which cost a third of
    the normalization time. Reference counting still frees them; a cycle, if any, waits
    for the next collection after this block.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def record_profiles(records: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(profiles, record→profile): records with equal features share one profile.

    A profile's `anchor` is its smallest (source, key): a name that does not depend on
    the order records arrive in, used to break ties and label clusters. Features are
    computed once per distinct identity, not per record: a million installments hold
    about 300,000 distinct identities (a payer's bills repeat the same fields), so the
    features and the grouping into profiles work on those; the records are attached
    again at the end, in their input order.
    """
    pool = _Pool()
    try:
        if records.height >= PARALLEL_MIN:
            pool.start()
        # The addresses go to the spare process before the records are grouped.
        addresses = _submit_addresses(records, pool)
        rk = pl.col("source") + "\x1f" + pl.col("key")
        # Grouping by one joined string is faster than by twelve columns; it is exact
        # when no value holds the separator (else the columns are used as they are).
        fields = list(IDENTITY_FIELDS)
        joined = records.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"),
            rk.alias("_rk"),
            *fields,
            pl.concat_str(fields, separator="\x1f").alias("_id"),
        )
        exact = bool(
            (joined["_id"].str.count_matches("\x1f", literal=True) == len(fields) - 1).all()
        )
        by = ["_id"] if exact else fields
        ident = (
            joined.group_by(by)
            .agg(
                pl.col("_rk").min(),
                pl.col("_r"),
                *([pl.col(f).first() for f in fields] if exact else []),
            )
            .drop("_id", strict=False)
            .with_row_index("_g")
        )
        with without_gc():
            feats = _row_features(ident, pool, addresses).select("_g", "_rk", *PROFILE_FIELDS)
    finally:
        pool.close()
    members = ident.select("_g", pl.col("_r").list.len().alias("_n"))
    feats = feats.join(members, on="_g")
    profiles = (
        feats.group_by(list(PROFILE_FIELDS))
        .agg(
            pl.col("_rk").min().alias("anchor"),
            pl.col("_n").sum().cast(pl.UInt32).alias("n_rows"),
            pl.col("_g"),
        )
        .sort("anchor")
        .with_row_index("pid")
        .with_columns(pl.col("pid").cast(pl.Int64))
    )
    pid_of = profiles.select("pid", "_g").explode("_g")
    mapping = (
        ident.select("_g", "_r")
        .explode("_r")
        .join(pid_of, on="_g")
        .sort("_r")
        .select(records["source"], records["key"], "pid")
    )
    return profiles.drop("_g"), mapping


# --- whole columns at once ----------------------------------------------------------
#
# Most names and readings are plain: kanji (or kana) with at most one space between the
# family and the given name. For those the Python functions above reduce to folding
# characters one for one, which Polars does for a whole column at once; every other
# value still goes through them. What makes the shortcut exact is said beside each
# pattern, and the tests compare both ways on every shape the generator writes.

# CJK unified ideographs only: NFC, NFKC and upper() leave them alone, they hold no
# kana, no alphabet and no 々 or 〓, and `fold_variants` maps them into the same block.
_KANJI = "\u4e00-\u9fff"
_PLAIN_NAME = f"^[{_KANJI}]+(?:[ \u3000][{_KANJI}]+)?$"
# Hiragana and katakana that `kana_key` folds one character for one (no ゔ/ヴ, no
# iteration marks, no separate voicing marks, no half-width forms); ー not first.
_KANA = "\u3041-\u3093\u3095\u3096\u30a1-\u30f3\u30f5\u30f6"
_KANA_PART = f"[{_KANA}][{_KANA}ー]*"
_PLAIN_KANA = f"^{_KANA_PART}(?:[ \u3000]{_KANA_PART})?$"
_FIRST_PART = "^([^ \u3000]+)"
_SECOND_PART = "[ \u3000](.+)$"
_CORPORATION_WORDS = list(CORPORATION_WORDS)
_RESIDENT_PLAIN = "^[0-9A-Za-z]*$"  # NFKC leaves it alone and it has no spaces


def _fold(expr: pl.Expr, table: Mapping[str, str]) -> pl.Expr:
    return expr.str.replace_many(list(table), list(table.values()))


def _split_parts() -> tuple[pl.Expr, pl.Expr]:
    return pl.col("_v").str.extract(_FIRST_PART, 1), pl.col("_v").str.extract(_SECOND_PART, 1)


def _name_columns(values: pl.Series) -> pl.DataFrame:
    """`_name_features` of distinct names, as columns `name` + NAME_COLUMNS.

    A plain kanji name gives its written key (異体字 folded, space dropped) and the two
    parts' keys; nothing else (no reading, no alphabet, no corporation form — a name
    holding a form's word, before or after folding, is left to `name_parts`).
    """
    first, second = _split_parts()
    # Folding is one character for one: the whole name's fold is its parts' folds.
    df = (
        values.to_frame("_v")
        .filter(pl.col("_v").str.contains(_PLAIN_NAME))
        .with_columns(
            first.alias("_p1"),
            second.fill_null("").alias("_p2"),
            _fold(first, VARIANT_FOLDS).alias("_f1"),
            _fold(second, VARIANT_FOLDS).fill_null("").alias("_f2"),
        )
    )
    whole, folded = pl.col("_p1") + pl.col("_p2"), pl.col("_f1") + pl.col("_f2")
    df = df.filter(
        ~whole.str.contains_any(_CORPORATION_WORDS) & ~folded.str.contains_any(_CORPORATION_WORDS)
    )
    two = pl.col("_p2") != ""
    blank = pl.lit("", dtype=pl.String)
    plain = df.select(
        pl.col("_v").alias("name"),
        folded.alias("nm"),
        pl.when(two).then("_f1").otherwise(blank).alias("nm_fam"),
        pl.when(two).then("_f2").otherwise(blank).alias("nm_giv"),
        *[blank.alias(c) for c in NAME_COLUMNS[3:]],
    )
    rest = values.filter(~values.is_in(plain["name"].implode())).to_list()
    return pl.concat([plain, _python_columns("name", rest, _name_features, NAME_COLUMNS)])


# Half-width katakana ("ｶﾞ" one unit): `kana_parts` widens, composes and folds each unit
# on its own, so a reading's key is its units' keys (taken from `kana_parts` itself) one
# after the other. Left out: ｳﾞ (ヴ folds with the kana after it), a voicing mark after a
# kana that takes none, and ｰ first (a leading ー is dropped).
_VOICED, _SEMI = "\uff76-\uff84\uff8a-\uff8e", "\uff8a-\uff8e"
_HALF_UNIT = f"(?:[{_VOICED}]\uff9e|[{_SEMI}]\uff9f|[\uff66-\uff9d])"
_HALF_FIRST = f"(?:[{_VOICED}]\uff9e|[{_SEMI}]\uff9f|[\uff66-\uff6f\uff71-\uff9d])"
_HALF_PART = f"{_HALF_FIRST}{_HALF_UNIT}*"
_PLAIN_HALF_KANA = f"^{_HALF_PART}(?:[ \u3000]{_HALF_PART})?$"


def _half_kana_units() -> tuple[dict[str, str], dict[str, str]]:
    """(two-character units, single characters) → their keys, as `kana_parts` gives."""

    def key(unit: str) -> str:
        return kana_parts("\uff71" + unit, False).kn[1:]  # after ｱ: a ｰ is not leading

    singles = {chr(c): key(chr(c)) for c in range(0xFF66, 0xFF9E)}
    pairs = {
        chr(c) + mark: key(chr(c) + mark)
        for lo, hi, mark in (
            (0xFF76, 0xFF84, "\uff9e"),
            (0xFF8A, 0xFF8E, "\uff9e"),
            (0xFF8A, 0xFF8E, "\uff9f"),
        )
        for c in range(lo, hi + 1)
    }
    return pairs, singles


def _fold_half_kana(expr: pl.Expr) -> pl.Expr:
    # Units of two characters first: Polars' replace_many would take ｶ before ｶﾞ.
    pairs, singles = _HALF_KANA_UNITS
    return _fold(_fold(expr, pairs), singles)


def _kana_columns(pairs: pl.DataFrame) -> pl.DataFrame:
    """`_kana_features` of distinct (kana, corp), as columns `kana`, `corp` + KANA_COLUMNS.

    A person's plain reading gives each part's key (kana folded one for one) and their
    sorted tokens; a corporation's reading, or any other, goes through `kana_parts`.
    """
    first, second = _split_parts()
    # The parts' keys are columns first: an eager select evaluates a repeated expression
    # again each time.
    k1, k2 = pl.col("_k1"), pl.col("_k2")
    two = k2.is_not_null()
    blank = pl.lit("", dtype=pl.String)
    out = [
        pl.col("_v").alias("kana"),
        pl.col("corp"),
        (k1 + k2.fill_null("")).alias("_kn"),
        pl.when(two).then(k1).otherwise(blank).alias("_kn_fam"),
        pl.when(two).then(k2).otherwise(blank).alias("_kn_giv"),
        pl.when(~two)
        .then(k1)
        .when(k1 <= k2)
        .then(k1 + " " + k2)
        .otherwise(k2 + " " + k1)
        .alias("kn_tok"),
        blank.alias("_cpos_kana"),
    ]
    person = ~pl.col("corp")
    df = pairs.rename({"kana": "_v"}).with_columns(
        (person & pl.col("_v").str.contains(_PLAIN_KANA)).alias("_full"),
        (person & pl.col("_v").str.contains(_PLAIN_HALF_KANA)).alias("_half"),
    )
    full = (
        df.filter("_full")
        .with_columns(_fold(first, KANA_FOLDS).alias("_k1"), _fold(second, KANA_FOLDS).alias("_k2"))
        .select(out)
    )
    half = (
        df.filter("_half")
        .with_columns(_fold_half_kana(first).alias("_k1"), _fold_half_kana(second).alias("_k2"))
        .select(out)
    )
    df = df.with_columns((pl.col("_full") | pl.col("_half")).alias("_plain"))
    rest = df.filter(~pl.col("_plain")).select("_v", "corp")
    done = _python_columns(
        "kana", list(rest.iter_rows()), _kana_features, KANA_COLUMNS, extra={"corp": pl.Boolean}
    )
    return pl.concat([full, half, done])


# Western dates written with ASCII digits only (most of them): `parse_date` reads them as
# they are, so an ISO date that exists, in its range of years, is the answer.
_ISO_LIKE = "^(?:[0-9]{4}/[0-9]{2}/[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8})$"


def _birth_dates(df: pl.DataFrame) -> pl.DataFrame:
    """`birth_iso` of the column birth_date as dob; other shapes through `birth_iso`."""
    raw = pl.col("birth_date")
    digits = raw.str.replace_all("[-/]", "")
    iso = digits.str.slice(0, 4) + "-" + digits.str.slice(4, 2) + "-" + digits.str.slice(6, 2)
    year = digits.str.slice(0, 4).cast(pl.Int32, strict=False)
    valid = iso.str.to_date("%Y-%m-%d", strict=False).is_not_null() & year.is_between(
        MIN_YEAR, MAX_YEAR
    )
    values = df.select("birth_date").unique()
    shaped = values.select(raw.str.contains(_ISO_LIKE).alias("_iso"))["_iso"]
    fast = values.filter(shaped).select(
        "birth_date", pl.when(valid).then(iso).otherwise(pl.lit("")).alias("dob")
    )
    slow = _map_unique(values.filter(~shaped), ["birth_date"], birth_iso, ["dob"])
    return df.join(pl.concat([fast, slow]), on="birth_date", how="left", maintain_order="left")


def _python_columns(
    key: str,
    rows: list[Any],
    fn: Callable[..., tuple[Any, ...]],
    names: tuple[str, ...],
    extra: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """`fn` of each row (a value, or a tuple of `key` and the `extra` columns) as a frame."""
    extra = extra or {}
    args = rows if extra else [(r,) for r in rows]
    values = _apply(fn, args)
    cols: dict[str, list[Any]] = {key: [a[0] for a in args]}
    for i, c in enumerate(extra):
        cols[c] = [a[i + 1] for a in args]
    for i, n in enumerate(names):
        cols[n] = [v[i] for v in values]
    schema = {key: pl.String, **extra, **dict.fromkeys(names, pl.String)}
    return pl.DataFrame(cols, schema=schema)


NAME_COLUMNS: tuple[str, ...] = (
    "nm",
    "nm_fam",
    "nm_giv",
    "_kname",
    "_kfam",
    "_kgiv",
    "lat",
    "lat_cat",
    "cform",
    "_cpos_name",
)
KANA_COLUMNS: tuple[str, ...] = ("_kn", "_kn_fam", "_kn_giv", "kn_tok", "_cpos_kana")
_ADDRESS_COLUMNS = ["address", "building", "postal_code"]


def _submit_addresses(records: pl.DataFrame, pool: _Pool) -> Callable[[], pl.DataFrame]:
    """Addresses (the largest share of the work in Python) go to the spare process; the
    function returned waits for their features."""
    addr_uniq = records.select(_ADDRESS_COLUMNS).unique()
    return pool.submit(_address_frame, addr_uniq, addr_uniq.height)


def _row_features(
    records: pl.DataFrame,
    pool: _Pool,
    addresses: Callable[[], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    # Everything but the addresses is done here while the spare process reads those.
    if addresses is None:
        addresses = _submit_addresses(records, pool)

    rno = pl.col("resident_no")
    df = records.with_columns(
        pl.when(rno.str.contains(_RESIDENT_PLAIN)).then(rno).otherwise(None).alias("rno")
    )
    odd = df.filter(pl.col("rno").is_null()).select("resident_no").unique()
    if odd.height:
        done = _map_unique(odd, ["resident_no"], _resident_no, ["_rno"])
        df = (
            df.join(done, on="resident_no", how="left", maintain_order="left")
            .with_columns(pl.coalesce("rno", "_rno").alias("rno"))
            .drop("_rno")
        )
    df = df.join(_name_columns(df["name"].unique()), on="name", how="left", maintain_order="left")
    df = _map_unique(df, ["corporation"], _corporation_flag, ["_flag"])
    flag = pl.col("_flag")
    df = df.with_columns(
        pl.when(flag == "法人")
        .then(True)
        .when(flag == "個人")
        .then(False)
        .otherwise(pl.col("cform") != "")
        .alias("corp")
    )
    df = df.join(
        _kana_columns(df.select("kana", "corp").unique()),
        on=["kana", "corp"],
        how="left",
        maintain_order="left",
    )
    has_kana = pl.col("_kn") != ""
    df = df.with_columns(
        pl.when(has_kana).then("_kn").otherwise("_kname").alias("kn"),
        pl.when(has_kana).then("_kn_fam").otherwise("_kfam").alias("kn_fam"),
        pl.when(has_kana).then("_kn_giv").otherwise("_kgiv").alias("kn_giv"),
        (~has_kana & (pl.col("_kname") != "")).alias("kn_from_name"),
        pl.when(pl.col("_cpos_name") != "")
        .then("_cpos_name")
        .otherwise("_cpos_kana")
        .alias("cpos"),
    )
    df = _birth_dates(df)
    df = _map_unique(df, ["sex"], sex_code, ["sex_n"])
    df = _map_unique(df, ["nationality"], clean_text, ["nat"])
    df = _phone_column(df, "phone1", "_p1")
    df = _phone_column(df, "phone2", "_p2")
    df = _phone_kinds_frame(df, "_p1", "_p2")
    df = df.join(
        addresses(), on=_ADDRESS_COLUMNS, how="left", maintain_order="left", nulls_equal=True
    )
    df = df.with_columns(
        # A corporation has no birth date or sex; a stray value must not split it.
        pl.when(pl.col("corp")).then(pl.lit("")).otherwise("dob").alias("dob"),
        pl.when(pl.col("corp")).then(pl.lit("")).otherwise("sex_n").alias("sex"),
    )
    return df


_HALF_KANA_UNITS = _half_kana_units()
