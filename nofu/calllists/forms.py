from __future__ import annotations

import re
from typing import Any

from django import forms

from nofu.accounts.models import Role, User
from nofu.calllists.extract import WARDS, Conditions
from nofu.calllists.models import Audience, ListOrder
from nofu.calls.models import Language
from nofu.lib.subjects import SUBJECTS

ANY = ("any", "指定なし")


class ConditionsForm(forms.Form):
    """The builder's filters. Empty means no filter; the defaults are the usual list."""

    subjects = forms.MultipleChoiceField(
        label="科目",
        required=False,
        choices=[(s.code, s.short) for s in SUBJECTS.values()],
        widget=forms.CheckboxSelectMultiple,
    )
    fiscal_year_from = forms.IntegerField(
        label="年度（から）", required=False, min_value=1989, max_value=2100
    )
    fiscal_year_to = forms.IntegerField(
        label="年度（まで）", required=False, min_value=1989, max_value=2100
    )
    overdue_only = forms.BooleanField(label="納期限を過ぎた期別のみ", required=False, initial=True)
    owed_min = forms.IntegerField(label="対象未納額（円以上）", required=False, min_value=0)
    owed_max = forms.IntegerField(label="対象未納額（円以下）", required=False, min_value=0)
    installments_min = forms.IntegerField(label="未納期別数（以上）", required=False, min_value=1)
    wards = forms.MultipleChoiceField(
        label="区（住所）",
        required=False,
        choices=[(w, w) for w in WARDS],
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label="個人・法人",
        choices=[ANY, ("person", "個人"), ("corporation", "法人")],
        initial="any",
    )
    nationality = forms.ChoiceField(
        label="国籍",
        choices=[ANY, ("japan", "日本"), ("foreign", "外国籍"), ("listed", "国籍を指定")],
        initial="any",
    )
    nationalities = forms.CharField(
        label="国籍（指定、読点区切り）", required=False, max_length=200
    )
    languages = forms.MultipleChoiceField(
        label="過去の対応言語",
        required=False,
        choices=[(c, label) for c, label in Language.choices if c != Language.JAPANESE],
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.ChoiceField(
        label="電話番号",
        choices=[("valid", "有効な番号がある人のみ"), ("any", "問わない")],
        initial="valid",
    )
    account_transfer = forms.ChoiceField(
        label="口座振替", choices=[ANY, ("yes", "あり"), ("no", "なし")], initial="any"
    )
    last_contact = forms.ChoiceField(
        label="最終接触",
        choices=[
            ANY,
            ("never", "接触歴なし"),
            ("not_within", "N日以上接触なし"),
            ("within", "N日以内に接触あり"),
        ],
        initial="any",
    )
    last_contact_days = forms.IntegerField(label="N（日）", required=False, min_value=1, initial=30)
    broken_promise = forms.ChoiceField(
        label="納付約束の不履行",
        choices=[ANY, ("yes", "不履行あり"), ("no", "不履行なし")],
        initial="any",
    )
    broken_promise_days = forms.IntegerField(label="不履行（日以内）", required=False, min_value=1)
    attempts_min = forms.IntegerField(label="架電回数（以上）", required=False, min_value=0)
    attempts_max = forms.IntegerField(label="架電回数（以下）", required=False, min_value=0)
    attempts_days = forms.IntegerField(
        label="架電回数の期間（直近日数）", required=False, min_value=1, initial=30
    )
    order = forms.ChoiceField(
        label="並び順", choices=ListOrder.choices, initial=ListOrder.TOTAL_OWED
    )
    limit = forms.IntegerField(label="件数上限", required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        pairs = [
            ("fiscal_year_from", "fiscal_year_to", "年度"),
            ("owed_min", "owed_max", "対象未納額"),
            ("attempts_min", "attempts_max", "架電回数"),
        ]
        for lo, hi, label in pairs:
            if d.get(lo) is not None and d.get(hi) is not None and d[lo] > d[hi]:
                self.add_error(hi, f"{label}の範囲が逆になっています。")
        if d.get("nationality") == "listed" and not _split(d.get("nationalities", "")):
            self.add_error("nationalities", "国籍を入力してください（例：ベトナム、中国）。")
        return d

    def conditions(self) -> Conditions:
        d = self.cleaned_data
        return Conditions(
            subjects=list(d.get("subjects") or []),
            fiscal_year_from=d.get("fiscal_year_from"),
            fiscal_year_to=d.get("fiscal_year_to"),
            overdue_only=bool(d.get("overdue_only")),
            owed_min=d.get("owed_min"),
            owed_max=d.get("owed_max"),
            installments_min=d.get("installments_min"),
            wards=list(d.get("wards") or []),
            kind=d.get("kind") or "any",
            nationality=d.get("nationality") or "any",
            nationalities=_split(d.get("nationalities", "")),
            languages=list(d.get("languages") or []),
            phone=d.get("phone") or "valid",
            account_transfer=d.get("account_transfer") or "any",
            last_contact=d.get("last_contact") or "any",
            last_contact_days=d.get("last_contact_days") or 30,
            broken_promise=d.get("broken_promise") or "any",
            broken_promise_days=d.get("broken_promise_days"),
            attempts_min=d.get("attempts_min"),
            attempts_max=d.get("attempts_max"),
            attempts_days=d.get("attempts_days") or 30,
            order=d.get("order") or ListOrder.TOTAL_OWED,
            limit=d.get("limit"),
        )

    @classmethod
    def initial_from(cls, c: Conditions) -> dict[str, Any]:
        data = c.to_json()
        data.pop("schema", None)
        data["nationalities"] = "、".join(c.nationalities)
        return data


def _split(s: str) -> list[str]:
    return [x for x in (p.strip() for p in re.split(r"[、,，\s]+", s or "")) if x]


class NewListForm(forms.Form):
    name = forms.CharField(label="リスト名", max_length=100)
    purpose = forms.CharField(
        label="ねらい（ノウハウとして残します）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label="この版のメモ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NewVersionForm(forms.Form):
    note = forms.CharField(
        label="この版のメモ（変更の理由）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label="公開先", choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.SHARED
    )
    operators = forms.ModelMultipleChoiceField(
        label="オペレーター",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.IntegerField(label="優先度（1が最優先）", min_value=1, max_value=9, initial=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["operators"]
        field.queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=[Role.OPERATOR, Role.SUPERVISOR]
        ).order_by("username")
        field.label_from_instance = lambda u: str(u)  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    outbound_calls = forms.IntegerField(label="架電件数目標", min_value=1, max_value=10_000_000)
    note = forms.CharField(label="備考", required=False, max_length=200)


def payer_from_no(value: str) -> Any:
    """N00000123 (名寄せ番号) or 123 → the payer, or None."""
    from nofu.payers.models import Payer

    digits = re.sub(r"\D", "", value or "")
    return Payer.objects.filter(pk=int(digits)).first() if digits else None


class _PayerField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        payer = payer_from_no(value)
        if payer is None:
            raise forms.ValidationError("名寄せ番号（例：N00000123）の納付義務者が見つかりません。")
        return payer


class HoldForm(forms.Form):
    payer = _PayerField(label="名寄せ番号", max_length=20)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="理由", max_length=200)


class CallbackForm(forms.Form):
    payer = _PayerField(label="名寄せ番号", max_length=20)
    due_at = forms.DateTimeField(
        label="予約日時", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    mine = forms.BooleanField(label="自分が折り返す", required=False, initial=True)
    note = forms.CharField(label="内容", max_length=200, required=False)
