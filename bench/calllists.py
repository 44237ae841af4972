"""Call lists (issue 5): building a list over 300,000 payers / 1,000,000 installments
(target: under 5 s), and the next payer with 50 operators pulling at once (target: p95
under 50 ms, no payer offered twice).

    .venv/bin/python bench/calllists.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Data: bulk SQL into a database of its own (nofu_bench_calllists): payers in the six wards
and outside the city (2 % foreign nationals, 25 % account transfer), installments of six
subjects over seven fiscal years, phones (5 % marked invalid), 300,000 past contacts and
some broken promises. Lists are built with the real action (`list_version_create`:
extraction + the member snapshot written in the same transaction), each timed once.

The queue: one published shared list; `--operators` worker processes (real web workers
are processes too), each with its own database connection, warmed up with two offers and
a release (connection, caches, prepared statements), wait on a barrier and then all call
`next_payer` at the same moment, `--pulls` times (every call releases the operator's
previous payer, as the operator screen does), with `--think` seconds ± 50 % between calls;
then `--bursts` rounds in which every operator waits on the barrier before each pull, so
all of them ask at the same instant every time (the strict reading of "pulling at once");
then `--served-bursts` rounds of the same, served the way the README deploys the app
(`--served 3x8`: gunicorn gthread, 3 processes × 8 threads, a connection per thread): the
requests of all operators arrive at once and wait for a free thread, and the latency is
from the instant they asked to the offer.
The app's clock is set to a weekday at 10:30 so the run is within operating hours.
Latencies are wall-clock per call inside the worker; every offered payer is collected
and checked for duplicates (a released payer waits 30 minutes, so within a run no payer
may be offered twice at all).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import say, use_database  # noqa: E402

TOKYO = ZoneInfo("Asia/Tokyo")
WARDS = ["中央区", "花見川区", "稲毛区", "若葉区", "緑区", "美浜区"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def working_moment() -> datetime:
    """The next weekday (not a holiday) at 10:30 in Tokyo, from today."""
    from nofu.lib.business_calendar import is_business_day

    d = datetime.now(TOKYO).date()
    while not is_business_day(d):
        d += timedelta(days=1)
    return datetime(d.year, d.month, d.day, 10, 30, tzinfo=TOKYO)


def backend_cpu(pids: list[int] | None = None) -> float:
    """CPU seconds used so far by PostgreSQL backends (this connection's, or the given pids):
    the database's share of the work, whatever else the machine is doing."""
    from django.db import connection

    if pids is None:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pids = [cur.fetchone()[0]]
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def generate(payers: int, installments: int, contacts: int) -> None:
    from django.db import connection

    from nofu.accounts.models import Role, User
    from nofu.intake.models import BatchStatus, ImportBatch

    batch = ImportBatch.objects.create(
        file_name="bench.csv", sha256="0" * 64, status=BatchStatus.IMPORTED
    )
    op = User.objects.create_user("bench_history", password=None, role=Role.OPERATOR)
    wards = "ARRAY[" + ",".join(f"'{w}'" for w in WARDS) + "]"
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO payers_payer (kind, name, name_kana, birth_date, sex, nationality,
              postal_code, address, building, name_key, kana_key, address_key, total_unpaid,
              open_installments, account_transfer, created_at, updated_at)
            SELECT CASE WHEN i %% 40 = 0 THEN 'corporation' ELSE 'person' END,
              '納付 ' || i, '', date '1940-01-01' + ((i * 37) %% 25000)::int, '',
              CASE WHEN i %% 50 = 0 THEN 'ベトナム' WHEN i %% 50 = 1 THEN '中国' ELSE '日本' END,
              '', CASE WHEN i %% 20 = 0 THEN '東京都千代田区丸の内1-' || (i %% 9)
                  ELSE '千葉県千葉市' || ({wards})[(1 + i %% 6)::int] || '千葉港' || (1 + i %% 9) END,
              '', '', '',
              CASE WHEN i %% 20 = 0 THEN '東京都千代田区丸の内1-' || (i %% 9)
                  ELSE ({wards})[(1 + i %% 6)::int] || '千葉港' || (1 + i %% 9) END,
              0, 0, i %% 4 = 0, now(), now()
            FROM generate_series(1::bigint, %s) AS i""", [payers])  # fmt: skip
        cur.execute("SELECT min(id) FROM payers_payer")
        first = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO payers_installment (source_system, receivable_key, resident_no,
              subject_code, subject_name, fiscal_year, installment, due_date, assessed, unpaid,
              late_charge_at_extraction, demand_notice_date, account_transfer, note, child_name,
              school_name, name, name_kana, birth_date, sex, nationality, corporation,
              postal_code, address, building, phone1, phone2, raw, row_hash, row_no,
              handed_over_on, unpaid_at_handover, updated_at, batch_id, payer_id)
            SELECT '統一滞納管理', 'B' || i, '',
              (ARRAY['01','02','04','10','12','13'])[(1 + (i / %s) %% 6)::int], '',
              2019 + (i * 13) %% 7, (1 + (i / %s) %% 4)::text,
              current_date - (30 + (i * 31) %% 2400)::int,
              1000 + (i * 7919) %% 99000, CASE WHEN i %% 10 = 0 THEN 0 ELSE 1000 + (i * 7919) %% 99000 END,
              NULL, current_date - (10 + (i * 31) %% 2400)::int, false, '',
              '', '', '', '', NULL, '', '', false, '', '', '', '', '', '{}'::jsonb, 0, i,
              current_date - 20, 1000 + (i * 7919) %% 99000, now(), %s, %s + i %% %s
            FROM generate_series(1::bigint, %s) AS i""",
            [payers, payers, batch.pk, first, payers, installments])  # fmt: skip
        cur.execute("""
            INSERT INTO payers_phone (payer_id, number, kind, origin, status, source_system,
              first_seen, last_seen, note)
            SELECT id, '090' || lpad((id - %s)::text, 8, '0'), 'mobile', 'city_data',
              CASE WHEN id %% 20 = 3 THEN 'invalid' ELSE 'unknown' END,
              '統一滞納管理', current_date - 20, current_date - 20, ''
            FROM payers_payer WHERE id %% 10 <> 7""", [first])  # fmt: skip
        cur.execute("""
            UPDATE payers_payer p SET total_unpaid = s.total, open_installments = s.n
            FROM (SELECT payer_id, sum(unpaid) total, count(*) FILTER (WHERE unpaid > 0) n
                  FROM payers_installment GROUP BY payer_id) s WHERE s.payer_id = p.id""")  # fmt: skip
        cur.execute("""
            INSERT INTO calls_contactevent (kind, result, counterpart, at, ended_at, phone_number,
              inquiry_category, language, account_transfer_recommended,
              income_declaration_reminded, nhi_loss_explained, child_allowance_form_promised,
              note, operator_words, call_id, recording_ref, idempotency_key, created_at,
              operator_id, payer_id)
            SELECT 'outbound', (ARRAY['no_answer','no_answer','voicemail','reached_payer',
              'busy','reached_other'])[(1 + i %% 6)::int], '',
              now() - interval '2 days' - ((i %% 86400) * interval '1 minute'),
              NULL, '', '', CASE WHEN i %% 97 = 0 THEN 'vi' ELSE 'ja' END, false, false, false,
              false, 'ベンチマーク用の過去の対応', '', '', '', NULL, now(), %s,
              %s + (i * 7) %% %s
            FROM generate_series(1::bigint, %s) AS i""", [op.pk, first, payers, contacts])  # fmt: skip
        cur.execute("""
            INSERT INTO calls_paymentpromise (payer_id, contact_id, promised_on, amount, plan_seq,
              plan_count, status, paid_amount, settled_on, unpaid_at_promise, created_by_id,
              created_at)
            SELECT payer_id, id, (at - interval '20 days')::date, 10000, 1, 1,
              CASE WHEN id %% 3 = 0 THEN 'open' ELSE 'broken' END, 0,
              CASE WHEN id %% 3 = 0 THEN NULL ELSE (at - interval '10 days')::date END,
              10000, operator_id, now()
            FROM calls_contactevent WHERE result = 'reached_payer' AND id %% 5 = 0""", [])  # fmt: skip
        cur.execute("ANALYZE")
    say(
        f"generated {payers:,} payers, {installments:,} installments, {contacts:,} contacts "
        f"in {time.perf_counter() - t:.0f} s"
    )


def build_lists(at: datetime) -> int:
    from nofu.accounts.models import Role, User
    from nofu.calllists import actions, clock
    from nofu.calllists.extract import Conditions
    from nofu.calllists.models import ListOrder

    mia, _ = User.objects.get_or_create(username="bench_manager", defaults={"role": Role.MANAGER})
    run = int(time.time())
    cases = [
        ("all overdue, valid phone, by total owed (default)", Conditions()),
        (
            "市県民税+国保, ≥30,000円, 中央区・緑区, no contact in 14 days, ≤3 calls in 30 days",
            Conditions(
                subjects=["01", "10"],
                owed_min=30_000,
                wards=["中央区", "緑区"],
                last_contact="not_within",
                last_contact_days=14,
                attempts_max=3,
            ),
        ),
        (
            "foreign nationals with a broken promise",
            Conditions(nationality="foreign", broken_promise="yes"),
        ),
        (
            "taxes (01, 02) by current late charge",
            Conditions(subjects=["01", "02"], order=ListOrder.LATE_CHARGE),
        ),
        (
            "everything by owed + late charge (1M installments)",
            Conditions(order=ListOrder.OWED_WITH_LATE_CHARGE),
        ),
    ]
    first = 0
    say("\nbuilding lists (list_version_create: extraction + member snapshot, one transaction)")
    say(f"  {'list':<80} {'members':>9} {'wall':>7} {'app CPU':>8} {'DB CPU':>7} {'load':>5}")
    with mock.patch.object(clock, "now", lambda: at):
        for i, (label, c) in enumerate(cases):
            db0, cpu0, t = backend_cpu(), time.process_time(), time.perf_counter()
            v = actions.list_version_create(actor=mia, conditions=c, name=f"bench {run}-{i}")
            total = time.perf_counter() - t
            app, db = time.process_time() - cpu0, backend_cpu() - db0
            say(
                f"  {label:<80} {v.member_count:>9,} {total:>6.2f}s {app:>7.2f}s {db:>6.2f}s "
                f"{os.getloadavg()[0]:>5.1f}"
            )
            if i == 0:
                first = v.pk
    return first


def worker(args: tuple) -> dict:  # type: ignore[type-arg]
    n, pulls, think, at0, barrier, bursts = args
    from django.db import connections

    from nofu.accounts.models import User
    from nofu.calllists import clock, queue

    op = User.objects.get(username=f"bench_op{n:02d}")
    t0 = time.monotonic()
    lat: list[float] = []
    got: list[int | None] = []
    rng = random.Random(n)
    cpu = 0.0
    with mock.patch.object(clock, "now", lambda: at0 + timedelta(seconds=time.monotonic() - t0)):
        # a web worker serves many requests: warm this one up (connection, caches, prepared
        # statements) with one offer and release before the clock starts
        for _ in range(2):
            queue.next_payer(operator=op)
        queue.release(operator=op)
        db0 = backend_cpu()
        barrier.wait()
        for _ in range(pulls):
            if bursts:
                barrier.wait()  # every pull of every operator at the same instant
            c, t = time.process_time(), time.perf_counter()
            offer = queue.next_payer(operator=op)
            lat.append(time.perf_counter() - t)
            cpu += time.process_time() - c
            got.append(offer.payer.pk if offer else None)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        db_cpu = backend_cpu() - db0
        queue.release(operator=op)
    connections.close_all()
    return {"lat": lat, "got": got, "cpu": cpu, "db_cpu": db_cpu}


def server(args: tuple) -> dict:  # type: ignore[type-arg]
    """One gunicorn-like worker process: `threads` threads, each with its own database
    connection (as Django gives each thread), taking requests from the shared queue."""
    threads, at0, tasks, results, ready = args
    import threading

    from django.db import connections

    from nofu.accounts.models import User
    from nofu.calllists import clock, queue

    ops = {u.username: u for u in User.objects.filter(username__startswith="bench_op")}
    connections.close_all()
    t0 = time.monotonic()

    def serve() -> None:
        pid = None
        while True:
            task = tasks.get()
            if task is None:
                break
            n, asked, measured = task
            if pid is None:
                from django.db import connection

                with connection.cursor() as cur:
                    cur.execute("SELECT pg_backend_pid()")
                    pid = cur.fetchone()[0]
            app, db = time.thread_time(), backend_cpu([pid])
            offer = queue.next_payer(operator=ops[f"bench_op{n:02d}"])
            took = time.monotonic() - asked
            app, db = time.thread_time() - app, backend_cpu([pid]) - db
            results.put((n, took, offer.payer.pk if offer else None, measured, app, db))
        connections.close_all()

    with mock.patch.object(clock, "now", lambda: at0 + timedelta(seconds=time.monotonic() - t0)):
        pool = [threading.Thread(target=serve) for _ in range(threads)]
        for t in pool:
            t.start()
        ready.put(1)
        for t in pool:
            t.join()
    return {}


def served_bursts(
    version_pk: int, operators: int, rounds: int, at: datetime, processes: int, threads: int
) -> None:
    """Bursts as the documented deployment serves them (README: gunicorn gthread, 3 workers
    × 8 threads): all operators ask at the same instant; requests wait for a free thread;
    latency is from the instant they asked until their offer is back."""
    from django.db import connections

    from nofu.accounts.models import Role, User
    from nofu.calllists import actions, clock
    from nofu.calllists.models import ListVersion

    mia = User.objects.get(username="bench_manager")
    for i in range(operators):
        User.objects.get_or_create(username=f"bench_op{i:02d}", defaults={"role": Role.OPERATOR})
    with mock.patch.object(clock, "now", lambda: at):
        v = ListVersion.objects.get(pk=version_pk)
        if v.status != "published":
            actions.list_version_publish(actor=mia, version=v, audience="shared")
    vacuum_queue_tables()
    connections.close_all()
    ctx = mp.get_context("fork")
    tasks, results, ready = ctx.Queue(), ctx.Queue(), ctx.Queue()
    load_before = os.getloadavg()[0]
    lat: list[float] = []
    offered: list[int] = []
    empty, app, db = 0, 0.0, 0.0
    warm = 3  # rounds that open every thread's connection and prepare its statements
    procs = [
        ctx.Process(target=server, args=((threads, at, tasks, results, ready),))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for _ in range(processes):
        ready.get()
    for r in range(warm + rounds):
        asked = time.monotonic()
        for n in range(operators):
            tasks.put((n, asked, r >= warm))
        for _ in range(operators):
            n, took, payer, measured, a, d = results.get()
            if measured:
                lat.append(took * 1000)
                app, db = app + a, db + d
                if payer is None:
                    empty += 1
                else:
                    offered.append(payer)
        time.sleep(0.3)  # rounds do not overlap
    for _ in range(processes * threads):
        tasks.put(None)
    for p in procs:
        p.join()
    from nofu.calllists import queue

    with mock.patch.object(clock, "now", lambda: at + timedelta(minutes=5)):
        for u in User.objects.filter(username__startswith="bench_op"):
            queue.release(operator=u)
    calls = max(1, len(lat))
    dupes = len(offered) - len(set(offered))
    say(
        f"\nnext_payer served by {processes} processes × {threads} threads"
        f"{' (the README’s gunicorn)' if (processes, threads) == (3, 8) else ''}, "
        f"{rounds} bursts of all {operators} operators at the same instant "
        f"(load average {load_before:.1f} → {os.getloadavg()[0]:.1f}):"
    )
    say(
        f"  p50 {pct(lat, 50):.1f} ms · p95 {pct(lat, 95):.1f} ms · p99 {pct(lat, 99):.1f} ms · "
        f"max {max(lat):.1f} ms (from asking to the offer, waiting for a thread included)"
    )
    say(
        f"  CPU per call: app {app / calls * 1000:.2f} ms (thread) + PostgreSQL "
        f"{db / calls * 1000:.2f} ms"
    )
    say(f"  offers {len(offered):,}, none offered {empty}, payers offered twice: {dupes}")
    if dupes:
        raise SystemExit("DUPLICATE OFFERS")


def statements(op: object) -> str:
    """Round trips of one warm next_payer and one release (every cursor, both kinds)."""
    import psycopg

    from nofu.calllists import queue

    count = {"n": 0}
    execute = psycopg.Cursor.execute

    def counting(self, *a, **k):  # type: ignore[no-untyped-def]
        count["n"] += 1
        return execute(self, *a, **k)

    queue.next_payer(operator=op)  # caches (plan, rules) and sweep out of the way
    queue.release(operator=op)
    with mock.patch.object(psycopg.Cursor, "execute", counting):
        queue.next_payer(operator=op)
        offer = count["n"]
        queue.release(operator=op)
    return f"next_payer {offer} + BEGIN/COMMIT, release {count['n'] - offer} + BEGIN/COMMIT"


def vacuum_queue_tables() -> None:
    """What autovacuum does between runs on a server where it is on (on this shared one it
    is off): every offer deletes and inserts a lease and updates the operator's board row,
    and tens of thousands of dead rows in those small tables slow every look-up."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "VACUUM (ANALYZE) calllists_lease, telephony_agentstatus, calllists_payerwait, "
            "calllists_listmember"
        )


def pull_together(
    version_pk: int, operators: int, pulls: int, think: float, at: datetime, bursts: bool = False
) -> None:
    from django.db import connections

    from nofu.accounts.models import Role, User
    from nofu.calllists import actions, clock
    from nofu.calllists.models import ListVersion

    mia = User.objects.get(username="bench_manager")
    with mock.patch.object(clock, "now", lambda: at):
        actions.list_version_publish(
            actor=mia, version=ListVersion.objects.get(pk=version_pk), audience="shared"
        )
    for i in range(operators):
        User.objects.get_or_create(username=f"bench_op{i:02d}", defaults={"role": Role.OPERATOR})
    probe, _ = User.objects.get_or_create(username="bench_probe", defaults={"role": Role.OPERATOR})
    with mock.patch.object(clock, "now", lambda: at):
        say(f"\none operator alone: {statements(probe)} (statements)")

    vacuum_queue_tables()
    connections.close_all()  # each process opens its own
    load_before = os.getloadavg()[0]

    ctx = mp.get_context("fork")
    barrier = ctx.Manager().Barrier(operators)
    t = time.perf_counter()
    with ctx.Pool(operators) as pool:
        results = pool.map(
            worker, [(i, pulls, think, at, barrier, bursts) for i in range(operators)]
        )
    wall = time.perf_counter() - t
    db_cpu = sum(r["db_cpu"] for r in results)
    lat = [x for r in results for x in r["lat"]]
    offered = [p for r in results for p in r["got"] if p is not None]
    empty = sum(1 for r in results for p in r["got"] if p is None)
    dupes = len(offered) - len(set(offered))
    ms = [x * 1000 for x in lat]
    burst = [r["lat"][0] * 1000 for r in results]
    cpu = sum(r["cpu"] for r in results) / max(1, len(lat)) * 1000
    pacing = (
        f"{pulls} bursts: all {operators} pull at the same instant each time"
        if bursts
        else f"think {think:g} s ± 50 %"
    )
    say(
        f"next_payer, {operators} operator processes × {pulls} pulls, {pacing} "
        f"({len(lat):,} calls in {wall:.1f} s, load average {load_before:.1f} → "
        f"{os.getloadavg()[0]:.1f}):"
    )
    say(
        f"  all calls: p50 {pct(ms, 50):.1f} ms · p95 {pct(ms, 95):.1f} ms · "
        f"p99 {pct(ms, 99):.1f} ms · max {max(ms):.1f} ms"
    )
    say(
        f"  the first call of each, all {operators} at once: p50 {pct(burst, 50):.1f} ms · "
        f"p95 {pct(burst, 95):.1f} ms · max {max(burst):.1f} ms"
    )
    say(f"  CPU per call: app {cpu:.2f} ms + PostgreSQL {db_cpu / max(1, len(lat)) * 1000:.2f} ms")
    say(f"  offers {len(offered):,}, none offered {empty}, payers offered twice: {dupes}")
    if dupes:
        raise SystemExit("DUPLICATE OFFERS")


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--payers", type=int, default=300_000)
    p.add_argument("--installments", type=int, default=1_000_000)
    p.add_argument("--contacts", type=int, default=300_000)
    p.add_argument("--operators", type=int, default=50)
    p.add_argument("--pulls", type=int, default=20)
    p.add_argument("--think", type=float, nargs="*", default=[5.0, 1.0, 0.0])
    p.add_argument(
        "--bursts",
        type=int,
        default=20,
        help="then this many rounds in which all operators pull at the same instant (0: none)",
    )
    p.add_argument(
        "--served-bursts",
        type=int,
        default=20,
        help="then this many bursts served by a gunicorn-like pool (--served) (0: none)",
    )
    p.add_argument(
        "--served",
        nargs="*",
        default=["3x8", "3x1"],
        help="processes x threads serving the bursts (3x8: the README's gunicorn)",
    )
    p.add_argument("--reuse", action="store_true", help="keep the generated database")
    p.add_argument(
        "--skip-build",
        action="store_true",
        help="with --reuse: the last default list, not new ones",
    )
    p.add_argument("--lists-only", action="store_true", help="build the lists, skip the queue")
    a = p.parse_args()
    if a.reuse:
        import django

        os.environ["DATABASE_URL"] = a.database_url.rsplit("/", 1)[0] + "/nofu_bench_calllists"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nofu.settings")
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("DELETE FROM calllists_lease")
            cur.execute("DELETE FROM calllists_payerwait")
            cur.execute("DELETE FROM telephony_agentstatus")
            cur.execute(
                "UPDATE calllists_listversion SET status = 'retired' WHERE status = 'published'"
            )
        say("database: reusing nofu_bench_calllists")
    else:
        url = use_database(a.database_url, "nofu_bench_calllists")
        say(f"database: {url.rsplit('@', 1)[-1]}")
        generate(a.payers, a.installments, a.contacts)
    from nofu.calls.models import ContactEvent
    from nofu.payers.models import Installment, Payer

    say(
        f"data: {Payer.objects.count():,} payers, {Installment.objects.count():,} installments, "
        f"{ContactEvent.objects.count():,} contacts"
    )
    at = working_moment()
    say(f"app clock: {at:%Y-%m-%d %H:%M} (Asia/Tokyo)")
    if a.skip_build:
        from nofu.calllists.models import ListVersion

        first = ListVersion.objects.filter(call_list__name__regex=r"^bench \d+-0$").latest("id").pk
        ListVersion.objects.filter(pk=first).update(status="published")  # retired above
        say(f"reusing the default list built before (version {first})")
    else:
        first = build_lists(at)
    if a.lists_only:
        return 0
    for i, think in enumerate(a.think):
        pull_together(first, a.operators, a.pulls, think, at + timedelta(hours=i))
    if a.bursts:
        pull_together(first, a.operators, a.bursts, 0, at + timedelta(hours=len(a.think)), True)
    for k, shape in enumerate(a.served if a.served_bursts else []):
        procs, threads = (int(x) for x in shape.split("x"))
        served_bursts(
            first,
            a.operators,
            a.served_bursts,
            at + timedelta(hours=len(a.think) + 1, minutes=40 * k),
            procs,
            threads,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
