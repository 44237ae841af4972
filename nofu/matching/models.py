"""The database side of 名寄せ: the review queue, remembered decisions, merge/split history,
and where the engine's saved state is.

Record keys are (抽出元, 債権番号): a decision is about two city rows, not about two payer
ids, so it survives merges and splits and is handed to the engine on every later import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewStatus(models.TextChoices):
    OPEN = "open", "未判断"
    LATER = "later", "保留"
    SAME = "same", "同一人（統合）"
    DIFFERENT = "different", "別人"
    CLOSED = "closed", "解消済み"  # the two payers became one some other way


OPEN_STATUSES = (ReviewStatus.OPEN, ReviewStatus.LATER)


class ReviewPair(models.Model):
    """Two payers that may be one person: the engine was not sure. One row per payer pair
    (payer_a < payer_b), whatever its status, so a decided pair is never asked again."""

    payer_a = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    payer_b = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    # the best pair of records, a on payer_a's side, b on payer_b's
    a_source = models.CharField("抽出元A", max_length=20)
    a_key = models.CharField("債権番号A", max_length=50)
    b_source = models.CharField("抽出元B", max_length=20)
    b_key = models.CharField("債権番号B", max_length=50)
    weight = models.FloatField("スコア")  # match weight in bits
    probability = models.FloatField("確率")
    reasons = models.TextField("根拠")
    status = models.CharField(
        "状況", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    reason = models.TextField("判断理由", blank=True)

    class Meta:
        verbose_name = "名寄せ確認"
        verbose_name_plural = "名寄せ確認"
        constraints = [
            models.UniqueConstraint(fields=["payer_a", "payer_b"], name="review_pair_once"),
            models.CheckConstraint(
                condition=models.Q(payer_a__lt=models.F("payer_b")), name="review_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-weight"], name="review_queue")]

    def __str__(self) -> str:
        return f"{self.a_source}:{self.a_key} / {self.b_source}:{self.b_key}"


class DecisionOrigin(models.TextChoices):
    REVIEW = "review", "確認画面"
    MERGE = "merge", "統合"
    SPLIT = "split", "分割"


class MatchDecision(models.Model):
    """A remembered answer about two records (a < b): the same payer or not. Later imports
    hand every decision to the engine, so none is undone by new data."""

    a_source = models.CharField(max_length=20)
    a_key = models.CharField(max_length=50)
    b_source = models.CharField(max_length=20)
    b_key = models.CharField(max_length=50)
    same = models.BooleanField("同一人")
    origin = models.CharField("経緯", max_length=10, choices=DecisionOrigin.choices)
    review = models.ForeignKey(
        ReviewPair, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("判断日時")
    reason = models.TextField("理由")

    class Meta:
        verbose_name = "名寄せの判断"
        verbose_name_plural = "名寄せの判断"
        constraints = [
            models.UniqueConstraint(
                fields=["a_source", "a_key", "b_source", "b_key"], name="decision_once"
            )
        ]
        indexes = [models.Index(fields=["b_source", "b_key"], name="decision_b")]


class PayerChangeKind(models.TextChoices):
    MERGE = "merge", "統合"
    SPLIT = "split", "分割"


class PayerChange(models.Model):
    """One merge or split: `payer` is the one kept (merge) or split from; `other` the one
    merged into it (left empty, never deleted) or the new payer of a split."""

    kind = models.CharField("種別", max_length=10, choices=PayerChangeKind.choices)
    payer = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    other = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField("自動", default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("日時")
    reason = models.TextField("理由")
    detail = models.JSONField(default=dict)

    class Meta:
        verbose_name = "統合・分割"
        verbose_name_plural = "統合・分割"
        indexes = [
            models.Index(fields=["payer", "at"], name="payer_change_payer"),
            models.Index(fields=["other", "at"], name="payer_change_other"),
        ]


class EngineState(models.Model):
    """One row (pk=1): which saved engine state under VAR_DIR/matching is current. Payer
    assignment locks it, so two imports never assign at the same time."""

    token = models.CharField(max_length=40, blank=True)
    records = models.IntegerField(default=0)
    max_installment_id = models.BigIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "名寄せエンジンの状態"
