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


CHUNK = 500  # ids or keys per IN list


def _decided(pairs: list[tuple[RecordKey, RecordKey]]) -> set[tuple[RecordKey, RecordKey]]:
    """Of these record pairs (lo, hi), those a person has decided."""
    found: set[tuple[RecordKey, RecordKey]] = set()
    wanted = set(pairs)
    keys = sorted({lo[1] for lo, _ in pairs})
    for i in range(0, len(keys), CHUNK):
        rows = MatchDecision.objects.filter(a_key__in=keys[i : i + CHUNK]).values_list(
            "a_source", "a_key", "b_source", "b_key"
        )
        found.update(((a_s, a_k), (b_s, b_k)) for a_s, a_k, b_s, b_k in rows)
    return found & wanted


def _existing(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], ReviewPair]:
    wanted = set(pairs)
    out: dict[tuple[int, int], ReviewPair] = {}
    firsts = sorted({a for a, _ in pairs})
    for i in range(0, len(firsts), CHUNK):
        for rp in ReviewPair.objects.filter(payer_a_id__in=firsts[i : i + CHUNK]):
            if (rp.payer_a_id, rp.payer_b_id) in wanted:
                out[(rp.payer_a_id, rp.payer_b_id)] = rp
    return out


def review_enqueue(candidates: Iterable[Candidate]) -> int:
    """Adds (or refreshes) review pairs; returns how many were added. A few statements
    for the lot, not three per pair (an import of a million rows has thousands)."""
    best: dict[tuple[int, int], Candidate] = {}
    for c in candidates:
        if c.payer_l is None or c.payer_r is None or c.payer_l == c.payer_r:
            continue
        pair = (min(c.payer_l, c.payer_r), max(c.payer_l, c.payer_r))
        if pair not in best or c.weight > best[pair].weight:
            best[pair] = c
    if not best:
        return 0
    existing = _existing(list(best))
    ends: dict[tuple[int, int], tuple[RecordKey, RecordKey]] = {}
    for (a, b), c in best.items():
        ends[(a, b)] = (c.record_l, c.record_r) if c.payer_l == a else (c.record_r, c.record_l)
    fresh = [pair for pair in best if pair not in existing]
    decided = _decided([(min(ends[p]), max(ends[p])) for p in fresh])
    added: list[ReviewPair] = []
    for (a, b), c in best.items():
        rec_a, rec_b = ends[(a, b)]
        old = existing.get((a, b))
        if old is not None:
            if old.status in OPEN_STATUSES and c.weight > old.weight:
                old.a_source, old.a_key = rec_a
                old.b_source, old.b_key = rec_b
                old.weight, old.probability = c.weight, c.probability
                old.reasons = c.reasons
                old.save()
            continue
        if (min(rec_a, rec_b), max(rec_a, rec_b)) in decided:
            continue
        added.append(
            ReviewPair(
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
        )
    ReviewPair.objects.bulk_create(added, batch_size=CHUNK)
    return len(added)
