from django import template

from nofu.lib.phones import format_phone

register = template.Library()


@register.filter
def phone(number: str) -> str:
    """National digits → 043-245-5000 for reading; blank stays blank."""
    return format_phone(number or "")
