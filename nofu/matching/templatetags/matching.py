"""The payer page's 「名寄せの根拠」: why these records are one payer, and its history."""

from __future__ import annotations

from typing import Any

import polars as pl
from django import template
from django.db.models import Q

from nofu.accounts.access import can
from nofu.lib.matching import MatchError, match_records
from nofu.matching import engine
from nofu.matching.models import OPEN_STATUSES, PayerChange, PayerChangeKind, ReviewPair
from nofu.matching.views import reason_items
from nofu.payers.models import Installment, Payer

register = template.Library()

MAX_EXPLAINED = 300  # installments; beyond this the page does not recompute links


def _links(payer: Payer) -> tuple[list[dict[str, Any]], str]:
    rows = list(Installment.objects.filter(payer=payer).values(*engine.RECORD_COLUMNS))
    if len(rows) < 2:
        return [], ""
    if len(rows) > MAX_EXPLAINED:
        return [], f"期別が{len(rows)}件あるため、リンクの表示は省略しています。"
    model = engine.model_for_display()
    if model is None:
        return [], "名寄せエンジンの状態がまだありません（次の取込で作られます）。"
    frame = pl.DataFrame(
        [{**r, "birth_date": r["birth_date"].isoformat() if r["birth_date"] else ""} for r in rows],
        schema={c: pl.String for c in engine.RECORD_COLUMNS} | {"corporation": pl.Boolean},
    )
    try:
        result = match_records(engine.records_frame(frame), model=model)
    except MatchError as exc:
        return [], str(exc)
    links = result.links.sort("weight", descending=True).to_dicts()
    for link in links:
        link["items"] = reason_items(link["reasons"])
    return links, ""


@register.inclusion_tag("matching/_basis.html", takes_context=True)
def matching_basis(context: dict[str, Any], payer: Payer) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    links, note = _links(payer)
    numbers: dict[str, int] = {}
    for n in Installment.objects.filter(payer=payer).values_list("resident_no", flat=True):
        if n:
            numbers[n] = numbers.get(n, 0) + 1
    changes = list(
        PayerChange.objects.filter(Q(payer=payer) | Q(other=payer))
        .select_related("payer", "other", "actor")
        .order_by("-at")[:20]
    )
    merged_into = next(
        (c for c in changes if c.kind == PayerChangeKind.MERGE and c.other_id == payer.pk), None
    )
    reviews = list(
        ReviewPair.objects.filter(Q(payer_a=payer) | Q(payer_b=payer), status__in=OPEN_STATUSES)
        .select_related("payer_a", "payer_b")
        .order_by("-weight")[:10]
    )
    return {
        "payer": payer,
        "links": links,
        "note": note,
        "numbers": sorted(numbers.items()),
        "changes": changes,
        "merged_into": merged_into,
        "reviews": reviews,
        "may_review": can(user, "match.review") if user is not None else False,
    }
