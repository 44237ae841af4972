"""Payers with installments and phones for the workspace's tests, without an import."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from nofu.intake.importer import payers_refresh_totals
from nofu.intake.models import BatchStatus, ImportBatch
from nofu.payers.models import Address, Installment, Payer, Payment, Phone, PhoneOrigin

_n = [0]


def batch() -> ImportBatch:
    return ImportBatch.objects.create(
        file_name="t.csv", sha256="0" * 64, status=BatchStatus.IMPORTED
    )


def today() -> date:
    return timezone.localdate()


def make_payer(
    name: str = "山田 太郎",
    *,
    kana: str = "ヤマダ タロウ",
    phones: tuple[str, ...] = ("09012345678",),
    installments: tuple[tuple[str, int, str, int], ...] = (
        ("01", 2025, "1", 30000),
        ("01", 2025, "2", 20000),
    ),
    address: str = "千葉市中央区千葉港1-1",
    postal_code: str = "2600026",
) -> Payer:
    """installments: (subject code, fiscal year, 期別, unpaid); due dates months in the past."""
    payer = Payer.objects.create(
        name=name,
        name_kana=kana,
        postal_code=postal_code,
        address=address,
        birth_date=date(1980, 1, 2),
    )
    b = batch()
    d0 = today() - timedelta(days=200)
    for k, (code, year, period, unpaid) in enumerate(installments):
        _n[0] += 1
        Installment.objects.create(
            source_system="統一滞納管理" if code != "15" else "給食費",
            receivable_key=f"T{_n[0]:08d}",
            payer=payer,
            resident_no="1000000001",
            subject_code=code,
            subject_name="",
            fiscal_year=year,
            installment=period,
            due_date=d0 + timedelta(days=31 * k),
            assessed=unpaid or 10000,
            unpaid=unpaid,
            name=name,
            batch=b,
            row_no=k + 2,
            handed_over_on=today() - timedelta(days=60),
            unpaid_at_handover=unpaid,
        )
    for number in phones:
        Phone.objects.create(
            payer=payer,
            number=number,
            origin=PhoneOrigin.CITY_DATA,
            first_seen=today() - timedelta(days=60),
            last_seen=today() - timedelta(days=60),
        )
    Address.objects.create(
        payer=payer,
        postal_code=postal_code,
        address=address,
        key=address,
        origin=PhoneOrigin.CITY_DATA,
        first_seen=today(),
        last_seen=today(),
    )
    payers_refresh_totals([payer.pk])
    payer.refresh_from_db()
    return payer


def pay(inst: Installment, amount: int, paid_on: date) -> Payment:
    _n[0] += 1
    return Payment.objects.create(
        source_system=inst.source_system,
        receivable_key=inst.receivable_key,
        installment=inst,
        paid_on=paid_on,
        amount=amount,
        method="コンビニ",
        occurrence=_n[0],
        batch=batch(),
    )


def insts(payer: Payer) -> list[Installment]:
    return list(payer.installments.order_by("due_date", "id"))


def post_data(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}
