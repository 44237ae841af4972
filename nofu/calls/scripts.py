"""Short call scripts per subject (トークスクリプト): what the operator says first.

A small table in code on purpose: it changes with the manual (第1章 17), not every day.
Foreign-language phrase sheets come later. Placeholders: {center}, {name}, {subject}.
"""

from __future__ import annotations

from dataclasses import dataclass

CENTER = "千葉市役所納付推進センター"

OPENING = (
    "お忙しいところ恐れ入ります。{center}です。{name}様ご本人でいらっしゃいますか。"
    "（本人確認：生年月日またはご住所）"
)
CLOSING = "行き違いでお支払い済みの場合はご容赦ください。お時間をいただきありがとうございました。"
NEVER = "分納の承認・減免・差押え等は市の判断です。その場で約束せず、担当課へ取り次ぎます。"


@dataclass(frozen=True)
class Script:
    subject: str
    points: tuple[str, ...]


_TAX = Script(
    "市税",
    (
        "{subject}が納期限を過ぎて未納となっております。お支払いのご予定をお伺いできますか。",
        "納付書をお持ちでない場合は再発行してお送りします（口座振替のご案内を同封します）。",
        "納期限の翌日から延滞金がかかります。お早めのお支払いをお願いします。",
    ),
)

SCRIPTS: dict[str, Script] = {
    "01": Script(
        "市県民税",
        (
            *_TAX.points,
            "給与からの天引き（特別徴収）でない分のお知らせです。退職等で普通徴収に切り替わった場合があります。",
        ),
    ),
    "02": _TAX,
    "03": _TAX,
    "04": Script(
        "軽自動車税",
        (
            *_TAX.points,
            "廃車・譲渡がお済みの場合は、4月1日時点の所有者に課税されます。手続き方法をご案内します。",
        ),
    ),
    "05": _TAX,
    "06": _TAX,
    "07": _TAX,
    "10": Script(
        "国民健康保険料",
        (
            "{subject}が未納となっております。お支払いのご予定をお伺いできますか。",
            "会社の健康保険に加入された場合は、国保の資格喪失の届出が必要です（14日以内）。",
            "所得の申告がないと軽減が受けられません。未申告の場合は申告をお勧めします。",
        ),
    ),
    "11": Script(
        "国民健康保険被保険者返納金",
        (
            "資格喪失後に国保の保険証で受診された分の医療費の返納金についてのご連絡です。",
            "加入先の健康保険への請求（療養費）の手続きについてご案内できます。",
        ),
    ),
    "12": Script(
        "後期高齢者医療保険料",
        (
            "{subject}が未納となっております。お支払いのご予定をお伺いできますか。",
            "口座振替をご利用いただくと納め忘れがありません。",
        ),
    ),
    "13": Script(
        "介護保険料",
        (
            "{subject}が未納となっております。お支払いのご予定をお伺いできますか。",
            "未納が続くと介護サービス利用時に給付制限がかかる場合があります。",
        ),
    ),
    "14": Script(
        "保育料",
        (
            "{subject}が未納となっております。お支払いのご予定をお伺いできますか。",
            "児童手当からの徴収（申出）もご利用いただけます。",
        ),
    ),
    "15": Script(
        "給食費",
        (
            "お子様の{subject}が未納となっております。お支払いのご予定をお伺いできますか。",
            "「児童手当・特例給付に係る学校給食費等の徴収に関する申出書」の提出で、"
            "児童手当から納めることができます。",
        ),
    ),
}


def script_for(subject_codes: list[str], *, name: str) -> list[tuple[str, list[str]]]:
    """[(heading, lines)] for the subjects owed, opening first and the rules last."""
    from nofu.calls.owed import subject_short

    out = [("冒頭", [OPENING.format(center=CENTER, name=name)])]
    seen: set[Script] = set()
    for code in subject_codes:
        script = SCRIPTS.get(code, _TAX)
        if script in seen:
            continue
        seen.add(script)
        subject = subject_short(code)
        out.append((subject, [p.format(subject=subject) for p in script.points]))
    out.append(("注意", [NEVER]))
    out.append(("終わりに", [CLOSING]))
    return out
