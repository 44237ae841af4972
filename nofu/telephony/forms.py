from __future__ import annotations

from django import forms

from nofu.telephony.lookup import caller_digits


class RingForm(forms.Form):
    number = forms.CharField(
        label="発信元の電話番号",
        required=False,
        max_length=30,
        help_text="空欄は非通知。登録済みの番号なら納付義務者が表示されます。",
    )
    patience = forms.IntegerField(
        label="待ち時間の限度（秒）",
        min_value=5,
        max_value=600,
        initial=90,
        help_text="誰も応答しないまま、この秒数が過ぎると放棄されます。",
    )
    force_open = forms.BooleanField(
        label="運営時間外でも受け付ける（デモ用。時間外の着信は応答率に数えません）", required=False
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if number and not caller_digits(number):
            raise forms.ValidationError(f"「{number}」は電話番号として読めません。")
        return number


class BurstForm(forms.Form):
    LIVE, HISTORY = "live", "history"
    count = forms.IntegerField(label="件数", min_value=1, max_value=200, initial=10)
    mode = forms.ChoiceField(
        label="発生のしかた",
        choices=[(LIVE, "今すぐ着信させる"), (HISTORY, "直近の履歴として記録する")],
        initial=LIVE,
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label="履歴の期間（直近の分数）", min_value=1, max_value=600, initial=60
    )
    known_share = forms.IntegerField(
        label="登録済み番号の割合（％）", min_value=0, max_value=100, initial=70
    )
    force_open = forms.BooleanField(
        label="運営時間外でも受け付ける（デモ用。時間外の着信は応答率に数えません）", required=False
    )
