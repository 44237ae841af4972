"""Reads the workspace and its neighbours need: who is calling, what happened before,
which promises were broken. No writes here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from nofu.calls.actions import phone_normalize_lenient
from nofu.calls.models import (
    ContactEvent,
    ContactKind,
    ContactResult,
    PaymentPromise,
    PromiseStatus,
)
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony.lookup import lookup_caller, recent_dial


@dataclass(frozen=True)
class Rung:
    """Our latest outbound call to a number: when, by whom, for which payer."""

    at: datetime
    operator: str
    payer: Payer | None


@dataclass
class CallerMatch:
    number: str  # national digits, "" when none was given or readable
    payers: list[Payer] = field(default_factory=list)
    rung: Rung | None = None  # set when we rang this number recently

    @property
    def is_return_call(self) -> bool:
        return self.rung is not None


def caller_lookup(number: str, *, days: int | None = None) -> CallerMatch:
    """The payer(s) a number belongs to, and whether we rang it within `days` (返電).

    The telephony app's lookups, so the inbound page and the phone system's events agree:
    registered numbers (confirmed first, invalid marks ignored), and our latest call to the
    number from the phone system's dial events or the outbound contact records.
    """
    digits = phone_normalize_lenient(number) if number else ""
    if not digits:
        return CallerMatch("")
    payers = lookup_caller(digits)[:20]
    back = recent_dial(digits, days=days)
    if back is None:
        return CallerMatch(digits, payers)
    payer = next((p for p in payers if p.pk == back.payer_id), None)
    if payer is None and back.payer_id is not None:
        payer = Payer.objects.filter(pk=back.payer_id).first()
        if payer is not None:
            payers.insert(0, payer)
    op = back.operator
    who = (op.display_name or op.username) if op is not None else "電話システム"
    return CallerMatch(digits, payers, Rung(back.at, who, payer))


@dataclass
class PhoneHistory:
    phone: Phone
    counts: dict[str, int]  # result label → n
    last: list[ContactEvent]

    @property
    def summary(self) -> str:
        return "、".join(f"{k}{v}回" for k, v in self.counts.items())


def phone_histories(payer: Payer, contacts: list[ContactEvent]) -> list[PhoneHistory]:
    """Every phone of the payer, usable ones first, with what happened on it."""
    by_number: dict[str, list[ContactEvent]] = {}
    for c in contacts:
        if c.phone_number:
            by_number.setdefault(c.phone_number, []).append(c)
    order = {PhoneStatus.CONFIRMED: 0, PhoneStatus.UNKNOWN: 1, PhoneStatus.INVALID: 2}
    phones = sorted(
        payer.phones.all(), key=lambda p: (order.get(p.status, 1), -p.last_seen.toordinal())
    )
    out = []
    for ph in phones:
        events = by_number.get(ph.number, [])
        counts = Counter(ContactResult(e.result).label for e in events)
        out.append(PhoneHistory(ph, dict(counts.most_common()), events[:3]))
    return out


def contact_history(payer: Payer, limit: int = 30) -> list[ContactEvent]:
    return list(
        ContactEvent.objects.filter(payer=payer)
        .select_related("operator")
        .only(
            "id",
            "payer_id",
            "at",
            "kind",
            "result",
            "note",
            "phone_number",
            "operator__display_name",
            "operator__username",
        )
        .order_by("-at", "-id")[:limit]
    )


def open_promises(payer: Payer) -> list[PaymentPromise]:
    return list(
        PaymentPromise.objects.filter(payer=payer)
        .exclude(status=PromiseStatus.CANCELLED)
        .order_by("-promised_on")[:10]
    )


def broken_promises_for_follow_up() -> QuerySet[PaymentPromise]:
    """Broken and partly kept promises nobody has followed up yet (for a call list).

    Followed up means: a call with the payer on or after the settlement day, or a newer
    open promise. Payers who no longer owe anything drop out.
    """
    later_contact = ContactEvent.objects.filter(
        payer_id=OuterRef("payer_id"),
        kind__in=[ContactKind.OUTBOUND, ContactKind.INBOUND, ContactKind.RETURN_CALL],
        at__date__gte=OuterRef("settled_on"),
    )
    newer_promise = PaymentPromise.objects.filter(
        payer_id=OuterRef("payer_id"), status=PromiseStatus.OPEN
    )
    return (
        PaymentPromise.objects.filter(
            status__in=[PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT],
            payer__total_unpaid__gt=0,
        )
        .exclude(Exists(later_contact))
        .exclude(Exists(newer_promise))
        .select_related("payer")
        .order_by("settled_on", "id")
    )


def contacts_today(user: Any) -> dict[str, int]:
    """The operator's own count of today, shown on the screen."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = (
        ContactEvent.objects.filter(operator=user, at__gte=start)
        .exclude(kind=ContactKind.MAIL)
        .aggregate(
            total=Count("id"), reached=Count("id", filter=Q(result__in=ContactResult.reached()))
        )
    )
    return {"total": counts["total"], "reached": counts["reached"]}
