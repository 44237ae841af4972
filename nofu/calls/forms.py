"""Reading the workspace's forms into the actions' inputs, with Japanese messages.

The conversation form has repeating parts (up to PROMISE_ROWS promise lines), so it is
parsed by hand rather than with a Django Form; the rules themselves live in actions.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from typing import Any

from django.http import QueryDict

from nofu.calls.actions import Conversation, HandoverSpec, PhoneSpec, PromiseLine, ReissueSpec
from nofu.calls.models import ContactKind, ContactResult, Counterpart, Language
from nofu.lib.wareki import parse_date
from nofu.payers.models import PhoneOrigin

PROMISE_ROWS = 4


def new_key() -> str:
    return uuid.uuid4().hex


def _text(post: QueryDict, name: str) -> str:
    return (post.get(name) or "").strip()


def _flag(post: QueryDict, name: str) -> bool:
    return post.get(name) in ("1", "on", "true", "yes")


def _ids(post: QueryDict, name: str) -> list[int]:
    out = []
    for v in post.getlist(name):
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return list(dict.fromkeys(out))


def parse_amount(s: str) -> int | None:
    text = unicodedata.normalize("NFKC", s).replace(",", "").replace("円", "").strip()
    if not re.fullmatch(r"\d{1,12}", text):
        return None
    return int(text)


def parse_day(s: str) -> date | None:
    try:
        return parse_date(s)
    except ValueError:
        return None


def conversation_from_post(post: QueryDict) -> tuple[Conversation, list[str]]:
    """The form as a Conversation, and what could not even be read."""
    problems: list[str] = []
    kind = _text(post, "kind") or ContactKind.OUTBOUND
    result = _text(post, "result") or (
        ContactResult.REACHED_PAYER if kind == ContactKind.OUTBOUND else ContactResult.HANDLED
    )
    lines = []
    for n in range(1, PROMISE_ROWS + 1):
        d, a = _text(post, f"promise_date_{n}"), _text(post, f"promise_amount_{n}")
        if not d and not a:
            continue
        day = parse_day(d) if d else None
        amount = parse_amount(a) if a else None
        if d and day is None:
            problems.append(
                f"納付約束日（{d}）が日付として読めません。例：2026-12-10、令和8年12月10日"
            )
        if not d:
            problems.append(f"{n}行目の納付約束日を入力してください。")
        if a and amount is None:
            problems.append(f"約束額（{a}）は円単位の数字で入力してください。")
        if not a:
            problems.append(f"{n}行目の約束額を入力してください。")
        if day is not None and amount is not None:
            lines.append(PromiseLine(day, amount))
    reissue = None
    if _flag(post, "reissue"):
        reissue = ReissueSpec(
            installment_ids=tuple(_ids(post, "reissue_inst")),
            to_registered=_text(post, "reissue_to") != "other",
            postal_code=_text(post, "reissue_postal"),
            address=_text(post, "reissue_address"),
            building=_text(post, "reissue_building"),
            addressee=_text(post, "reissue_addressee"),
            flyer_declined=_flag(post, "flyer_declined"),
        )
    handovers = []
    if _text(post, "handover_department") or _text(post, "handover_detail"):
        handovers.append(
            HandoverSpec(
                _text(post, "handover_department"),
                _text(post, "handover_reason"),
                _text(post, "handover_detail"),
            )
        )
    phones = []
    if _text(post, "new_phone"):
        phones.append(
            PhoneSpec(
                _text(post, "new_phone"),
                _text(post, "new_phone_kind"),
                _text(post, "new_phone_origin") or PhoneOrigin.HEARD,
            )
        )
    rung_on = parse_day(_text(post, "rung_on")) if _text(post, "rung_on") else None
    language = _text(post, "language") or Language.JAPANESE
    counterpart = post.get("counterpart", Counterpart.PAYER)
    conv = Conversation(
        kind=kind,
        result=result,
        phone_number=_text(post, "phone_number"),
        counterpart=counterpart if counterpart in Counterpart.values else Counterpart.PAYER,
        inquiry_category=_text(post, "inquiry_category"),
        language=language if language in Language.values else Language.JAPANESE,
        account_transfer_recommended=_flag(post, "account_transfer"),
        income_declaration_reminded=_flag(post, "income_declaration"),
        nhi_loss_explained=_flag(post, "nhi_loss"),
        child_allowance_form_promised=_flag(post, "child_allowance"),
        promise_lines=lines,
        promise_installment_ids=_ids(post, "promise_inst"),
        reissue=reissue,
        handovers=handovers,
        complaint=_text(post, "complaint"),
        new_phones=phones,
        operator_words=_text(post, "operator_words"),
        # the 交渉記事 counts as the operator's only once it differs from the last draft
        note=_text(post, "note") if _text(post, "note") != _text(post, "note_draft") else "",
        call_id=_text(post, "call_id"),
        rung_on=rung_on,
    )
    return conv, problems


def form_state(post: QueryDict | None) -> dict[str, Any]:
    """What the template needs to show the form again as it was typed."""
    if post is None:
        return {
            "promise_rows": [{"n": n, "date": "", "amount": ""} for n in range(1, PROMISE_ROWS + 1)]
        }
    return {
        "promise_rows": [
            {
                "n": n,
                "date": post.get(f"promise_date_{n}", ""),
                "amount": post.get(f"promise_amount_{n}", ""),
            }
            for n in range(1, PROMISE_ROWS + 1)
        ],
        "promise_inst": set(_ids(post, "promise_inst")),
        "reissue_inst": set(_ids(post, "reissue_inst")),
        "post": post,
    }
