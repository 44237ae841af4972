"""Shared makers for the telephony tests: payers with phones, fixed moments, states."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nofu.payers.models import Payer, Phone, PhoneOrigin, PhoneStatus
from nofu.telephony.models import AgentState, AgentStatus

TOKYO = ZoneInfo("Asia/Tokyo")
# Wednesday 10 June 2026, a business day: within the inbound hours (8:30–17:30)
WEDNESDAY = date(2026, 6, 10)
OPEN = datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)


def at(d: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=TOKYO)


def payer_with_phone(
    name: str, number: str, *, status: str = PhoneStatus.UNKNOWN, **kw: Any
) -> Payer:
    payer = Payer.objects.create(name=name, **kw)
    Phone.objects.create(
        payer=payer,
        number=number,
        origin=PhoneOrigin.CITY_DATA,
        status=status,
        first_seen=date(2025, 4, 1),
        last_seen=date(2025, 4, 1),
    )
    return payer


def set_state(user: Any, state: str, since: datetime, call_id: str = "") -> AgentStatus:
    status, _ = AgentStatus.objects.update_or_create(
        user=user, defaults={"state": state, "since": since, "call_id": call_id}
    )
    return status


def ready(user: Any, since: datetime = OPEN - timedelta(minutes=5)) -> AgentStatus:
    return set_state(user, AgentState.READY, since)
