"""交渉記事: the narrative the city reads in its 経過記録, drafted from a structured outcome.

Pure functions, no database: the caller hands in what happened (labels already resolved)
and the operator's own words. The draft must stand alone for someone at the city who
never saw the screen: who was reached, on which number, what was said, what was promised
(dates and amounts), what was requested or handed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from nofu.lib.phones import format_phone
from nofu.lib.wareki import to_wareki

KIND_TAG = {"outbound": "架電", "inbound": "受電", "return_call": "返電", "mail": "発送"}
COUNTERPART = {
    "payer": "本人",
    "family": "家族",
    "workplace": "勤務先の方",
    "agent": "代理人",
    "unknown": "氏名不詳の方",
    "": "本人以外の方",
}


@dataclass(frozen=True)
class PromiseNote:
    promised_on: date
    amount: int


@dataclass(frozen=True)
class ReissueNote:
    what: str  # "市県民税 令和7年度 1・2期"
    destination: str  # "登録住所" or "指定住所（〒…）"
    flyer: bool


@dataclass(frozen=True)
class HandoverNote:
    department: str  # label
    reason: str  # label
    detail: str


@dataclass(frozen=True)
class PhoneNote:
    number: str  # national digits
    kind: str  # label: 携帯 / 固定 / 勤務先 / その他


@dataclass(frozen=True)
class Outcome:
    kind: str  # outbound / inbound / return_call / mail
    result: str  # a ContactResult value
    phone: str = ""  # national digits
    counterpart: str = ""  # a Counterpart value
    owed_phrase: str = ""  # "市県民税 令和7年度 1・2期" the call was about
    owed_amount: int = 0
    promises: tuple[PromiseNote, ...] = ()
    promised_for: str = ""  # installments the promise covers
    reissue: ReissueNote | None = None
    account_transfer: bool = False
    income_declaration: bool = False
    nhi_loss: bool = False
    child_allowance_form: bool = False
    language: str = ""  # label when not Japanese
    inquiry: str = ""  # inquiry category label (inbound)
    handovers: tuple[HandoverNote, ...] = ()
    complaint: str = ""
    new_phones: tuple[PhoneNote, ...] = ()
    invalid_marked: bool = False
    rung_on: date | None = None  # return call: when we had rung
    words: str = ""  # the operator's own words, kept as written
    extra: tuple[str, ...] = field(default_factory=tuple)


def yen(n: int) -> str:
    return f"{n:,}円"


def day(d: date) -> str:
    return to_wareki(d)


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith(("。", "」", "）", "!", "！", "?", "？")) else text + "。"


def phone_text(number: str) -> str:
    return format_phone(number) if number else ""


def who(counterpart: str) -> str:
    return COUNTERPART.get(counterpart, "本人以外の方")


def opening(o: Outcome) -> str:
    """The first sentence: how the contact happened and with whom."""
    tel = phone_text(o.phone)
    person = who(o.counterpart or ("payer" if o.result == "reached_payer" else ""))
    if o.kind == "outbound":
        on = f"{tel}へ架電" if tel else "架電"
        return {
            "no_answer": f"{on}したが応答なし（不在）。",
            "busy": f"{on}したが話し中。",
            "invalid_number": f"{on}したが不通（番号誤り・現在使われていない）。",
            "voicemail": f"{on}したが留守番電話。",
            "reached_other": f"{on}し、{person}が応答。本人への伝言（センターへの連絡）を依頼した。",
            "reached_payer": f"{on}し、{person}と通話。",
            "refused": f"{on}し{person}と通話したが、納付の話に応じず通話を拒否された。",
        }.get(o.result, f"{on}。")
    if o.kind in ("inbound", "return_call"):
        src = f"{tel}から" if tel else "番号非通知で"
        caller = who(o.counterpart) if o.counterpart else "氏名不詳の方"
        if o.kind == "return_call":
            when = f"（{day(o.rung_on)}）" if o.rung_on else ""
            text = f"当センターからの着信{when}を見た{caller}より{src}折り返しの電話。"
        else:
            text = f"{caller}より{src}電話。"
        if o.inquiry:
            text += f"「{o.inquiry}」について問合せがあり、説明した。"
        return text
    if o.kind == "mail":
        return ""
    return ""


def body(o: Outcome) -> list[str]:
    """What was said, promised, requested and handed over, in that order."""
    out: list[str] = []
    if o.language:
        out.append(f"{o.language}で対応した。")
    if o.owed_phrase and o.result in ("reached_payer", "refused", "handled"):
        amount = f"（未納額計{yen(o.owed_amount)}）" if o.owed_amount else ""
        out.append(f"{o.owed_phrase}{amount}の納付について案内した。")
    if o.promises:
        subject = "本人" if o.counterpart in ("", "payer") else who(o.counterpart)
        what = f"{o.promised_for}について、" if o.promised_for else ""
        if len(o.promises) == 1:
            p = o.promises[0]
            out.append(
                f"{subject}は{what}{day(p.promised_on)}までに{yen(p.amount)}を納付すると約束。"
            )
        else:
            total = sum(p.amount for p in o.promises)
            parts = "、".join(f"{day(p.promised_on)}までに{yen(p.amount)}" for p in o.promises)
            out.append(
                f"{subject}は{what}{len(o.promises)}回に分けて納付すると約束"
                f"（{parts}、計{yen(total)}）。"
            )
    if o.reissue:
        flyer = "口座振替案内を同封" if o.reissue.flyer else "口座振替案内の同封は辞退"
        out.append(
            f"納付書の再発行の依頼を受け、{o.reissue.what}の納付書を"
            f"{o.reissue.destination}へ送付する（{flyer}）。"
        )
    if o.account_transfer:
        out.append("口座振替を勧奨した。")
    if o.income_declaration:
        out.append("所得申告を勧奨した。")
    if o.nhi_loss:
        out.append("国民健康保険の資格喪失手続きについて説明・案内した。")
    if o.child_allowance_form:
        out.append("「児童手当・特例給付に係る学校給食費等の徴収に関する申出書」を提出すると約束。")
    for h in o.handovers:
        detail = f"（{h.detail.strip()}）" if h.detail.strip() else ""
        out.append(f"{h.reason}は市の判断を要するため、{h.department}へ取り次いだ{detail}。")
    if o.complaint.strip():
        out.append(f"苦情の申出あり：{sentence(o.complaint)}スーパーバイザーへ報告した。")
    for ph in o.new_phones:
        out.append(f"新しい連絡先 {phone_text(ph.number)}（{ph.kind}）を聴取し登録した。")
    if o.invalid_marked and o.phone:
        out.append("この番号は使用不可として登録した。")
    out.extend(sentence(x) for x in o.extra if x.strip())
    return out


def draft_note(o: Outcome) -> str:
    """One paragraph, prefixed 【架電】/【受電】/【返電】/【発送】, ending with the operator's words."""
    parts = [opening(o), *body(o)]
    words = o.words.strip()
    if words:
        parts.append(f"（オペレーター記）{sentence(words)}")
    text = "".join(p for p in parts if p)
    return f"【{KIND_TAG.get(o.kind, '')}】{text}" if o.kind in KIND_TAG else text


def mailing_note(*, what: str, destination: str, flyer: bool, batch_no: int) -> str:
    """The 発送 row for one envelope of a mailing batch."""
    enclosed = "口座振替案内を同封" if flyer else "口座振替案内は同封なし"
    return (
        f"【発送】{what}の納付書を{destination}へ発送した（{enclosed}、発送バッチ第{batch_no}号）。"
    )
