"""Forms only parse what a person typed; the rules themselves are checked in actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from nofu.charges.models import StartChoice, SubjectRule
from nofu.lib.entaikin import InvalidPayment, parse_payments

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalculatorForm(forms.Form):
    amount = forms.IntegerField(
        label="税額・料額（円）", min_value=0, widget=forms.NumberInput(attrs={"autofocus": True})
    )
    due = forms.DateField(label="納期限", widget=DATE)
    until = forms.DateField(
        label="計算日（納付日）",
        required=False,
        widget=DATE,
        help_text="空欄なら本日",
    )
    subject = forms.ChoiceField(label="科目", required=False)
    demand_notice = forms.DateField(
        label="督促状の指定期限",
        required=False,
        widget=DATE,
        help_text="督促状の期限から起算する科目のみ",
    )
    payments = forms.CharField(
        label="一部納付（1行に「日付 金額」）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2021-07-15 30000"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "指定なし（地方税法の規定）")] + [
            (r.subject_code, f"{r.subject_code} {r.subject_name}")
            for r in SubjectRule.objects.all()
        ]
        if not self.is_bound:
            self.initial.setdefault("until", timezone.localdate())

    def clean_until(self) -> date:
        return self.cleaned_data.get("until") or timezone.localdate()

    def clean_payments(self) -> list[tuple[date, int]]:
        try:
            return parse_payments(self.cleaned_data.get("payments", ""))
        except InvalidPayment as e:
            raise forms.ValidationError(str(e)) from None


class ChangeForm(forms.Form):
    """What every edit of the rules carries: why, and the version the manager saw."""

    reason = forms.CharField(
        label="変更理由",
        max_length=500,
        widget=forms.TextInput(attrs={"size": 50}),
        help_text="例: 令和9年の延滞金特例基準割合の告示による／条例改正による",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RateForm(ChangeForm):
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    special_base = forms.DecimalField(
        label="延滞金特例基準割合（%）", max_digits=5, decimal_places=2, min_value=0
    )
    first_rate = forms.DecimalField(
        label="1か月以内の割合（%）",
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="空欄なら特例基準割合＋1%（上限7.3%）",
    )
    later_rate = forms.DecimalField(
        label="1か月経過後の割合（%）",
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="空欄なら特例基準割合＋7.3%（上限14.6%）",
    )
    note = forms.CharField(
        label="備考", max_length=200, required=False, widget=forms.TextInput(attrs={"size": 50})
    )

    field_order = ["year", "special_base", "first_rate", "later_rate", "note", "reason"]


class SubjectRuleForm(ChangeForm):
    subject_code = forms.CharField(label="科目コード", max_length=4)
    subject_name = forms.CharField(
        label="科目", max_length=50, widget=forms.TextInput(attrs={"size": 40})
    )
    first_period_months = forms.IntegerField(
        label="低率期間（月数）", min_value=0, max_value=120, initial=1
    )
    start = forms.ChoiceField(label="起算日", choices=StartChoice.choices, initial="due")
    notice_deadline_days = forms.IntegerField(
        label="督促状の指定期限（発付日から日数）", min_value=0, max_value=60, initial=10
    )
    base_unit = forms.IntegerField(label="税額の切捨て単位（円）", min_value=1, initial=1000)
    base_threshold = forms.IntegerField(
        label="税額の下限（この額未満は課さない・円）", min_value=0, initial=2000
    )
    result_unit = forms.IntegerField(label="延滞金の切捨て単位（円）", min_value=1, initial=100)
    result_threshold = forms.IntegerField(
        label="延滞金の下限（この額未満は徴収しない・円）", min_value=0, initial=1000
    )
    shift_closed_due = forms.BooleanField(
        label="休日の納期限を翌営業日とする", required=False, initial=True
    )
    basis = forms.CharField(
        label="根拠（条例名など）",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 50}),
    )

    field_order = [
        "subject_code",
        "subject_name",
        "first_period_months",
        "start",
        "notice_deadline_days",
        "base_unit",
        "base_threshold",
        "result_unit",
        "result_threshold",
        "shift_closed_due",
        "basis",
        "reason",
    ]
