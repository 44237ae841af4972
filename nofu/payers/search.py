"""Finding a payer from what an operator has at hand: a name, a reading, a phone number,
a 宛名番号 or an address, written any width or spacing.

Each kind of query is one indexed prefix lookup on a key normalized at import time, so
the answer comes back fast on a full city's data (see bench/payer_search.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from nofu.lib import address as addr
from nofu.lib import japanese
from nofu.payers.models import Address, Installment, Payer, Phone

LIMIT = 50
_DIGITS_JUNK = re.compile(r"[\s\-‐‑–—―−ー－()（）+]")
_KANA = re.compile(r"^[\u3041-\u309F\u30A0-\u30FF\uFF65-\uFF9F\s　・]+$")
_ADDRESS_HINT = re.compile(r"[0-9０-９一二三四五六七八九十]|丁目|番地|区|町")


@dataclass
class SearchResult:
    payers: list[Payer]
    kind: str  # what the query was taken as, shown to the user
    truncated: bool


def _digits(q: str) -> str:
    return _DIGITS_JUNK.sub("", unicodedata.normalize("NFKC", q))


def _take(qs: QuerySet[Payer]) -> tuple[list[Payer], bool]:
    # a payer merged into another is left without installments: not a search result
    qs = qs.filter(Exists(Installment.objects.filter(payer_id=OuterRef("pk"))))
    rows = list(qs.order_by("-total_unpaid", "id")[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def payers_search(q: str) -> SearchResult:
    q = q.strip()
    if not q:
        return SearchResult([], "", False)
    digits = _digits(q)
    if digits.isdigit():
        if digits.startswith("0") and len(digits) >= 4:
            if len(digits) >= 10:
                ids = Phone.objects.filter(number=digits).values("payer_id")
            else:
                ids = Phone.objects.filter(number__startswith=digits).values("payer_id")
            by_phone = Payer.objects.filter(id__in=ids)
        else:
            by_phone = Payer.objects.none()
        by_resident = Payer.objects.filter(
            id__in=Installment.objects.filter(resident_no=digits).values("payer_id")
        )
        payers, more = _take(by_phone | by_resident)
        return SearchResult(payers, "電話番号・宛名番号", more)
    if _KANA.match(q):
        key = japanese.kana_name_key(q)
        payers, more = _take(Payer.objects.filter(kana_key__startswith=key))
        return SearchResult(payers, "カナ氏名", more)
    key = japanese.name_key(q)
    payers, more = _take(Payer.objects.filter(name_key__startswith=key))
    if payers or not _ADDRESS_HINT.search(q):
        return SearchResult(payers, "氏名", more)
    akey = addr.normalize_address(q).key
    ids = Address.objects.filter(key__startswith=akey).values("payer_id")
    payers, more = _take(Payer.objects.filter(id__in=ids))
    if not payers:
        ids = Address.objects.filter(key__contains=akey).values("payer_id")
        payers, more = _take(Payer.objects.filter(id__in=ids))
    return SearchResult(payers, "住所", more)
