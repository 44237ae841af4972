"""Japanese phone numbers: one national-digits form for storage and matching.

Numbers are checked against Japan's numbering plan through `phonenumbers`, whose
metadata knows which ranges are allocated (070-0xxx is not; 0800 is toll-free, so
080-0399-3791 and 0800-399-3791 are the same digits). Hyphenation follows the real
area codes: 0436500651 is 0436-50-0651 (市原), never 043-650-0651.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

__all__ = ["PhoneError", "format_phone", "normalize_phone", "phone_kind"]


class PhoneError(ValueError):
    """Not a usable Japanese phone number; the message is for the user (Japanese)."""


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー─━~〜()\[\].・/]")
_LABEL = re.compile(r"^(?:TEL|PHONE|電話番号|電話|携帯|自宅|☎|☏)[:：.]?", re.IGNORECASE)
_INTERNATIONAL = re.compile(r"^(?:\+|00|010)81")


def _clean(s: str) -> str:
    text = unicodedata.normalize("NFKC", s).strip()
    text = _LABEL.sub("", text)
    return _SEPARATORS.sub("", text)


@lru_cache(maxsize=1 << 18)
def _check_digits(digits: str, strict: bool) -> bool:
    if digits[1] != "0" and not digits.startswith("010"):
        # trunk prefix 0 and a national number: built as parse would build it, at a third
        # of the cost (an import checks a million numbers); 00…/010… (prefixes for calls
        # abroad) still go through parse
        number = phonenumbers.PhoneNumber(country_code=81, national_number=int(digits[1:]))
    else:
        try:
            number = phonenumbers.parse(digits, "JP")
        except phonenumbers.NumberParseException:
            return False
    if number.country_code != 81:
        return False
    if strict:
        return phonenumbers.is_valid_number(number)
    return phonenumbers.is_possible_number(number)


@lru_cache(maxsize=1 << 18)
def _normalize(s: str, strict: bool) -> tuple[str, str]:
    """(national digits, "") or ("", error message); errors are cached too."""
    text = _clean(s)
    if not text:
        return "", ""
    international = _INTERNATIONAL.match(text)
    if international:
        rest = text[international.end() :]
        text = rest if rest.startswith("0") else "0" + rest  # +81 (0)80… as well as +81 80…
    if text.startswith("+"):
        return "", f"日本の電話番号ではありません: 「{s}」"
    if not text.isdigit() or not text.isascii():
        return "", f"電話番号として読めません: 「{s}」"
    candidates = [text]
    if not text.startswith("0") and len(text) in (9, 10):
        # Opened and saved in Excel, 0436500651 becomes 436500651.
        candidates.append("0" + text)
    for digits in candidates:
        if digits.startswith("0") and len(digits) in (10, 11) and _check_digits(digits, strict):
            return digits, ""
    if len(text) not in (10, 11) and not (len(text) in (9, 10) and text[0] != "0"):
        return "", f"電話番号の桁数が正しくありません（{len(text)}桁）: 「{s}」"
    return "", f"日本の電話番号として正しくありません: 「{s}」"


def normalize_phone(s: str | None, *, strict: bool = True) -> str:
    """National digits (0436500651) from any common way of writing a number; "" if blank.

    Accepts hyphens and dashes of any width, (043)650-0651, 043(650)0651, full-width
    digits, +81, a "TEL:" label, and a leading zero lost to Excel. With strict=False a
    number of the right length in an unallocated range (070-0951-5978) is kept rather
    than rejected, for callers that would rather show it than lose it.
    """
    if s is None:
        return ""
    digits, error = _normalize(s, strict)
    if error:
        raise PhoneError(error)
    return digits


def phone_kind(national: str) -> str:
    """mobile, fixed, ip (050), free (0120/0800) or other (0570, 0990, 020, …)."""
    if national.startswith(("0120", "0800")):
        return "free"
    if national.startswith(("060", "070", "080", "090")) and len(national) == 11:
        return "mobile"
    if national.startswith("050") and len(national) == 11:
        return "ip"
    if national.startswith(("0570", "0990", "020", "0180", "0910")):
        return "other"
    if len(national) == 10 and national.startswith("0") and national[1] != "0":
        return "fixed"
    return "other"


@lru_cache(maxsize=1 << 16)
def format_phone(national: str) -> str:
    """Hyphenated for display by the real area code (043-212-3456, 080-5330-6926).

    A value phonenumbers cannot place is returned unchanged rather than guessed.
    """
    if not national:
        return ""
    try:
        number = phonenumbers.parse(national, "JP")
    except phonenumbers.NumberParseException:
        return national
    if not phonenumbers.is_possible_number(number):
        return national
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return formatted if formatted.replace("-", "") == national else national
