"""Writes of the review screen: one typed function per action, one transaction, audited.
Merges and splits themselves are `nofu.payers.actions.payer_merge` / `payer_split`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nofu.audit.actions import audit_record
from nofu.matching.models import OPEN_STATUSES, DecisionOrigin, ReviewPair, ReviewStatus
from nofu.payers.actions import decision_remember, payer_merge

VERDICTS = {
    "same": ReviewStatus.SAME,
    "different": ReviewStatus.DIFFERENT,
    "later": ReviewStatus.LATER,
}


def review_decide(
    *, actor: Any, review: ReviewPair, verdict: str, reason: str, request: Any = None
) -> ReviewPair:
    """同一人 merges the two payers (the older one is kept), 別人 keeps them apart for
    good, 保留 leaves the pair in the queue after the others. Remembered and audited."""
    if verdict not in VERDICTS:
        raise ValidationError("「同一人」「別人」「保留」のいずれかを選んでください。")
    reason = (reason or "").strip()
    if verdict != "later" and not reason:
        raise ValidationError("判断の理由を入力してください。")
    with transaction.atomic():
        r = (
            ReviewPair.objects.select_for_update()
            .select_related("payer_a", "payer_b")
            .get(pk=review.pk)
        )
        if r.status not in OPEN_STATUSES:
            raise ValidationError(
                f"この組は既に判断済みです（{r.get_status_display()}）。二重に記録はしません。"
            )
        rec_a, rec_b = (r.a_source, r.a_key), (r.b_source, r.b_key)
        if verdict == "same":
            payer_merge(
                actor=actor, keep=r.payer_a, other=r.payer_b, reason=reason, request=request,
                detail={"review": r.pk},
            )  # fmt: skip
            decision_remember(
                actor=actor, pairs=[(rec_a, rec_b)], same=True, origin=DecisionOrigin.REVIEW,
                reason=reason, review=r,
            )  # fmt: skip
        elif verdict == "different":
            decision_remember(
                actor=actor, pairs=[(rec_a, rec_b)], same=False, origin=DecisionOrigin.REVIEW,
                reason=reason, review=r,
            )  # fmt: skip
        r.refresh_from_db()
        r.status = VERDICTS[verdict]
        r.reason = reason or "保留"
        r.decided_by = actor if getattr(actor, "pk", None) else None
        r.decided_at = timezone.now()
        r.save()
        label = {"same": "同一人（統合）", "different": "別人", "later": "保留"}[verdict]
        audit_record(
            actor=actor,
            action="match.review",
            target_type="review_pair",
            target_id=r.pk,
            summary=(
                f"名寄せ確認: {r.payer_a.payer_no} と {r.payer_b.payer_no} は「{label}」"
                f"（{r.a_source}:{r.a_key} / {r.b_source}:{r.b_key}、スコア {r.weight:.1f}）"
            ),
            reason=reason,
            detail={"verdict": verdict, "payer_a": r.payer_a_id, "payer_b": r.payer_b_id},
            request=request,
        )
    return r
