"""Who is calling: the payers an incoming number belongs to, and whether we rang it.

Both are single indexed lookups (Phone.number; CallEvent (callee, at); ContactEvent
(phone_number, at)), so they can run while the phone rings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, When
from django.utils import timezone

from nofu.lib.phones import PhoneError, normalize_phone
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony.models import CallEvent, EventKind

RETURN_CALL_DAYS = 14  # default: a call from a number we rang this many days back is a 返電


def caller_digits(number: str | None) -> str:
    """National digits of an incoming number, "" when it cannot be one (非通知, garbage)."""
    try:
        return normalize_phone(number or "", strict=False)
    except PhoneError:
        return ""


def lookup_caller(number: str | None) -> list[Payer]:
    """The payers this number is registered for, confirmed numbers first.

    A number marked invalid (不通・誤り) for a payer is not theirs, so it does not point
    to them; an unreadable or withheld number finds nobody.
    """
    digits = caller_digits(number)
    if not digits:
        return []
    phones = (
        Phone.objects.filter(number=digits)
        .exclude(status=PhoneStatus.INVALID)
        .select_related("payer")
        .annotate(rank=Case(When(status=PhoneStatus.CONFIRMED, then=0), default=1))
        .order_by("rank", "-last_seen", "payer_id")
    )
    seen: set[int] = set()
    payers: list[Payer] = []
    for phone in phones:
        if phone.payer_id not in seen:
            seen.add(phone.payer_id)
            payers.append(phone.payer)
    return payers


@dataclass(frozen=True)
class ReturnCall:
    """We rang this number lately: when, who rang, and for which payer (if known)."""

    at: datetime
    operator: Any  # a User, or None when the phone system did not say
    payer_id: int | None
    via: str  # "dialed" (phone system) or "contact" (contact record)


def return_call_days() -> int:
    """The manager's setting (架電の設定), else 14 days."""
    from nofu.calls.models import CallSettings

    return getattr(CallSettings.current(), "return_call_days", None) or RETURN_CALL_DAYS


def recent_dial(
    number: str | None, *, at: datetime | None = None, days: int | None = None
) -> ReturnCall | None:
    """The latest call we made to this number in the `days` before `at`, or None.

    Looks both at the phone system's `dialed` events and at outbound contact records,
    because outbound calls may be recorded by hand when no phone system is connected.
    `days` defaults to the manager's setting, as the workspace's inbound page uses.
    """
    from nofu.calls.models import ContactEvent, ContactKind

    digits = caller_digits(number)
    if not digits:
        return None
    days = days if days is not None else return_call_days()
    at = at or timezone.now()
    since = at - timedelta(days=days)
    found: list[ReturnCall] = []
    dial = (
        CallEvent.objects.filter(callee=digits, kind=EventKind.DIALED, at__gte=since, at__lt=at)
        .select_related("agent")
        .order_by("-at")
        .first()
    )
    if dial is not None:
        found.append(ReturnCall(dial.at, dial.agent, dial.payer_id, "dialed"))
    contact = (
        ContactEvent.objects.filter(
            phone_number=digits, kind=ContactKind.OUTBOUND, at__gte=since, at__lt=at
        )
        .select_related("operator")
        .order_by("-at")
        .first()
    )
    if contact is not None:
        found.append(ReturnCall(contact.at, contact.operator, contact.payer_id, "contact"))
    return max(found, key=lambda r: r.at) if found else None


def is_return_call(number: str | None, *, at: datetime | None = None) -> bool:
    return recent_dial(number, at=at) is not None
