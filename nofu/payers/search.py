"""Finding a payer from what an operator has at hand: a name, a reading, a phone number,
a 宛名番号 or an address, written any width or spacing.

Each kind of query is an indexed lookup on a key normalized at import time, ranked by
total unpaid from the index where it can be, so the answer comes back fast on a full
city's data (see bench/payer_search.py and docs/benchmarks.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import StrIndex

from nofu.lib import address as addr
from nofu.lib import japanese
from nofu.payers.models import Address, Installment, Payer, Phone

LIMIT = 50
# an address or phone prefix matching more rows than this (「中央区」 alone: 62,000
# addresses) is listed in key order instead of ranked: ranking reads every match
# (~3 µs each), and such a query is a step towards a narrower one, not an answer
BROAD = 5_000
# an address fragment shorter than this is not looked for inside addresses: 「1丁目」 or
# 「区」 would match much of the city (and a trigram index needs three characters)
CONTAINS_MIN = 3
_DIGITS_JUNK = re.compile(r"[\s\-‐‑–—―−ー－()（）+]")
_KANA = re.compile(r"^[\u3041-\u309F\u30A0-\u30FF\uFF65-\uFF9F\s　・]+$")
_ADDRESS_HINT = re.compile(r"[0-9０-９一二三四五六七八九十]|丁目|番地|区|町")
# above every character a normalized key holds: key ≤ k < key + _AFTER for all k that
# start with key, in a binary (code point) comparison
_AFTER = "\U0010ffff"

# A merged-away payer is left without installments and is not a search result. Money
# unpaid means installments (the total is their sum, refreshed by import, merge and
# split), so only payers at zero are looked up in the installments.
_LISTED = Q(total_unpaid__gt=0) | Exists(Installment.objects.filter(payer_id=OuterRef("pk")))


@dataclass
class SearchResult:
    payers: list[Payer]
    kind: str  # what the query was taken as, shown to the user
    truncated: bool
    broad: bool = False  # too many matches to rank: listed in address / number order


def _digits(q: str) -> str:
    return _DIGITS_JUNK.sub("", unicodedata.normalize("NFKC", q))


def _starts_with(field: str, key: str) -> Q:
    """`field` starts with `key`, in a form each database answers from an index."""
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores ASCII case, so it never becomes an index range; the
        # column's BINARY collation orders by code point, where a key range is exact
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + _AFTER})
    # PostgreSQL: LIKE 'key%' uses the varchar_pattern_ops index; a range would be
    # wrong under a linguistic collation
    return Q(**{f"{field}__startswith": key})


def _ranked(*sources: QuerySet[Payer]) -> tuple[list[Payer], bool]:
    """The payers of all sources, highest total unpaid first, at most LIMIT of them.

    Each source is ranked on its own (an index each) and the short lists merged: the
    first LIMIT of a union are among the first LIMIT of its parts.
    """
    totals: dict[int, int] = {}
    for qs in sources:
        top = qs.filter(_LISTED).order_by("-total_unpaid", "id")
        totals.update(top.values_list("id", "total_unpaid")[: LIMIT + 1])
    ids = sorted(totals, key=lambda pk: (-totals[pk], pk))
    rows = Payer.objects.in_bulk(ids[:LIMIT])
    return [rows[pk] for pk in ids[:LIMIT] if pk in rows], len(ids) > LIMIT


def _is_broad(rows: QuerySet) -> bool:
    """More than BROAD rows match: counted from the index, at most BROAD + 1 of them."""
    return rows[: BROAD + 1].count() > BROAD


def _in_key_order(rows: QuerySet, key: str) -> list[Payer]:
    """The first LIMIT payers of the matching rows in the order of `key` (the index's)."""
    ordered = rows.order_by(key, "payer_id").values_list("payer_id", flat=True)[: LIMIT * 4]
    ids = list(dict.fromkeys(ordered))  # a payer once, at their first row
    listed = Payer.objects.filter(_LISTED).in_bulk(ids)
    return [listed[pk] for pk in ids if pk in listed][:LIMIT]


def _by_address(q: str) -> tuple[list[Payer], bool, bool]:
    """(payers, more than shown, too many to rank)."""
    key = addr.normalize_address(q).key
    if not key:
        return [], False, False
    matching = Address.objects.filter(_starts_with("key", key))
    if _is_broad(matching):
        return _in_key_order(matching, "key"), True, True
    payers, more = _ranked(Payer.objects.filter(id__in=matching.values("payer_id")))
    if payers or len(key) < CONTAINS_MIN:
        return payers, more, False
    # an address in part (「本郷6」 for 花見川区幕張本郷6-…), or a town of two wards written
    # without its ward: PostgreSQL answers LIKE '%key%' from a trigram index; SQLite scans
    # the (key, payer) index with instr (a byte search, case-sensitive like PostgreSQL's
    # LIKE, 14 ms for 190,000 addresses where LIKE takes 18; see docs/benchmarks.md)
    if connection.vendor == "sqlite":
        inside = Address.objects.annotate(at=StrIndex("key", Value(key))).filter(at__gt=0)
    else:
        inside = Address.objects.filter(key__contains=key)
    return (*_ranked(Payer.objects.filter(id__in=inside.values("payer_id"))), False)


def _printable(q: str) -> str:
    """Control characters (NUL among them, which PostgreSQL refuses) become spaces."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in q)


def payers_search(q: str) -> SearchResult:
    q = _printable(q).strip()
    if not q:
        return SearchResult([], "", False)
    digits = _digits(q)
    if digits.isdigit():
        by_resident = Payer.objects.filter(
            id__in=Installment.objects.filter(resident_no=digits).values("payer_id")
        )
        if digits.startswith("0") and len(digits) >= 4:
            if len(digits) >= 10:
                phones = Phone.objects.filter(number=digits)
            else:
                phones = Phone.objects.filter(_starts_with("number", digits))
                if _is_broad(phones):  # 「0434」: a third of the city's phones
                    exact, _ = _ranked(by_resident)
                    rest = [p for p in _in_key_order(phones, "number") if p not in exact]
                    payers = (exact + rest)[:LIMIT]
                    return SearchResult(payers, "電話番号・宛名番号", True, broad=True)
            # two short ranked lists merged, not one query with OR: PostgreSQL cannot
            # use an index for `id IN (…) OR id IN (…)` and read every payer
            ids = phones.values("payer_id")
            payers, more = _ranked(Payer.objects.filter(id__in=ids), by_resident)
        else:
            payers, more = _ranked(by_resident)
        return SearchResult(payers, "電話番号・宛名番号", more)
    if _KANA.match(q):
        key = japanese.kana_name_key(q)
        # 「・」 or a company form alone leaves no key: listing every payer helps nobody
        payers, more = (
            _ranked(Payer.objects.filter(_starts_with("kana_key", key))) if key else ([], False)
        )
        return SearchResult(payers, "カナ氏名", more)
    key = japanese.name_key(q)
    payers, more = (
        _ranked(Payer.objects.filter(_starts_with("name_key", key))) if key else ([], False)
    )
    if payers or not _ADDRESS_HINT.search(q):
        return SearchResult(payers, "氏名", more)
    payers, more, broad = _by_address(q)
    return SearchResult(payers, "住所", more, broad=broad)
