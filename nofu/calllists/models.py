"""Call lists and the working day: planned sessions, versioned lists, the queue's state.

- The month's plan: night and weekend sessions (`Session`), the city's own closed days
  (`ClosedDay`), intensive months (`MonthPlan`) and the yearly target (`AnnualTarget`).
- A call list (`CallList`) has versions (`ListVersion`): the extraction conditions as
  data and as the Japanese text the manager saw, and the members as they were extracted
  (`ListMember`), so what a list contained and why stays reproducible (第1章17 know-how).
- The queue's state: who holds which payer right now (`Lease`, one per payer and one per
  operator, enforced by the database), scheduled callbacks (`Callback`) and periods in
  which a payer asked not to be called (`CallHold`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value


class SessionKind(models.TextChoices):
    NIGHT = "night", "夜間（17:30〜20:00）"
    WEEKEND = "weekend", "土日（10:00〜16:00）"


class Session(models.Model):
    """One planned extra session: a night on a business day, or a Saturday/Sunday."""

    date = models.DateField("日付", db_index=True)
    kind = models.CharField("種別", max_length=10, choices=SessionKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "稼働予定"
        ordering = ["date", "kind"]
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="session_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ClosedDay(models.Model):
    """A day the city closes beyond its ordinance (system maintenance, …)."""

    date = models.DateField("日付", unique=True)
    reason = models.CharField("理由", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "市の休業日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class MonthPlan(models.Model):
    """Per month: whether it is an intensive month (強化月間, 第1章4(8))."""

    year = models.IntegerField("年")
    month = models.IntegerField("月")
    intensive = models.BooleanField("強化月間", default=False)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "月間計画"
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="month_plan_once")]


class AnnualTarget(models.Model):
    """The yearly minimum of outbound calls (第2章Ⅰ.4: 80,000, April–March)."""

    fiscal_year = models.IntegerField("年度", unique=True)
    outbound_calls = models.IntegerField("架電件数目標")
    note = models.CharField("備考", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年間目標"


# --- call lists -------------------------------------------------------------------------


class CallList(models.Model):
    name = models.CharField("リスト名", max_length=100, unique=True)
    purpose = models.TextField("ねらい", blank=True)  # the know-how: why this extraction
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "架電リスト"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "未公開"
    PUBLISHED = "published", "公開中"
    RETIRED = "retired", "終了"


class Audience(models.TextChoices):
    SHARED = "shared", "共有キュー（全オペレーター）"
    NAMED = "named", "指定したオペレーター"


class ListOrder(models.TextChoices):
    TOTAL_OWED = "total_owed", "未納額の多い順"
    LATE_CHARGE = "late_charge", "延滞金（現在）の多い順"
    OWED_WITH_LATE_CHARGE = "owed_with_late_charge", "未納額＋延滞金の多い順"


class ListVersion(models.Model):
    """One extraction: conditions, order, when, and (in ListMember) exactly who."""

    call_list = models.ForeignKey(CallList, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版")
    conditions = models.JSONField("抽出条件")
    conditions_text = models.TextField("抽出条件（表示）")
    order = models.CharField("並び順", max_length=24, choices=ListOrder.choices)
    as_of = models.DateField("抽出基準日")
    note = models.TextField("この版のメモ", blank=True)
    member_count = models.IntegerField("件数", default=0)
    total_owed = models.BigIntegerField("対象未納額合計", default=0)
    total_late_charge = models.BigIntegerField("延滞金合計", null=True, blank=True)
    build_seconds = models.FloatField("作成秒数", default=0)
    # against the previous version of the same list, counted when this one was made
    added = models.IntegerField("前の版からの追加", null=True, blank=True)
    removed = models.IntegerField("前の版からの除外", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    audience = models.CharField(
        "公開先", max_length=10, choices=Audience.choices, default=Audience.SHARED
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_call_lists"
    )
    priority = models.PositiveSmallIntegerField("優先度", default=5)  # 1 first
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "架電リスト（版）"
        ordering = ["call_list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["call_list", "number"], name="list_version_number")
        ]
        indexes = [models.Index(fields=["status", "priority"])]

    def __str__(self) -> str:
        return f"{self.call_list.name} 第{self.number}版"

    @property
    def label(self) -> str:
        return f"{self.call_list.name}（第{self.number}版）"


class MemberStatus(models.TextChoices):
    PENDING = "pending", "架電待ち"
    DONE = "done", "完了"
    SKIPPED = "skipped", "対象外"


class ListMember(models.Model):
    """One payer of one version as extracted (rank, amounts), and where the work stands."""

    # No database-level foreign keys: a snapshot writes hundreds of thousands of members at
    # once, and PostgreSQL checks each reference at commit by locking the payer row (FOR KEY
    # SHARE) — seconds of work for rows that come straight from the installments' payers and
    # from the version made in the same transaction. Django still protects / cascades.
    # Nor an index per key: (version, rank) below serves every look-up by version.
    version = models.ForeignKey(
        ListVersion,
        on_delete=models.CASCADE,
        related_name="members",
        db_constraint=False,
        db_index=False,
    )
    payer = models.ForeignKey(
        "payers.Payer",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    rank = models.IntegerField("順位")
    owed = models.BigIntegerField("対象未納額")
    late_charge = models.BigIntegerField("延滞金", default=0)
    installments = models.IntegerField("対象期別数", default=0)
    status = models.CharField(
        "状況", max_length=10, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    next_at = models.DateTimeField("次回架電可能", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("架電回数", default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("理由", max_length=200, blank=True)  # why skipped / held / done
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "架電リスト対象者"
        # (version, payer) is unique by construction (one row per payer from GROUP BY);
        # a unique index would only slow the writing of large snapshots.
        indexes = [
            # the list page pages through a version in rank order
            models.Index(fields=["version", "rank"], name="member_version_rank"),
            # the queue walks only the members that may be offered now, in rank order: the
            # ones done, skipped or waiting (next_at set) are not in this index, so the walk
            # does not step over them (thousands after a few days of work) on every offer
            # (on rank + 0, which no other index has: the planner cannot walk the list page's
            # index instead, which it did, stepping over thousands of rows per offer)
            models.Index(
                F("version"),
                F("rank") + Value(0),
                name="member_ready",
                condition=Q(status="pending", next_at__isnull=True),
            ),
            # waiting members whose time has come are made ready again (queue._wake)
            models.Index(
                fields=["next_at"],
                name="member_waiting",
                condition=Q(status="pending", next_at__isnull=False),
            ),
        ]


# --- the queue's state ------------------------------------------------------------------


class Lease(models.Model):
    """A payer offered to one operator; the unique payer makes a second offer impossible."""

    payer = models.OneToOneField("payers.Payer", on_delete=models.CASCADE, related_name="+")
    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_lease"
    )
    # At most one row per operator: no index beyond the two unique ones (every offer inserts
    # and deletes a row here, fifty at once, and each index is one more page they share).
    member = models.ForeignKey(
        ListMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    callback = models.ForeignKey(
        "Callback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "架電中"


class PayerWait(models.Model):
    """Until when a payer waits after an offer, whichever list offered them: a payer skipped
    or unanswered in one list is not offered from another a minute later."""

    payer = models.OneToOneField("payers.Payer", on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField("次回架電可能")
    note = models.CharField("理由", max_length=200)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "再架電待ち"


class Callback(models.Model):
    """折り返し予約: the payer asked to be called at a time; comes first at that time."""

    payer = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField("予約日時")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # who said they would call back; anyone once overdue by CALLBACK_OPEN_AFTER
    note = models.CharField("内容", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "折り返し予約"
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, cancelled_at__isnull=True),
                name="callback_open_due",
            )
        ]


class CallHold(models.Model):
    """架電停止: the payer asked not to be called in a period (or the city said so)."""

    payer = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("開始日")
    end = models.DateField("終了日")
    reason = models.CharField("理由", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "架電停止"
        indexes = [models.Index(fields=["payer", "end"])]
