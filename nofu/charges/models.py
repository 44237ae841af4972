"""Late-charge rules as data the city edits: yearly rates and a rule set per subject.

Every change goes through `nofu.charges.actions` and leaves a `RuleChange` row (who, when,
old → new, why) beside the audit event; rows carry a version so that two managers editing
at once never overwrite each other silently.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from nofu.lib.entaikin import RuleSet, Start


class StartChoice(models.TextChoices):
    DUE = Start.AFTER_DUE.value, "納期限の翌日から"
    DEMAND_NOTICE = Start.AFTER_DEMAND_NOTICE.value, "督促状の指定期限の翌日から"


class YearRate(models.Model):
    """The rates of one calendar year (announced each autumn for the next year)."""

    year = models.PositiveSmallIntegerField("年", unique=True)
    special_base = models.DecimalField("延滞金特例基準割合（%）", max_digits=5, decimal_places=2)
    first_rate = models.DecimalField("1か月以内の割合（%）", max_digits=5, decimal_places=2)
    later_rate = models.DecimalField("1か月経過後の割合（%）", max_digits=5, decimal_places=2)
    note = models.CharField("備考", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.CharField("更新者", max_length=150, blank=True)

    class Meta:
        verbose_name = "延滞金割合"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"

    def snapshot(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "special_base": str(self.special_base),
            "first_rate": str(self.first_rate),
            "later_rate": str(self.later_rate),
            "note": self.note,
        }


class SubjectRule(models.Model):
    """How the charge on one subject (科目コード) is computed; local tax by default."""

    subject_code = models.CharField("科目コード", max_length=4, unique=True)
    subject_name = models.CharField("科目", max_length=50)
    first_period_months = models.PositiveSmallIntegerField("低率期間（月数）", default=1)
    start = models.CharField(
        "起算日", max_length=20, choices=StartChoice.choices, default=StartChoice.DUE
    )
    notice_deadline_days = models.PositiveSmallIntegerField(
        "督促状の指定期限（発付日から日数）", default=10
    )
    base_unit = models.PositiveIntegerField("税額の切捨て単位（円）", default=1000)
    base_threshold = models.PositiveIntegerField("税額の下限（円未満は課さない）", default=2000)
    result_unit = models.PositiveIntegerField("延滞金の切捨て単位（円）", default=100)
    result_threshold = models.PositiveIntegerField(
        "延滞金の下限（円未満は徴収しない）", default=1000
    )
    shift_closed_due = models.BooleanField("休日の納期限を翌営業日とする", default=True)
    basis = models.CharField("根拠", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.CharField("更新者", max_length=150, blank=True)

    class Meta:
        verbose_name = "科目別延滞金規則"
        ordering = ["subject_code"]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.subject_name}"

    def rule_set(self) -> RuleSet:
        return RuleSet(
            first_period_months=self.first_period_months,
            start=Start(self.start),
            base_unit=self.base_unit,
            base_threshold=self.base_threshold,
            result_unit=self.result_unit,
            result_threshold=self.result_threshold,
            shift_closed_due=self.shift_closed_due,
            name=self.basis or self.subject_name,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "subject_code": self.subject_code,
            "subject_name": self.subject_name,
            "first_period_months": self.first_period_months,
            "start": self.start,
            "notice_deadline_days": self.notice_deadline_days,
            "base_unit": self.base_unit,
            "base_threshold": self.base_threshold,
            "result_unit": self.result_unit,
            "result_threshold": self.result_threshold,
            "shift_closed_due": self.shift_closed_due,
            "basis": self.basis,
        }


class ChangeKind(models.TextChoices):
    RATE = "rate", "延滞金割合"
    SUBJECT = "subject", "科目別規則"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ValueError("変更履歴は書き換えできません")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("変更履歴は削除できません")


class RuleChange(models.Model):
    """One change to a rate or a subject rule. Append-only: never updated or deleted."""

    kind = models.CharField("種別", max_length=10, choices=ChangeKind.choices)
    key = models.CharField("対象", max_length=10, db_index=True)  # year or subject code
    changed_at = models.DateTimeField("変更日時", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("変更者", max_length=150)
    old = models.JSONField("変更前", null=True, blank=True)  # None when created
    new = models.JSONField("変更後")
    reason = models.CharField("理由", max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "延滞金規則の変更履歴"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("変更履歴は書き換えできません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("変更履歴は削除できません")

    def diff(self) -> list[tuple[str, Any, Any]]:
        """(field label, old, new) for the fields that changed, for the history page."""
        model = YearRate if self.kind == ChangeKind.RATE else SubjectRule
        old = self.old or {}
        out = []
        for name, value in self.new.items():
            if old.get(name) != value:
                label = str(model._meta.get_field(name).verbose_name)
                out.append((label, old.get(name), value))
        return out
