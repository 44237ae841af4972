from __future__ import annotations

from django.conf import settings
from django.db import models


class FileKind(models.TextChoices):
    CALL_TARGETS = "call_targets", "架電対象者データ"
    PAYMENTS = "payments", "収納データ"


class BatchStatus(models.TextChoices):
    IMPORTED = "imported", "取込済"
    PARTIAL = "partial", "一部エラー"
    REJECTED = "rejected", "取込不可"


class ImportBatch(models.Model):
    """One file read. A rejected batch imported nothing; a partial one imported its valid rows."""

    at = models.DateTimeField("取込日時", auto_now_add=True)
    file_name = models.CharField("ファイル名", max_length=255)
    kind = models.CharField("データ種別", max_length=20, choices=FileKind.choices, blank=True)
    source_system = models.CharField("抽出元", max_length=50, blank=True)
    encoding = models.CharField("文字コード", max_length=20, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    status = models.CharField("結果", max_length=10, choices=BatchStatus.choices)
    rows_read = models.IntegerField("読込件数", default=0)
    rows_inserted = models.IntegerField("新規件数", default=0)
    rows_updated = models.IntegerField("更新件数", default=0)
    rows_unchanged = models.IntegerField("変更なし件数", default=0)
    rows_rejected = models.IntegerField("エラー件数", default=0)
    file_error = models.TextField("ファイルエラー", blank=True)
    columns = models.JSONField("列", default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seconds = models.FloatField("処理秒数", default=0)

    class Meta:
        verbose_name = "取込"
        ordering = ["-at", "-id"]

    @property
    def rows_imported(self) -> int:
        return self.rows_inserted + self.rows_updated + self.rows_unchanged


class RowError(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_no = models.IntegerField("行番号")
    column = models.CharField("列", max_length=50, blank=True)
    value = models.CharField("値", max_length=200, blank=True)
    message = models.CharField("内容", max_length=300)
    severity = models.CharField("区分", max_length=10, default="error")  # error | warning

    class Meta:
        ordering = ["row_no", "id"]

    @property
    def severity_label(self) -> str:
        return "エラー（取込なし）" if self.severity == "error" else "警告（取込済）"
