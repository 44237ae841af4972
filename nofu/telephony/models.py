"""What the phone system tells us: call events and operator states.

nofu never speaks a PBX protocol outside its adapters: a gateway posts events here
(`POST /api/telephony/events`, see `nofu.telephony.events`). The answer rate (第2章 Ⅱ.5)
and the live board are computed from these rows, never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Direction(models.TextChoices):
    INBOUND = "in", "着信"
    OUTBOUND = "out", "発信"


class EventKind(models.TextChoices):
    OFFERED = "offered", "着信"  # an inbound call reached the center within or outside hours
    IVR_GUIDANCE = "ivr_guidance", "IVRガイダンス開始"  # counts as answered (第2章 Ⅱ.5)
    BUSY_MESSAGE = "busy_message", "混雑時アナウンス"  # does not count as answered
    AFTER_HOURS = "after_hours", "時間外アナウンス"
    QUEUED = "queued", "待ち呼"
    ANSWERED = "answered", "応答"
    ABANDONED = "abandoned", "放棄"
    DIALED = "dialed", "発信"
    ENDED = "ended", "終話"


class CallEvent(models.Model):
    call_id = models.CharField("通話ID", max_length=64, db_index=True)
    kind = models.CharField("種別", max_length=20, choices=EventKind.choices)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    at = models.DateTimeField("日時", db_index=True)
    caller = models.CharField("発信番号", max_length=20, blank=True)
    callee = models.CharField("着信番号", max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wait_seconds = models.IntegerField("待ち秒数", null=True, blank=True)
    talk_seconds = models.IntegerField("通話秒数", null=True, blank=True)
    recording_ref = models.CharField("録音", max_length=200, blank=True)
    source = models.CharField("送信元", max_length=50, default="simulated")
    raw = models.JSONField(default=dict, blank=True)
    # the gateway's own id of this event, when it sends one: a retried post is stored once
    event_id = models.CharField(  # noqa: DJ001 - NULL, not "", so events without one never clash
        "イベントID", max_length=100, null=True, blank=True
    )
    # the payer dialled (click-to-call), or the one payer an incoming number belongs to
    payer = models.ForeignKey(
        "payers.Payer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "通話イベント"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call_id", "kind", "at"], name="call_event_once"),
            models.UniqueConstraint(fields=["source", "event_id"], name="call_event_id_once"),
        ]
        indexes = [
            # the answer rate and the live board: inbound calls of a period
            models.Index(fields=["direction", "at"], name="call_event_dir_at"),
            # did we dial this number lately? (return call recognition)
            models.Index(fields=["callee", "at"], name="call_event_callee_at"),
        ]


class AgentState(models.TextChoices):
    OFFLINE = "offline", "ログオフ"
    READY = "ready", "待機"
    ON_CALL = "on_call", "通話中"
    WRAP_UP = "wrap_up", "後処理"
    BREAK = "break", "休憩"


class AgentStatus(models.Model):
    """The current state of one operator, for the live board."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_status"
    )
    state = models.CharField(
        "状態", max_length=10, choices=AgentState.choices, default=AgentState.OFFLINE
    )
    since = models.DateTimeField("開始")
    payer = models.ForeignKey(
        "payers.Payer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "オペレーター状態"


class GatewayToken(models.Model):
    """A phone system (or its middleware) allowed to post call events.

    Only a SHA-256 of the token is kept: the token is shown once, when created
    (`nofu telephony_token create NAME`). Tokens are long random strings, so a fast hash
    is enough; a slow password hash would only slow every event down.
    """

    name = models.CharField("名称", max_length=50, unique=True)  # becomes CallEvent.source
    prefix = models.CharField("先頭", max_length=12)  # to recognise a token in lists and logs
    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField("備考", max_length=200, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    created_by = models.CharField("作成者", max_length=150, blank=True)
    last_used_at = models.DateTimeField("最終利用", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "電話システム連携トークン"

    def __str__(self) -> str:
        return self.name
