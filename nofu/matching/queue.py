"""The review queue: pairs of payers the engine was not sure about, one row per pair.

A pair already decided (same, different, or closed) is never asked again; a pair still
open keeps its best record pair and score up to date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nofu.matching.models import OPEN_STATUSES, MatchDecision, ReviewPair

RecordKey = tuple[str, str]


@dataclass(frozen=True)
class Candidate:
    payer_l: int | None
    payer_r: int | None
    record_l: RecordKey
    record_r: RecordKey
    weight: float
    probability: float
    reasons: str


def _decided(a: RecordKey, b: RecordKey) -> bool:
    lo, hi = (a, b) if a <= b else (b, a)
    return MatchDecision.objects.filter(
        a_source=lo[0], a_key=lo[1], b_source=hi[0], b_key=hi[1]
    ).exists()


def review_enqueue(candidates: Iterable[Candidate]) -> int:
    """Adds (or refreshes) review pairs; returns how many were added."""
    best: dict[tuple[int, int], Candidate] = {}
    for c in candidates:
        if c.payer_l is None or c.payer_r is None or c.payer_l == c.payer_r:
            continue
        pair = (min(c.payer_l, c.payer_r), max(c.payer_l, c.payer_r))
        if pair not in best or c.weight > best[pair].weight:
            best[pair] = c
    added = 0
    for (a, b), c in best.items():
        if c.payer_l == a:
            rec_a, rec_b = c.record_l, c.record_r
        else:
            rec_a, rec_b = c.record_r, c.record_l
        existing = ReviewPair.objects.filter(payer_a_id=a, payer_b_id=b).first()
        if existing is not None:
            if existing.status in OPEN_STATUSES and c.weight > existing.weight:
                existing.a_source, existing.a_key = rec_a
                existing.b_source, existing.b_key = rec_b
                existing.weight, existing.probability = c.weight, c.probability
                existing.reasons = c.reasons
                existing.save()
            continue
        if _decided(rec_a, rec_b):
            continue
        ReviewPair.objects.create(
            payer_a_id=a,
            payer_b_id=b,
            a_source=rec_a[0],
            a_key=rec_a[1],
            b_source=rec_b[0],
            b_key=rec_b[1],
            weight=c.weight,
            probability=c.probability,
            reasons=c.reasons,
        )
        added += 1
    return added
