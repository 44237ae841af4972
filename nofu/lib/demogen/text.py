"""Japanese text forms the city's systems write: kana widths, kanji numerals, dashes, 〓.

Everything here is a plain string transform built once into `str.translate` tables, so a
million rows cost little. The forms are the ones data-exchange.md §1 allows.
"""

from __future__ import annotations

import unicodedata

GETA = "〓"

# --- kana -------------------------------------------------------------------------------


def _halfwidth_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        hw = chr(cp)
        fw = unicodedata.normalize("NFKC", hw)
        if len(fw) == 1 and fw != hw:
            table[ord(fw)] = hw
    # Voiced and semi-voiced kana become base + a separate mark (ｶﾞ, ﾊﾟ), as legacy
    # systems write them; NFC composes base + combining mark into the full-width form.
    for fw_cp, hw in list(table.items()):
        for mark, hw_mark in (("\u3099", "ﾞ"), ("\u309a", "ﾟ")):
            voiced = unicodedata.normalize("NFC", chr(fw_cp) + mark)
            if len(voiced) == 1:
                table[ord(voiced)] = hw + hw_mark
    table[ord("ヮ")] = "ﾜ"
    table[ord("ヵ")] = "ｶ"
    table[ord("ヶ")] = "ｹ"
    table[ord("　")] = " "
    return table


_TO_HALFWIDTH = _halfwidth_table()
# ヴ ヵ ヶ stay katakana: their hiragana forms (ゔ ゕ ゖ) are not in CP932 and rare in use.
_TO_HIRAGANA = {
    cp: chr(cp - 0x60) for cp in range(ord("ァ"), ord("ヶ") + 1) if chr(cp) not in "ヴヵヶ"
}
_SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
_FULLWIDTH_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")
_FULLWIDTH_ASCII = {cp: chr(cp + 0xFEE0) for cp in range(0x21, 0x7F)} | {0x20: "　"}


def halfwidth_kana(s: str) -> str:
    """ﾀｶｷﾞ ﾀﾂﾔ: half-width katakana with the voicing marks as separate characters."""
    return s.translate(_TO_HALFWIDTH)


def hiragana(s: str) -> str:
    return s.translate(_TO_HIRAGANA)


def small_kana_large(s: str) -> str:
    """キョウコ → キヨウコ: old systems had no small kana."""
    return s.translate(_SMALL_TO_LARGE)


def fullwidth_digits(s: str) -> str:
    return s.translate(_FULLWIDTH_DIGITS)


def fullwidth_ascii(s: str) -> str:
    return s.translate(_FULLWIDTH_ASCII)


def is_halfwidth_kana(s: str) -> bool:
    return any("\uff61" <= ch <= "\uff9f" for ch in s)


# --- numbers ----------------------------------------------------------------------------

_KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """27 → 二十七, 1105 → 千百五: the way addresses are written in words (n < 10000)."""
    if n == 0:
        return "〇"
    out = []
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, unit)
        if d:
            out.append(("" if d == 1 else _KANJI_DIGITS[d]) + name)
    if n:
        out.append(_KANJI_DIGITS[n])
    return "".join(out)


# Dash-like characters seen between address numbers. Only some exist in CP932; the
# others appear only in the UTF-8 file.
DASHES_CP932 = ("-", "－", "‐", "―", "ー", "ｰ", "─")
DASHES_UTF8 = DASHES_CP932 + ("–", "—", "−")


# --- CP932 ------------------------------------------------------------------------------

_cp932_cache: dict[str, str] = {}


def to_cp932(s: str) -> str:
    """Replace every character CP932 cannot hold with 〓, as the city's export does."""
    if s.isascii():
        return s
    hit = _cp932_cache.get(s)
    if hit is not None:
        return hit
    try:
        s.encode("cp932")
        out = s
    except UnicodeEncodeError:
        chars = []
        for ch in s:
            try:
                ch.encode("cp932")
                chars.append(ch)
            except UnicodeEncodeError:
                chars.append(GETA)
        out = "".join(chars)
    if len(_cp932_cache) < 200_000:
        _cp932_cache[s] = out
    return out
