"""A small day with known counts (2025-12-01, a Monday) and a little of its month.

Every count the reports should show is written out in the tests that use this; the
records are created through the ORM, as the operator screens would leave them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from nofu.calls.models import (
    Complaint,
    ContactEvent,
    ContactKind,
    ContactResult,
    Counterpart,
    Department,
    Handover,
    HandoverReason,
    PaymentPromise,
    PromiseStatus,
    ReissueStatus,
    SlipReissue,
)
from nofu.intake.models import BatchStatus, FileKind, ImportBatch
from nofu.payers.models import (
    Address,
    Installment,
    Payer,
    Payment,
    Phone,
    PhoneKind,
    PhoneOrigin,
    PhoneStatus,
)
from nofu.telephony.models import CallEvent, Direction, EventKind

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = date(2025, 12, 1)
DAY2 = date(2025, 12, 15)
SATURDAY = date(2025, 12, 13)


def at(d: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=TOKYO)


def batch(kind: str = FileKind.CALL_TARGETS) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name="統一滞納管理_20251120.csv",
        kind=kind,
        sha256="0" * 64,
        status=BatchStatus.IMPORTED,
    )


def installment(
    payer: Payer,
    key: str,
    *,
    b: ImportBatch,
    system: str = "統一滞納管理",
    resident: str = "",
    code: str = "01",
    unpaid: int = 50000,
    handed_over_on: date = date(2025, 11, 20),
    unpaid_at_handover: int | None = None,
    **extra: Any,
) -> Installment:
    return Installment.objects.create(
        source_system=system,
        receivable_key=key,
        payer=payer,
        resident_no=resident,
        subject_code=code,
        fiscal_year=2025,
        installment="1",
        due_date=date(2025, 6, 30),
        assessed=unpaid,
        unpaid=unpaid,
        name=payer.name,
        batch=b,
        row_no=1,
        handed_over_on=handed_over_on,
        unpaid_at_handover=unpaid if unpaid_at_handover is None else unpaid_at_handover,
        **extra,
    )


def payment(inst: Installment, on: date, amount: int, b: ImportBatch, n: int = 1) -> Payment:
    return Payment.objects.create(
        source_system=inst.source_system,
        receivable_key=inst.receivable_key,
        installment=inst,
        paid_on=on,
        amount=amount,
        method="コンビニ",
        occurrence=n,
        batch=b,
    )


@dataclass
class Scenario:
    payers: dict[str, Payer] = field(default_factory=dict)
    inst: dict[str, Installment] = field(default_factory=dict)
    contacts: dict[str, ContactEvent] = field(default_factory=dict)


def build(*, operator: Any, supervisor: Any) -> Scenario:
    s = Scenario()
    b = batch()
    pb = batch(FileKind.PAYMENTS)
    p1 = Payer.objects.create(name="山田 太郎", address="千葉市中央区千葉港1-1")
    p2 = Payer.objects.create(name="髙橋 𠮷子")
    p3 = Payer.objects.create(name="鈴木 一郎")
    p4 = Payer.objects.create(name="NGUYEN VAN AN", nationality="ベトナム")
    s.payers = {"p1": p1, "p2": p2, "p3": p3, "p4": p4}
    s.inst = {
        "U1": installment(p1, "U0001", b=b, resident="1000000001", unpaid=50000),
        "U2": installment(p1, "U0002", b=b, resident="1000000001", code="10", unpaid=30000),
        "U3": installment(p2, "U0003", b=b, resident="1000000002", unpaid=40000),
        "K1": installment(
            p3,
            "K0001",
            b=b,
            system="給食費",
            code="15",
            unpaid=12000,
            child_name="鈴木 花子",
            school_name="千葉市立中央小学校",
        ),
        "U4": installment(p4, "U0004", b=b, resident="1000000004", unpaid=25000),
    }

    def contact(
        name: str,
        when: datetime,
        kind: str,
        result: str,
        payer: Payer | None,
        insts: list[str] = (),  # type: ignore[assignment]
        **extra: Any,
    ) -> ContactEvent:
        c = ContactEvent.objects.create(
            at=when, kind=kind, result=result, payer=payer, operator=operator, **extra
        )
        c.installments.set([s.inst[k] for k in insts])
        s.contacts[name] = c
        return c

    O, IN, RC, MAIL = (
        ContactKind.OUTBOUND,
        ContactKind.INBOUND,
        ContactKind.RETURN_CALL,
        ContactKind.MAIL,
    )
    R = ContactResult
    # the day before and the day after, at the edges: not in the day's figures
    contact("before", at(date(2025, 11, 30), 23, 59, 59), O, R.NO_ANSWER, p1, ["U1"], note="前日")
    contact("after", at(date(2025, 12, 2), 0, 0, 0), O, R.NO_ANSWER, p1, ["U1"], note="翌日")
    # the day itself
    contact(
        "c1",
        at(DAY, 0, 0, 0),
        O,
        R.NO_ANSWER,
        p1,
        ["U1", "U2"],
        phone_number="0432221111",
        note="不在。呼出10回。",
    )
    c2 = contact(
        "c2",
        at(DAY, 9, 30),
        O,
        R.REACHED_PAYER,
        p1,
        ["U2", "U1"],
        counterpart=Counterpart.PAYER,
        phone_number="0432221111",
        account_transfer_recommended=True,
        note="本人と通話。市県民税・国保料の未納80,000円について、12/10に20,000円、"
        "1/10に30,000円の分納を約束。\n納付書の再発行を希望、登録住所へ送付。",
    )
    contact("c3", at(DAY, 10, 0), O, R.BUSY, p2, ["U3"], phone_number="09011112222", note="話中。")
    c4 = contact(
        "c4",
        at(DAY, 10, 15),
        O,
        R.REACHED_PAYER,
        p2,
        ["U3"],
        counterpart=Counterpart.PAYER,
        phone_number="09011112222",
        nhi_loss_explained=True,
        income_declaration_reminded=True,
        note="𠮷子様本人と通話。社保加入済みとのこと、国保の資格喪失手続きを案内。"
        "所得申告を勧奨。減免の相談は健康保険課へ取次ぎ。",
    )
    contact(
        "c5",
        at(DAY, 11, 0),
        IN,
        R.HANDLED,
        p3,
        ["K1"],
        counterpart=Counterpart.FAMILY,
        phone_number="0432223333",
        child_allowance_form_promised=True,
        inquiry_category="payment_methods",
        note="母より受電。給食費の納付方法を説明、児童手当からの徴収の申出書を提出すると約束。",
    )
    c6 = contact(
        "c6",
        at(DAY, 13, 0),
        RC,
        R.HANDLED,
        p4,
        ["U4"],
        counterpart=Counterpart.PAYER,
        phone_number="08055556666",
        language="en",
        note="Return call from the payer (English). 電話が多いとの苦情、SVが対応。",
    )
    contact(
        "c7",
        at(DAY, 14, 0),
        O,
        R.VOICEMAIL,
        p4,
        ["U4"],
        phone_number="08055556666",
        note="留守番電話。伝言なし。",
    )
    contact(
        "c8",
        at(DAY, 15, 0),
        O,
        R.REACHED_OTHER,
        p3,
        ["K1"],
        counterpart=Counterpart.FAMILY,
        phone_number="0432223333",
        note="父に伝言、折り返しを依頼。",
    )
    contact(
        "c9",
        at(DAY, 16, 0),
        IN,
        R.HANDLED,
        None,
        phone_number="09012345678",
        inquiry_category="other",
        note="名乗らない方から納付場所の問合せ、コンビニでの納付を案内。",
    )
    contact("c10", at(DAY, 17, 0), MAIL, R.SENT, p1, ["U1"], note="納付書を登録住所へ発送。")
    contact(
        "c11",
        at(DAY, 23, 59, 59),
        O,
        R.INVALID_NUMBER,
        p1,
        [],
        phone_number="0432229999",
        note="番号誤り（使われていない）。",
    )

    # promises: a plan of two in c2, a cancelled one in c4 (not counted)
    pr1 = PaymentPromise.objects.create(
        payer=p1,
        contact=c2,
        promised_on=date(2025, 12, 10),
        amount=20000,
        plan_seq=1,
        plan_count=2,
        unpaid_at_promise=80000,
        created_by=operator,
    )
    pr2 = PaymentPromise.objects.create(
        payer=p1,
        contact=c2,
        promised_on=date(2026, 1, 10),
        amount=30000,
        plan_seq=2,
        plan_count=2,
        unpaid_at_promise=80000,
        created_by=operator,
    )
    for p in (pr1, pr2):
        p.installments.set([s.inst["U1"], s.inst["U2"]])
    PaymentPromise.objects.create(
        payer=p2,
        contact=c4,
        promised_on=date(2025, 12, 20),
        amount=40000,
        status=PromiseStatus.CANCELLED,
        unpaid_at_promise=40000,
        created_by=operator,
    )
    r = SlipReissue.objects.create(
        payer=p1,
        contact=c2,
        postal_code="260-0026",
        address="千葉市中央区千葉港1-1",
        building="ベイハイツ101",
        addressee="山田 太郎",
        flyer_enclosed=True,
        created_by=operator,
    )
    r.installments.set([s.inst["U1"], s.inst["U2"]])
    SlipReissue.objects.create(
        payer=p2,
        contact=c4,
        address="千葉市美浜区1-1",
        addressee="髙橋 𠮷子",
        status=ReissueStatus.CANCELLED,
        created_by=operator,
    )
    Handover.objects.create(
        payer=p2,
        contact=c4,
        department=Department.NHI,
        reason=HandoverReason.REDUCTION,
        detail="国保料の減免について相談したいとのこと。",
        created_by=operator,
    )
    Handover.objects.create(
        payer=p4,
        contact=c6,
        department=Department.TAX_COLLECTION,
        reason=HandoverReason.COMPLAINT,
        detail="架電の頻度に関する苦情。",
        created_by=operator,
    )
    Complaint.objects.create(
        payer=p4,
        contact=c6,
        content="督促の電話が多すぎるとの苦情。頻度を控える旨を説明し了承を得た。",
        handled_by=supervisor,
        status="resolved",
        resolution="架電間隔を2週間空ける。",
        created_by=operator,
    )
    # numbers and addresses learned (city data and other days do not count)
    Phone.objects.create(
        payer=p1,
        number="0432221111",
        kind=PhoneKind.FIXED,
        origin=PhoneOrigin.CITY_DATA,
        first_seen=DAY,
        last_seen=DAY,
    )
    Phone.objects.create(
        payer=p2,
        number="09011112222",
        kind=PhoneKind.MOBILE,
        origin=PhoneOrigin.HEARD,
        first_seen=DAY,
        last_seen=DAY,
    )
    Phone.objects.create(
        payer=p4,
        number="0312345678",
        kind=PhoneKind.WORK,
        origin=PhoneOrigin.RESEARCH,
        first_seen=DAY,
        last_seen=DAY,
    )
    Phone.objects.create(
        payer=p3,
        number="0432223333",
        kind=PhoneKind.FIXED,
        origin=PhoneOrigin.HEARD,
        first_seen=date(2025, 11, 28),
        last_seen=DAY,
    )
    Phone.objects.create(  # a wrong number marked when dialled (c11): not information obtained
        payer=p1,
        number="0432229999",
        kind=PhoneKind.FIXED,
        origin=PhoneOrigin.OTHER,
        status=PhoneStatus.INVALID,
        first_seen=DAY,
        last_seen=DAY,
    )
    Address.objects.create(
        payer=p3,
        address="千葉市花見川区1-2-3",
        key="chiba-hanamigawa-1-2-3",
        origin=PhoneOrigin.HEARD,
        first_seen=DAY,
        last_seen=DAY,
    )

    # the phone system's inbound calls of the day (第2章 Ⅱ.5)
    def call(call_id: str, *events: tuple[str, datetime]) -> None:
        for kind, when in events:
            CallEvent.objects.create(
                call_id=call_id,
                kind=kind,
                direction=Direction.INBOUND,
                at=when,
                caller="0432223333",
            )

    E = EventKind
    call("A", (E.OFFERED, at(DAY, 9, 0)), (E.ANSWERED, at(DAY, 9, 0, 10)), (E.ENDED, at(DAY, 9, 5)))
    call("B", (E.OFFERED, at(DAY, 10, 0)), (E.IVR_GUIDANCE, at(DAY, 10, 0, 2)))
    call(
        "C",
        (E.OFFERED, at(DAY, 11, 0)),
        (E.BUSY_MESSAGE, at(DAY, 11, 0, 1)),
        (E.ENDED, at(DAY, 11, 1)),
    )
    call(
        "D",
        (E.OFFERED, at(DAY, 12, 0)),
        (E.QUEUED, at(DAY, 12, 0, 1)),
        (E.ABANDONED, at(DAY, 12, 2)),
    )
    call("E", (E.OFFERED, at(DAY, 18, 0)), (E.AFTER_HOURS, at(DAY, 18, 0, 1)))
    call("F", (E.OFFERED, at(DAY, 8, 0)), (E.ABANDONED, at(DAY, 8, 1)))
    call(
        "G",
        (E.OFFERED, at(DAY, 17, 0)),
        (E.BUSY_MESSAGE, at(DAY, 17, 0, 1)),
        (E.QUEUED, at(DAY, 17, 0, 20)),
        (E.ANSWERED, at(DAY, 17, 2)),
    )

    # later in the month: a promise without a recorded unpaid amount, a weekend session
    c20 = contact(
        "c20",
        at(DAY2, 10, 0),
        O,
        R.REACHED_PAYER,
        p2,
        ["U3"],
        counterpart=Counterpart.PAYER,
        note="本人と通話。12/25に全額納付を約束。",
    )
    pr3 = PaymentPromise.objects.create(
        payer=p2, contact=c20, promised_on=date(2025, 12, 25), amount=40000, created_by=operator
    )
    pr3.installments.set([s.inst["U3"]])
    contact("c21", at(DAY2, 11, 0), O, R.NO_ANSWER, p4, ["U4"], note="不在。")
    contact(
        "c22",
        at(SATURDAY, 10, 30),
        IN,
        R.HANDLED,
        p1,
        ["U1"],
        counterpart=Counterpart.PAYER,
        note="土曜開庁日に受電。納付済みか確認、未反映と説明。",
    )
    call("S", (E.OFFERED, at(SATURDAY, 10, 29)), (E.ANSWERED, at(SATURDAY, 10, 29, 30)))
    call(
        "T",
        (E.OFFERED, at(date(2025, 12, 14), 11, 0)),
        (E.ABANDONED, at(date(2025, 12, 14), 11, 1)),
    )

    # payments: U1 after the promise (counts), U2 before it (does not); U3 after (fallback)
    payment(s.inst["U2"], date(2025, 11, 25), 5000, pb)
    payment(s.inst["U1"], date(2025, 12, 10), 20000, pb)
    payment(s.inst["U3"], date(2025, 12, 20), 10000, pb)
    Installment.objects.filter(pk=s.inst["U3"].pk).update(unpaid=30000)
    return s
