"""The seam between call lists and the operator screen: who is called next.

The operator screen (nofu.calls) calls only `next_payer` and `release`; how the next
payer is chosen (published lists, calling windows, retries, caps, callbacks, one
operator at a time) lives behind them, in this app.

This first version is deliberately simple: the payer with the largest unpaid total
who has a usable phone, no contact today and no open promise, leased to one operator
for LEASE_MINUTES. The call-list issue replaces the choice, not the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from nofu.calls.models import ContactEvent, PaymentPromise, PromiseStatus
from nofu.payers.models import Payer, Phone, PhoneStatus
from nofu.telephony.models import AgentState, AgentStatus

LEASE_MINUTES = 15


@dataclass
class Offer:
    payer: Payer
    reason: str  # why this payer now, shown to the operator
    list_name: str = ""


@transaction.atomic
def next_payer(*, operator: Any) -> Offer | None:
    now = timezone.now()
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    leased = AgentStatus.objects.filter(
        payer_id=OuterRef("pk"), since__gte=now - timedelta(minutes=LEASE_MINUTES)
    ).exclude(user=operator)
    qs = (
        Payer.objects.filter(total_unpaid__gt=0)
        .filter(
            Exists(
                Phone.objects.filter(payer_id=OuterRef("pk")).exclude(status=PhoneStatus.INVALID)
            )
        )
        .exclude(Exists(ContactEvent.objects.filter(payer_id=OuterRef("pk"), at__gte=today_start)))
        .exclude(
            Exists(
                PaymentPromise.objects.filter(payer_id=OuterRef("pk"), status=PromiseStatus.OPEN)
            )
        )
        .exclude(Exists(leased))
        .order_by("-total_unpaid", "id")
    )
    payer = qs.select_for_update(skip_locked=True).first() if _pg() else qs.first()
    if payer is None:
        return None
    AgentStatus.objects.update_or_create(
        user=operator, defaults={"payer": payer, "since": now, "state": AgentState.READY}
    )
    return Offer(payer=payer, reason="未納額の大きい順（架電リスト未作成時の既定）")


def release(*, operator: Any) -> None:
    AgentStatus.objects.filter(user=operator).update(payer=None)


def _pg() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
