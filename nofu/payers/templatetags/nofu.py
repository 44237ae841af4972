"""Filters every page uses: phone numbers, yen, postal codes, 和暦."""

from __future__ import annotations

from datetime import date

from django import template

from nofu.lib.phones import format_phone
from nofu.lib.wareki import to_wareki

register = template.Library()


@register.filter
def phone(number: str) -> str:
    if not number:
        return ""
    try:
        return format_phone(number)
    except ValueError:
        return number


@register.filter
def yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


@register.filter
def postal(code: str) -> str:
    return f"〒{code[:3]}-{code[3:]}" if code and len(code) == 7 else code or ""


@register.filter
def wareki(d: date | None) -> str:
    return to_wareki(d) if d else "—"
