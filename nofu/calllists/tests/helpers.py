"""Test data through the ORM: payers with installments and phones, contacts, a fixed clock."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from unittest import mock

from nofu.calllists import clock, planning, rules
from nofu.calllists.models import Session, SessionKind
from nofu.calls.models import ContactEvent, ContactKind
from nofu.intake.models import BatchStatus, ImportBatch
from nofu.lib.business_calendar import TOKYO
from nofu.payers.models import Installment, Payer, Phone, PhoneOrigin, PhoneStatus

_seq = itertools.count(1)


def jst(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


@contextmanager
def frozen(at: datetime):  # type: ignore[no-untyped-def]
    """Sets this app's clock (the queue, the board, the actions) to `at`."""
    planning.forget_cached_plan()
    rules.forget_cached_policy()  # settings rolled back with a test send no signal
    with mock.patch.object(clock, "now", lambda: at):
        yield
    planning.forget_cached_plan()
    rules.forget_cached_policy()


def batch() -> ImportBatch:
    return ImportBatch.objects.create(
        file_name="test.csv", sha256="0" * 64, status=BatchStatus.IMPORTED
    )


def make_payer(
    name: str = "",
    *,
    owed: list[tuple[str, int, int, date]] | None = None,
    phone: str | None = "09012345678",
    phone_status: str = PhoneStatus.UNKNOWN,
    address: str = "千葉県千葉市中央区千葉港1-1",
    nationality: str = "日本",
    account_transfer: bool = False,
    b: ImportBatch | None = None,
) -> Payer:
    """A payer with installments (subject, fiscal year, unpaid, due date) and a phone."""
    n = next(_seq)
    owed = owed if owed is not None else [("01", 2024, 50_000, date(2025, 1, 31))]
    ward = address.split("千葉市")[-1] if "千葉市" in address else address
    p = Payer.objects.create(
        name=name or f"試験 太郎{n}",
        nationality=nationality,
        address=address,
        address_key=ward,
        total_unpaid=sum(o[2] for o in owed),
        open_installments=len(owed),
        account_transfer=account_transfer,
    )
    b = b or batch()
    for i, (code, fy, unpaid, due) in enumerate(owed):
        Installment.objects.create(
            source_system="統一滞納管理",
            receivable_key=f"K{n}-{i}",
            payer=p,
            subject_code=code,
            fiscal_year=fy,
            installment=str(i + 1),
            due_date=due,
            assessed=unpaid,
            unpaid=unpaid,
            name=p.name,
            batch=b,
            row_no=i + 1,
            handed_over_on=date(2025, 4, 1),
            unpaid_at_handover=unpaid,
        )
    if phone:
        Phone.objects.create(
            payer=p,
            number=phone,
            origin=PhoneOrigin.CITY_DATA,
            status=phone_status,
            first_seen=date(2025, 4, 1),
            last_seen=date(2025, 4, 1),
        )
    return p


def contact(
    payer: Payer,
    operator: Any,
    at: datetime,
    result: str,
    kind: str = ContactKind.OUTBOUND,
    **kw: Any,
) -> ContactEvent:
    return ContactEvent.objects.create(
        payer=payer, kind=kind, result=result, at=at, operator=operator, note="試験", **kw
    )


def plan(nights: list[date] = (), weekends: list[date] = ()) -> None:  # type: ignore[assignment]
    Session.objects.bulk_create(
        [Session(date=d, kind=SessionKind.NIGHT) for d in nights]
        + [Session(date=d, kind=SessionKind.WEEKEND) for d in weekends]
    )
    planning.forget_cached_plan()
