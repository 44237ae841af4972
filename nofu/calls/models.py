"""The contact history (交渉記事 / 経過記録) and what comes out of a call.

A ContactEvent is one contact with or about a payer: an outbound call (架電), an inbound
call (受電), a return call (返電) or a mailing (発送). It is exactly one row of the
架電結果データ the city receives every day. Promises, slip reissues, handovers and
complaints hang off the contact in which they arose, so every report figure can be
traced back to the contact and the operator behind it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ContactKind(models.TextChoices):
    OUTBOUND = "outbound", "架電"
    INBOUND = "inbound", "受電"
    RETURN_CALL = "return_call", "返電"
    MAIL = "mail", "発送"


class ContactResult(models.TextChoices):
    NO_ANSWER = "no_answer", "不在"
    BUSY = "busy", "話中"
    INVALID_NUMBER = "invalid_number", "不通・番号誤り"
    VOICEMAIL = "voicemail", "留守番電話"
    REACHED_OTHER = "reached_other", "本人以外に伝言"
    REACHED_PAYER = "reached_payer", "本人と通話"
    REFUSED = "refused", "拒否"
    HANDLED = "handled", "対応済"  # inbound / return calls
    SENT = "sent", "発送済"  # mailings

    @classmethod
    def reached(cls) -> tuple[str, ...]:
        """Results that count as a conversation (通話) in the reports."""
        return (cls.REACHED_PAYER, cls.REACHED_OTHER, cls.REFUSED, cls.HANDLED)


class Counterpart(models.TextChoices):
    PAYER = "payer", "本人"
    FAMILY = "family", "家族"
    WORKPLACE = "workplace", "勤務先"
    AGENT = "agent", "代理人"
    UNKNOWN = "unknown", "不明"
    NONE = "", "—"


class InquiryCategory(models.TextChoices):
    """第2章 Ⅱ.1(1) ア–ケ."""

    ASSESSMENT = "assessment", "ア 賦課内容の説明"
    DUE_DATES = "due_dates", "イ 納期・納期限後の取扱い"
    PAYMENT_METHODS = "payment_methods", "ウ 納付方法・納付場所"
    RESIDENT_TAX_COLLECTION = "resident_tax", "エ 市県民税の納付方法（普通徴収・特別徴収）"
    ACCOUNT_TRANSFER = "account_transfer", "オ 口座振替の手続き"
    INCOME_DECLARATION = "income_declaration", "カ 所得申告"
    DEMAND_NOTICE = "demand_notice", "キ 督促状の発付要件"
    LATE_CHARGE = "late_charge", "ク 延滞金の計算"
    OTHER = "other", "ケ その他"
    NONE = "", "—"


class Language(models.TextChoices):
    JAPANESE = "ja", "日本語"
    ENGLISH = "en", "英語"
    CHINESE = "zh", "中国語"
    KOREAN = "ko", "韓国語"
    SPANISH = "es", "スペイン語"
    VIETNAMESE = "vi", "ベトナム語"
    OTHER = "other", "その他の言語"


class ContactEvent(models.Model):
    payer = models.ForeignKey(
        "payers.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )  # blank for an unknown caller
    kind = models.CharField("対応区分", max_length=12, choices=ContactKind.choices)
    result = models.CharField("結果", max_length=20, choices=ContactResult.choices)
    counterpart = models.CharField("相手", max_length=10, choices=Counterpart.choices, blank=True)
    at = models.DateTimeField("対応日時", db_index=True)
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts"
    )
    phone_number = models.CharField("電話番号", max_length=20, blank=True)
    installments = models.ManyToManyField("payers.Installment", blank=True, related_name="contacts")
    inquiry_category = models.CharField(
        "問合せ内容", max_length=20, choices=InquiryCategory.choices, blank=True
    )
    language = models.CharField(
        "対応言語", max_length=5, choices=Language.choices, default=Language.JAPANESE
    )
    # the daily report's items (第1章 16(2)), recorded as facts of the contact
    account_transfer_recommended = models.BooleanField("口座振替勧奨", default=False)
    income_declaration_reminded = models.BooleanField("所得申告勧奨", default=False)
    nhi_loss_explained = models.BooleanField("国保資格喪失手続き説明", default=False)
    child_allowance_form_promised = models.BooleanField("児童手当申出書提出の約束", default=False)
    note = models.TextField("交渉記事")  # the narrative the city reads; stands alone
    operator_words = models.TextField("オペレーターのメモ", blank=True)
    call_id = models.CharField("通話ID", max_length=64, blank=True, db_index=True)
    recording_ref = models.CharField("録音", max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # a 発送 row: the print run it went out in (its reissues hold the address and flyer)
    mailing_batch = models.ForeignKey(
        "MailingBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )

    class Meta:
        verbose_name = "対応記録"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["payer", "at"]),
            models.Index(fields=["kind", "at"]),
            # an incoming number: did we ring it lately? (return call recognition)
            models.Index(fields=["phone_number", "at"], name="contact_phone_at"),
            # the operator's own count of today, on every screen of the workspace
            models.Index(fields=["operator", "at"], name="contact_operator_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", "約束中"
    KEPT = "kept", "履行"
    PARTLY_KEPT = "partly_kept", "一部履行"
    BROKEN = "broken", "不履行"
    CANCELLED = "cancelled", "取消"


class PaymentPromise(models.Model):
    """納付約束. Several promises of one contact with the same plan form an instalment plan."""

    payer = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="promises")
    contact = models.ForeignKey(ContactEvent, on_delete=models.PROTECT, related_name="promises")
    promised_on = models.DateField("納付約束日")
    amount = models.BigIntegerField("納付約束額")
    installments = models.ManyToManyField("payers.Installment", blank=True, related_name="promises")
    plan_seq = models.PositiveSmallIntegerField("回数", default=1)  # 1 of n in an instalment plan
    plan_count = models.PositiveSmallIntegerField("分割回数", default=1)
    status = models.CharField(
        "状況",
        max_length=12,
        choices=PromiseStatus.choices,
        default=PromiseStatus.OPEN,
        db_index=True,
    )
    paid_amount = models.BigIntegerField("納付額", default=0)
    settled_on = models.DateField("判定日", null=True, blank=True)
    unpaid_at_promise = models.BigIntegerField("約束時未納額", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "納付約束"
        ordering = ["promised_on", "id"]


class ReissueStatus(models.TextChoices):
    QUEUED = "queued", "発送待ち"
    PRINTED = "printed", "発送済"
    CANCELLED = "cancelled", "取消"


class MailingBatch(models.Model):
    """One print run of address labels: what was sent, when, by whom."""

    at = models.DateTimeField("作成日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    items = models.IntegerField("件数", default=0)
    file_name = models.CharField("ファイル名", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    # the printed labels themselves, kept in the database so any web process can serve them
    pdf = models.BinaryField("宛名PDF", null=True, blank=True, editable=False)
    payers = models.IntegerField("発送先数", default=0)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "発送バッチ"
        ordering = ["-at"]


class SlipReissue(models.Model):
    """納付書再発行: a request, queued for mailing, then sent in a batch."""

    payer = models.ForeignKey("payers.Payer", on_delete=models.PROTECT, related_name="reissues")
    contact = models.ForeignKey(ContactEvent, on_delete=models.PROTECT, related_name="reissues")
    installments = models.ManyToManyField("payers.Installment", related_name="reissues")
    send_to_registered = models.BooleanField("登録住所へ送付", default=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("送付先住所", max_length=300)
    building = models.CharField("方書", max_length=200, blank=True)
    addressee = models.CharField("宛名", max_length=200)
    flyer_enclosed = models.BooleanField("口座振替案内同封", default=True)
    status = models.CharField(
        "状況",
        max_length=10,
        choices=ReissueStatus.choices,
        default=ReissueStatus.QUEUED,
        db_index=True,
    )
    batch = models.ForeignKey(
        MailingBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="reissues"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "納付書再発行"
        ordering = ["created_at", "id"]


class Department(models.TextChoices):
    """取次先課: who decides what the center may not (公権力の行使)."""

    TAX_COLLECTION = "tax_collection", "納税管理課"
    CITY_TAX_EAST = "tax_office_east", "東部市税事務所"
    CITY_TAX_WEST = "tax_office_west", "西部市税事務所"
    RESIDENT_TAX = "resident_tax", "市民税課"
    PROPERTY_TAX = "property_tax", "資産税課"
    NHI = "nhi", "健康保険課"
    ELDERLY_MEDICAL = "elderly_medical", "後期高齢者医療（健康保険課）"
    LONG_TERM_CARE = "long_term_care", "介護保険管理課"
    CHILDCARE = "childcare", "幼保運営課"
    SCHOOL_LUNCH = "school_lunch", "保健体育課（学校給食）"
    OTHER = "other", "その他"


class HandoverReason(models.TextChoices):
    INSTALMENT_APPROVAL = "instalment", "分納の承認"
    REDUCTION = "reduction", "減免・猶予の相談"
    ENFORCEMENT = "enforcement", "差押え・滞納処分"
    ASSESSMENT = "assessment", "賦課内容の疑義"
    HARDSHIP = "hardship", "生活困窮・破産等"
    DECEASED = "deceased", "死亡・相続"
    COMPLAINT = "complaint", "苦情"
    OTHER = "other", "その他"


class HandoverStatus(models.TextChoices):
    OPEN = "open", "未対応"
    RECEIVED = "received", "市で受付"
    CLOSED = "closed", "完了"


class Handover(models.Model):
    """取次ぎ: anything that is the city's decision goes to the city, never decided here."""

    payer = models.ForeignKey(
        "payers.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="handovers"
    )
    contact = models.ForeignKey(ContactEvent, on_delete=models.PROTECT, related_name="handovers")
    department = models.CharField("取次先課", max_length=20, choices=Department.choices)
    reason = models.CharField("理由", max_length=20, choices=HandoverReason.choices)
    detail = models.TextField("内容")
    status = models.CharField(
        "状況",
        max_length=10,
        choices=HandoverStatus.choices,
        default=HandoverStatus.OPEN,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "取次ぎ"
        ordering = ["-created_at"]


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "未対応"
    IN_PROGRESS = "in_progress", "対応中"
    RESOLVED = "resolved", "解決"


class Complaint(models.Model):
    """苦情・トラブル: escalated to a supervisor; the daily report lists them with content."""

    payer = models.ForeignKey(
        "payers.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    contact = models.ForeignKey(
        ContactEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    content = models.TextField("内容")
    status = models.CharField(
        "状況",
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.OPEN,
        db_index=True,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # supervisor/manager
    resolution = models.TextField("対応結果", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "苦情・トラブル"
        ordering = ["-created_at"]


class CallSettings(models.Model):
    """The manager's rules for the operator screen; one row (pk=1), edited through an action."""

    promise_max_days = models.PositiveSmallIntegerField(
        "納付約束日の上限（本日から日数）", default=31
    )
    promise_max_parts = models.PositiveSmallIntegerField(
        "分割の上限（回数）", default=3
    )  # more parts is an instalment arrangement: the city's decision
    promise_grace_days = models.PositiveSmallIntegerField(
        "履行判定の猶予日数", default=5
    )  # payments reach 収納データ days after they are made
    return_call_days = models.PositiveSmallIntegerField(
        "返電とみなす日数", default=14
    )  # a call from a number we rang within this many days is a return call
    # the call lists' rules of contact (nofu.calllists.rules.current_policy)
    max_calls_per_day = models.PositiveSmallIntegerField(
        "同じ納付者への架電（1日の上限）", default=2
    )
    max_calls_per_week = models.PositiveSmallIntegerField(
        "同じ納付者への架電（直近7日の上限）", default=4
    )
    retry_after_hours = models.PositiveSmallIntegerField(
        "不在後の再架電までの時間", default=3
    )  # and at another time of day
    max_unanswered = models.PositiveSmallIntegerField("不在が続いたらリストから外す回数", default=6)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "架電の設定"

    @classmethod
    def current(cls) -> CallSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)
