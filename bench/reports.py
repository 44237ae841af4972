"""Reports at scale (issue 7): the 日報 of a day with 2,000 contact events (target < 2 s)
and the 月報 over a year of data with 80,000 outbound calls (target < 10 s).

    .venv/bin/python -m bench.reports [--database-url postgres://...] [--calls 80000]

Generates its own records in a fresh benchmark database (bulk inserts): a fiscal year
(April 2025 – March 2026) of contacts on every business day — `--calls` outbound calls,
inbound and return calls, promises, reissues, handovers, complaints, numbers learned —
the phone system's inbound call events, 60,000 installments handed over through the
year and their payments. One business day (2025-11-04) carries exactly `--day-events`
contact events. Each report is built in memory exactly as the page and the command
build it (queries + workbook), best of `--repeat` runs; the export of that day's
架電結果データ and the 年報 are timed too. No baseline is named in the issue: the
targets are absolute.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from bench.common import say, use_database

TOKYO = ZoneInfo("Asia/Tokyo")
FY = 2025
BENCH_DAY = date(2025, 11, 4)


def business_days() -> list[date]:
    from nofu.lib.business_calendar import is_business_day

    d, out = date(FY, 4, 1), []
    while d <= date(FY + 1, 3, 31):
        if is_business_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def generate(calls: int, day_events: int, seed: int) -> dict[str, int]:
    from django.db import transaction

    from nofu.accounts.models import Role, User
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
        SlipReissue,
    )
    from nofu.intake.models import BatchStatus, ImportBatch
    from nofu.payers.models import Installment, Payer, Payment, Phone, PhoneKind, PhoneOrigin
    from nofu.telephony.models import CallEvent, Direction, EventKind

    rng = random.Random(seed)
    ops = [
        User.objects.create_user(f"op{i:02d}", password=None, role=Role.OPERATOR,
                                 staff_code=f"OP{i:02d}")
        for i in range(20)
    ]  # fmt: skip
    sv = User.objects.create_user("sv", password=None, role=Role.SUPERVISOR)
    batch = ImportBatch.objects.create(file_name="bench.csv", sha256="0" * 64,
                                       status=BatchStatus.IMPORTED)  # fmt: skip
    n_payers, per_payer = 30_000, 2
    Payer.objects.bulk_create(
        [Payer(name=f"試験 太郎{i}", address="千葉市中央区千葉港1-1") for i in range(n_payers)],
        batch_size=5000,
    )
    payer_ids = list(Payer.objects.values_list("id", flat=True))
    days = business_days()
    insts = []
    for i, pid in enumerate(payer_ids):
        for k in range(per_payer):
            unpaid = rng.choice([5_000, 12_000, 25_000, 48_000, 90_000])
            insts.append(
                Installment(
                    source_system="統一滞納管理", receivable_key=f"B{i:06d}{k}", payer_id=pid,
                    resident_no=f"7{i:09d}", subject_code=rng.choice(["01", "02", "10", "13"]),
                    fiscal_year=2024, installment=str(k + 1), due_date=date(2024, 6, 30),
                    assessed=unpaid, unpaid=unpaid, name=f"試験 太郎{i}", batch=batch, row_no=i,
                    handed_over_on=rng.choice(days), unpaid_at_handover=unpaid,
                )
            )  # fmt: skip
    Installment.objects.bulk_create(insts, batch_size=5000)
    inst_rows = list(Installment.objects.values_list("id", "payer_id", "handed_over_on",
                                                     "unpaid_at_handover"))  # fmt: skip
    by_payer: dict[int, list[int]] = {}
    for iid, pid, _on, _u in inst_rows:
        by_payer.setdefault(pid, []).append(iid)
    payments = []
    for n, (iid, _pid, on, unpaid) in enumerate(inst_rows):
        if rng.random() < 0.45:
            paid_on = on + timedelta(days=rng.randint(1, 200))
            if paid_on <= date(FY + 1, 5, 31):
                payments.append(
                    Payment(source_system="統一滞納管理", receivable_key=f"k{n}", installment_id=iid,
                            paid_on=paid_on, amount=unpaid if rng.random() < 0.7 else unpaid // 2,
                            method="コンビニ", batch=batch)
                )  # fmt: skip
    Payment.objects.bulk_create(payments, batch_size=5000)

    bench_out = day_events - 300 - 100  # the bench day: 300 inbound, 100 return calls
    per_day = (calls - bench_out) // (len(days) - 1)
    extra = calls - bench_out - per_day * (len(days) - 1)
    outcomes = [ContactResult.NO_ANSWER] * 5 + [ContactResult.VOICEMAIL] * 2 + [
        ContactResult.BUSY, ContactResult.INVALID_NUMBER, ContactResult.REACHED_OTHER,
        ContactResult.REACHED_PAYER, ContactResult.REACHED_PAYER, ContactResult.REFUSED,
    ]  # fmt: skip
    contacts: list[ContactEvent] = []
    for di, d in enumerate(days):
        n_out = per_day + (1 if di < extra else 0)
        n_in, n_ret = rng.randint(40, 80), rng.randint(5, 20)
        if d == BENCH_DAY:
            n_in, n_ret, n_out = 300, 100, bench_out
        for kind, n in ((ContactKind.OUTBOUND, n_out), (ContactKind.INBOUND, n_in),
                        (ContactKind.RETURN_CALL, n_ret)):  # fmt: skip
            for _ in range(n):
                at = datetime.combine(d, dtime(9, 0), tzinfo=TOKYO) + timedelta(
                    seconds=rng.randint(0, 8 * 3600)
                )
                result = (
                    rng.choice(outcomes) if kind == ContactKind.OUTBOUND else ContactResult.HANDLED
                )
                contacts.append(
                    ContactEvent(
                        payer_id=rng.choice(payer_ids), kind=kind, result=result, at=at,
                        operator=rng.choice(ops), phone_number="0432221111",
                        counterpart=Counterpart.PAYER if result in ContactResult.reached() else "",
                        language="en" if rng.random() < 0.02 else "ja",
                        account_transfer_recommended=rng.random() < 0.05,
                        income_declaration_reminded=rng.random() < 0.02,
                        nhi_loss_explained=rng.random() < 0.01,
                        child_allowance_form_promised=rng.random() < 0.005,
                        note="本人と通話。納付を約束。" if result in ContactResult.reached() else "不在。",
                    )
                )  # fmt: skip
    with transaction.atomic():
        ContactEvent.objects.bulk_create(contacts, batch_size=5000)
    rows = list(ContactEvent.objects.values_list("id", "payer_id", "result", "at"))
    through = ContactEvent.installments.through
    links = [
        through(contactevent_id=cid, installment_id=iid)
        for cid, pid, _r, _at in rows
        for iid in by_payer[pid][: rng.randint(1, 2)]
    ]
    through.objects.bulk_create(links, batch_size=10000)
    reached = [r for r in rows if r[2] in (ContactResult.REACHED_PAYER, ContactResult.HANDLED)]
    promises, reissues, handovers, complaints = [], [], [], []
    for cid, pid, _r, at in reached:
        x = rng.random()
        if x < 0.25:
            promises.append(
                PaymentPromise(payer_id=pid, contact_id=cid, promised_on=at.date() + timedelta(days=10),
                               amount=rng.choice([5_000, 10_000, 30_000]), unpaid_at_promise=60_000,
                               created_by=ops[0])
            )  # fmt: skip
        elif x < 0.33:
            reissues.append(
                SlipReissue(payer_id=pid, contact_id=cid, address="千葉市中央区千葉港1-1",
                            addressee="試験 太郎", created_by=ops[0])
            )  # fmt: skip
        elif x < 0.36:
            handovers.append(
                Handover(payer_id=pid, contact_id=cid, department=rng.choice(Department.values),
                         reason=HandoverReason.INSTALMENT_APPROVAL, detail="分納の相談。",
                         created_by=ops[0])
            )  # fmt: skip
        elif x < 0.362:
            complaints.append(
                Complaint(payer_id=pid, contact_id=cid, content="架電が多いとの苦情。",
                          handled_by=sv, created_by=ops[0])
            )  # fmt: skip
    PaymentPromise.objects.bulk_create(promises, batch_size=5000)
    SlipReissue.objects.bulk_create(reissues, batch_size=5000)
    Handover.objects.bulk_create(handovers, batch_size=5000)
    Complaint.objects.bulk_create(complaints, batch_size=5000)
    phones = [
        Phone(payer_id=pid, number=f"090{i:08d}", kind=PhoneKind.MOBILE, origin=PhoneOrigin.HEARD,
              first_seen=d, last_seen=d)
        for i, (pid, d) in enumerate(
            (rng.choice(payer_ids), d) for d in days for _ in range(rng.randint(2, 8))
        )
    ]  # fmt: skip
    Phone.objects.bulk_create(phones, batch_size=5000, ignore_conflicts=True)
    events = []
    n_calls = 0
    for d in days:
        for _ in range(rng.randint(50, 90)):
            n_calls += 1
            at = datetime.combine(d, dtime(8, 30), tzinfo=TOKYO) + timedelta(
                seconds=rng.randint(0, 9 * 3600 + 1800)
            )
            cid = f"c{n_calls}"
            events.append(
                CallEvent(call_id=cid, kind=EventKind.OFFERED, direction=Direction.INBOUND, at=at)
            )
            x = rng.random()
            kind = (EventKind.ANSWERED if x < 0.85 else EventKind.IVR_GUIDANCE if x < 0.9
                    else EventKind.BUSY_MESSAGE if x < 0.95 else EventKind.ABANDONED)  # fmt: skip
            events.append(CallEvent(call_id=cid, kind=kind, direction=Direction.INBOUND,
                                    at=at + timedelta(seconds=5)))  # fmt: skip
            events.append(CallEvent(call_id=cid, kind=EventKind.ENDED, direction=Direction.INBOUND,
                                    at=at + timedelta(seconds=200)))  # fmt: skip
    CallEvent.objects.bulk_create(events, batch_size=10000)
    return {
        "payers": len(payer_ids),
        "installments": len(inst_rows),
        "payments": len(payments),
        "contacts": len(rows),
        "outbound": sum(1 for c in contacts if c.kind == ContactKind.OUTBOUND),
        "links": len(links),
        "promises": len(promises),
        "call_events": len(events),
    }


def timed(label: str, fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    size = len(out) if isinstance(out, bytes) else sum(len(f.data) for f in out)
    say(f"{label}: {best:.2f} s (best of {repeat}; {size:,} bytes)")
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--calls", type=int, default=80_000)
    ap.add_argument("--day-events", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    url = use_database(args.database_url, "nofu_bench_reports")
    say(f"database: {url.split('@')[-1]}")
    t = time.perf_counter()
    counts = generate(args.calls, args.day_events, args.seed)
    from django.db import connection

    with connection.cursor() as cur:  # statistics, as a database in use would have
        cur.execute("ANALYZE")
    say(
        f"generated in {time.perf_counter() - t:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )

    from django.utils import timezone

    from nofu.calls.models import ContactEvent
    from nofu.reports import documents
    from nofu.reports.figures import day_bounds
    from nofu.reports.results import build_files

    lo, hi = day_bounds(BENCH_DAY, BENCH_DAY)
    say(
        f"{BENCH_DAY}: {ContactEvent.objects.filter(at__gte=lo, at__lt=hi).count():,} contact events"
    )
    now = timezone.now()
    as_of = date(FY + 1, 5, 31)
    daily = timed("日報 (2,000 contact events)",
                  lambda: documents.daily_workbook(BENCH_DAY, now=now), args.repeat)  # fmt: skip
    monthly = timed(
        "月報 2025-11 (a year of data loaded)",
        lambda: documents.monthly_workbook(2025, 11, as_of=as_of, now=now),
        args.repeat,
    )
    timed("架電結果データ + 電話番号情報 of that day (4 files)",
          lambda: build_files(BENCH_DAY), args.repeat)  # fmt: skip
    timed("年報 2025 (the whole year)",
          lambda: documents.annual_workbook(FY, as_of=as_of, now=now), 1)  # fmt: skip
    say(f"targets: 日報 < 2 s {'OK' if daily < 2 else 'MISSED'}, "
        f"月報 < 10 s {'OK' if monthly < 10 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
