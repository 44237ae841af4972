from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Audit rows are evidence: they are written once and never changed."""


class AuditEvent(models.Model):
    """One row per view of personal data, import, export or change."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("利用者名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    target_type = models.CharField("対象種別", max_length=50, blank=True)
    target_id = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    summary = models.CharField("内容", max_length=500, blank=True)
    reason = models.CharField("理由", max_length=500, blank=True)
    detail = models.JSONField("詳細", default=dict, blank=True)
    ip = models.GenericIPAddressField("接続元", null=True, blank=True)

    class Meta:
        verbose_name = "監査ログ"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("監査ログは変更できません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("監査ログは削除できません")


class Direction(models.TextChoices):
    IN = "in", "受領"
    OUT = "out", "提供"


class DataExchange(models.Model):
    """データ授受管理簿: every file that came in from, or went out to, the city."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    direction = models.CharField("区分", max_length=3, choices=Direction.choices)
    kind = models.CharField("データ種別", max_length=50)
    file_name = models.CharField("ファイル名", max_length=255)
    source_system = models.CharField("抽出元", max_length=50, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.BigIntegerField("サイズ", default=0)
    rows_read = models.IntegerField("読込件数", default=0)
    rows_imported = models.IntegerField("取込件数", default=0)
    rows_rejected = models.IntegerField("エラー件数", default=0)
    status = models.CharField("結果", max_length=20, default="ok")
    note = models.CharField("備考", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="担当者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("担当者名", max_length=150, blank=True)

    class Meta:
        verbose_name = "データ授受管理簿"
        ordering = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("データ授受管理簿は変更できません")
        super().save(*args, **kwargs)
