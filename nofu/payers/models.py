"""Payers (名寄せ result) and what they owe, as the city sent it.

One row of the city's call-target file is one Installment. The row is kept whole
(`raw`, every column as it arrived, unknown ones included); the identity written on it
(name, reading, birth date, address, phones) is kept beside the amounts, because the
matching engine decides payers from exactly those fields. A receivable is the group
of installments of one subject and fiscal year of one payer.
"""

from __future__ import annotations

from django.db import models


class PayerKind(models.TextChoices):
    PERSON = "person", "個人"
    CORPORATION = "corporation", "法人"


class Payer(models.Model):
    kind = models.CharField(
        "法人区分", max_length=12, choices=PayerKind.choices, default=PayerKind.PERSON
    )
    name = models.CharField("氏名", max_length=200)
    name_kana = models.CharField("氏名カナ", max_length=200, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=2, blank=True)
    nationality = models.CharField("国籍", max_length=50, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=300, blank=True)
    building = models.CharField("方書", max_length=200, blank=True)
    # search keys, normalized at write time so a search is one indexed prefix lookup
    # (indexed together with total_unpaid, see Meta)
    name_key = models.CharField(max_length=200, blank=True)
    kana_key = models.CharField(max_length=200, blank=True)
    address_key = models.CharField(max_length=300, blank=True)
    # what the call list and the search list show without summing installments
    total_unpaid = models.BigIntegerField("未納額合計", default=0)
    open_installments = models.IntegerField("未納期別数", default=0)
    account_transfer = models.BooleanField("口座振替", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "納付義務者"
        verbose_name_plural = "納付義務者"
        # A prefix search ranks its matches by total unpaid: with the total (and the id,
        # which PostgreSQL does not keep in an index by itself) in the index, a surname
        # shared by thousands is ranked without reading their rows. The pattern operator
        # class lets PostgreSQL answer LIKE 'key%' from the index under any collation
        # (SQLite ignores operator classes; search.py gives it a key range).
        indexes = [
            models.Index(
                fields=["name_key", "total_unpaid", "id"],
                name="payer_name_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
            models.Index(
                fields=["kana_key", "total_unpaid", "id"],
                name="payer_kana_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def payer_no(self) -> str:
        """名寄せ番号 as people read it."""
        return f"N{self.pk:08d}"

    @property
    def is_corporation(self) -> bool:
        return self.kind == PayerKind.CORPORATION


class Installment(models.Model):
    """One row of the city's 架電対象者データ: one installment of one receivable."""

    source_system = models.CharField("抽出元", max_length=20)
    receivable_key = models.CharField("債権番号", max_length=50)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="installments")
    resident_no = models.CharField("宛名番号", max_length=20, blank=True, db_index=True)
    subject_code = models.CharField("科目コード", max_length=4)
    subject_name = models.CharField("科目", max_length=50, blank=True)
    fiscal_year = models.IntegerField("年度")
    installment = models.CharField("期別", max_length=8)
    due_date = models.DateField("納期限")
    assessed = models.BigIntegerField("調定額")
    unpaid = models.BigIntegerField("未納額")
    late_charge_at_extraction = models.BigIntegerField("延滞金（抽出時）", null=True, blank=True)
    demand_notice_date = models.DateField("督促状発付日", null=True, blank=True)
    account_transfer = models.BooleanField("口座振替", default=False)
    note = models.TextField("特記事項", blank=True)
    child_name = models.CharField("児童氏名", max_length=100, blank=True)
    school_name = models.CharField("学校名", max_length=100, blank=True)
    # identity as written on this row (normalized for display, not for matching)
    name = models.CharField("氏名", max_length=200)
    name_kana = models.CharField("氏名カナ", max_length=200, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=2, blank=True)
    nationality = models.CharField("国籍", max_length=50, blank=True)
    corporation = models.BooleanField("法人", default=False)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=300, blank=True)
    building = models.CharField("方書", max_length=200, blank=True)
    phone1 = models.CharField("電話番号1", max_length=20, blank=True)
    phone2 = models.CharField("電話番号2", max_length=20, blank=True)
    # the row exactly as it arrived, every column including unknown ones
    raw = models.JSONField("受領データ", default=dict)
    row_hash = models.BigIntegerField(
        default=0
    )  # tells an unchanged re-sent row from a changed one
    batch = models.ForeignKey("intake.ImportBatch", on_delete=models.PROTECT, related_name="+")
    row_no = models.IntegerField("行番号")
    # for the collection rate: the delinquency as first handed over
    handed_over_on = models.DateField("初回受領日")
    unpaid_at_handover = models.BigIntegerField("受領時未納額")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "期別"
        verbose_name_plural = "期別"
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "receivable_key"], name="installment_key"
            ),
        ]
        indexes = [models.Index(fields=["payer", "subject_code", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.receivable_key}"


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "携帯"
    FIXED = "fixed", "固定"
    WORK = "work", "勤務先"
    OTHER = "other", "その他"


class PhoneOrigin(models.TextChoices):
    CITY_DATA = "city_data", "市データ"
    HEARD = "heard", "本人聴取"
    RESEARCH = "research", "調査"
    OTHER = "other", "その他"


class PhoneStatus(models.TextChoices):
    UNKNOWN = "unknown", "未確認"
    CONFIRMED = "confirmed", "本人確認済"
    INVALID = "invalid", "不通・誤り"


class Phone(models.Model):
    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField("電話番号", max_length=20, db_index=True)  # digits, national form
    kind = models.CharField(
        "種別", max_length=10, choices=PhoneKind.choices, default=PhoneKind.OTHER
    )
    origin = models.CharField("取得方法", max_length=12, choices=PhoneOrigin.choices)
    status = models.CharField(
        "状態", max_length=10, choices=PhoneStatus.choices, default=PhoneStatus.UNKNOWN
    )
    source_system = models.CharField("抽出元", max_length=20, blank=True)
    first_seen = models.DateField("初回取得日")
    last_seen = models.DateField("最終確認日")
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "電話番号"
        constraints = [models.UniqueConstraint(fields=["payer", "number"], name="phone_per_payer")]

    def __str__(self) -> str:
        return self.number


class Address(models.Model):
    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="addresses")
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=300)
    building = models.CharField("方書", max_length=200, blank=True)
    key = models.CharField(max_length=300)  # normalized, to recognize the same address
    origin = models.CharField("取得方法", max_length=12, choices=PhoneOrigin.choices)
    source_system = models.CharField("抽出元", max_length=20, blank=True)
    first_seen = models.DateField("初回取得日")
    last_seen = models.DateField("最終確認日")

    class Meta:
        verbose_name = "住所"
        constraints = [models.UniqueConstraint(fields=["payer", "key"], name="address_per_payer")]
        # address search by key prefix, payer read from the index; the substring fallback
        # has a trigram index on PostgreSQL, made in migration 0002 (not expressible here)
        indexes = [
            models.Index(
                fields=["key", "payer"],
                name="address_key_payer",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.address


class Payment(models.Model):
    """One row of 収納データ: money applied to one installment."""

    source_system = models.CharField("抽出元", max_length=20)
    receivable_key = models.CharField("債権番号", max_length=50)
    installment = models.ForeignKey(
        Installment, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField("収納日")
    amount = models.BigIntegerField("収納額")
    method = models.CharField("収納方法", max_length=20)
    occurrence = models.IntegerField(default=1)  # identical rows in one file are distinct payments
    batch = models.ForeignKey("intake.ImportBatch", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "収納"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "source_system",
                    "receivable_key",
                    "paid_on",
                    "amount",
                    "method",
                    "occurrence",
                ],
                name="payment_key",
            ),
        ]
