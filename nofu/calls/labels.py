"""Address sheets for window envelopes (長3 窓付き封筒), one A4 page per envelope.

Layout assumption: A4 folded in three (Z-fold, 99 mm panels) into a 長3 window envelope
(120×235 mm) whose window is 90×45 mm, 23 mm from the left and 14 mm from the top edge —
the common position for A4 三つ折り. The address block is printed inside that rectangle
with a 3 mm margin on every side so a sheet that slides a little still shows it whole.
The rest of the page is a short cover letter listing the slips enclosed.

Fonts: an embeddable TrueType Japanese font when one is installed (IPAex/IPA Gothic,
Debian's fonts-ipaexfont / fonts-ipafont); otherwise the standard Adobe-Japan1 CID font
(HeiseiKakuGo-W5), which every PDF viewer renders with its own Japanese font. Debian's
Noto CJK ships CFF outlines, which reportlab cannot embed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from nofu.calls.owed import installment_label
from nofu.lib.wareki import to_wareki

WINDOW_LEFT = 23 * mm
WINDOW_TOP = 14 * mm
WINDOW_W = 90 * mm
WINDOW_H = 45 * mm
MARGIN = 3 * mm
PANEL = 99 * mm  # A4 height / 3

SENDER = "千葉市役所納付推進センター"

TTF_CANDIDATES = [
    ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", 0),
    ("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf", 0),
]
_font: str | None = None


def japanese_font() -> str:
    """The registered font name: an embedded TrueType if available, else the CID font."""
    global _font
    if _font is None:
        for path, index in TTF_CANDIDATES:
            if Path(path).exists():
                try:
                    pdfmetrics.registerFont(TTFont("NofuGothic", path, subfontIndex=index))
                    _font = "NofuGothic"
                    break
                except Exception:  # noqa: BLE001 - a broken font file: try the next
                    continue
        if _font is None:
            pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
            _font = "HeiseiKakuGo-W5"
    return _font


# never at the start of a line (行頭禁則, the common part of JIS X 4051's list)
NO_LINE_START = "、。，．・：；？！）」』】〕ー々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Japanese wraps anywhere but before a character of NO_LINE_START, which takes the
    previous character down with it."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, font, size) > width and line:
            if ch in NO_LINE_START:
                line, ch = line[:-1], line[-1] + ch
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size ≤ size (down to smallest) at which text fits on one line."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _address_block(c: Any, env: Any, font: str, batch_no: int) -> None:
    page_h = A4[1]
    left = WINDOW_LEFT + MARGIN
    width = WINDOW_W - 2 * MARGIN
    top = page_h - WINDOW_TOP - MARGIN
    bottom = page_h - WINDOW_TOP - WINDOW_H + MARGIN
    y = top - 10
    if env.postal_code:
        c.setFont(font, 10)
        c.drawString(left, y, f"〒{env.postal_code[:3]}-{env.postal_code[3:]}")
        y -= 14
    size = 10.5
    lines = wrap(env.address, font, size, width)
    if len(lines) > 2:
        size = 9
        lines = wrap(env.address, font, size, width)
    if env.building:
        lines += wrap(env.building, font, size, width)
    c.setFont(font, size)
    for line in lines[:4]:
        c.drawString(left, y, line)
        y -= size + 3
    name = f"{env.addressee}　様"
    nsize = fit(name, font, 14, width, 9)
    y = min(y - 4, bottom + 16)
    c.setFont(font, nsize)
    c.drawString(left + 4 * mm, y, name)
    c.setFont(font, 6.5)
    c.drawString(left, bottom, f"{env.payer.payer_no}　発送第{batch_no}号-{env.seq}")


def _cover_letter(c: Any, env: Any, font: str, printed_on: date) -> None:
    page_w, page_h = A4
    right = page_w - 20 * mm
    c.setFont(font, 9)
    c.drawRightString(right, page_h - 20 * mm, to_wareki(printed_on))
    c.drawRightString(right, page_h - 25 * mm, SENDER)
    c.setFont(font, 7)
    c.drawRightString(right, page_h - 30 * mm, "（千葉市から委託を受けて送付しています）")
    # fold marks on the left edge
    c.setLineWidth(0.3)
    for k in (1, 2):
        y = page_h - PANEL * k
        c.line(0, y, 6 * mm, y)
    left = 25 * mm
    y = page_h - PANEL - 18 * mm
    c.setFont(font, 14)
    c.drawString(left, y, "納付書の送付について")
    y -= 12 * mm
    c.setFont(font, 10.5)
    body = (
        "お申し出のありました納付書をお送りします。納期限を過ぎておりますので、"
        "お早めに金融機関・コンビニエンスストア等でお納めください。"
        "行き違いで納付済みの場合はご容赦ください。"
    )
    for line in wrap(body, font, 10.5, page_w - 2 * left):
        c.drawString(left, y, line)
        y -= 16
    y -= 6
    c.drawString(left, y, "同封の納付書")
    y -= 16
    for inst in env.installments[:14]:
        c.drawString(
            left + 6 * mm, y, f"・{installment_label(inst)}（納期限 {to_wareki(inst.due_date)}）"
        )
        y -= 15
    if len(env.installments) > 14:
        c.drawString(left + 6 * mm, y, f"ほか{len(env.installments) - 14}件")
        y -= 15
    if env.flyer:
        y -= 6
        c.drawString(
            left, y, "口座振替のご案内を同封しました。納め忘れのない口座振替をご利用ください。"
        )


def labels_pdf(envelopes: Sequence[Any], *, batch_no: int, printed_on: date) -> bytes:
    """One page per envelope; the address shows through a 長3 window (see module doc)."""
    font = japanese_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"納付書発送 宛名（発送バッチ第{batch_no}号）")
    c.setAuthor(SENDER)
    for env in envelopes:
        _address_block(c, env, font, batch_no)
        _cover_letter(c, env, font, printed_on)
        c.showPage()
    c.save()
    return buf.getvalue()
