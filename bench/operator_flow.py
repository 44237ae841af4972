"""Operator workspace under load (issue 4: p95 < 100 ms per step, caller lookup < 20 ms).

    .venv/bin/python -m bench.operator_flow --database-url postgres://postgres@127.0.0.1:5432/postgres

PostgreSQL with 300,000 payers, 1,000,000 installments, 360,000 phones and 300,000 past
contacts, generated with bulk SQL into a database of its own (nofu_bench_operator), and a
published shared call list of the 100,000 largest debts for the real call-list queue.
The app is served as the README deploys it (gunicorn gthread, `--servers 3 --threads 8`;
`--wsgi runserver` for Django's threaded development server) on 127.0.0.1 with the call-list
clock at 10:30 of the latest business day (`NOFU_CLOCK_AT`), so the queue works inside
operating hours whatever the hour of the run. 50 simulated operators (threads with their own
session and keep-alive connection) first make `--warmup` untimed rounds (the morning's first
calls: each server thread opens its connection; printed apart as `warm …`), then all start
the measured part together, each doing a bounded number of calls:

  next     POST /calls/next            the call-list queue picks and leases the next payer
  preview  GET  /calls/                everything shown before dialing (owed + late charge,
                                       phones with history, contacts, promises, script)
  outcome  POST /calls/outcome         one-key outcome (80 %, at a real center's mix)
  reached  GET  /calls/?reached=1      the reached-payer form (20 %)
  save     POST /calls/conversation    a promise saved with its drafted 交渉記事
  inbound  GET  /calls/inbound?number= an incoming known number → payer page (every 5th)

with a think time between steps (--think seconds, uniform ±50 %; default 5 s, already
far quicker than a real call, which takes minutes). When the queue offers
nobody (outside operating hours, list exhausted), the preview opens a random payer
instead and the run says how often. The caller-number lookup (`caller_lookup`: phone
index + return-call check) is then timed in-process on 2,000 numbers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import string
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlencode

from bench.common import OUT, say, use_database

ROOT = Path(__file__).resolve().parents[1]
PAYER_RE = re.compile(rb'name="payer" value="(\d+)"')
STEPS = ("next", "preview", "outcome", "reached", "save", "inbound")  # the measured steps
OUTCOMES = [("no_answer", 0.55), ("busy", 0.04), ("invalid_number", 0.04), ("voicemail", 0.12),
            ("reached_other", 0.09), ("refused", 0.04)]  # fmt: skip

SURNAMES = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本".split()
GIVEN = "太郎 花子 健太 美咲 翔太 陽菜 大輔 結衣 誠 由美 拓也 愛 直樹 真由美 一郎 恵子 亮 さくら 浩二 明美 修 裕子 隆 智子 勇気 彩 学 香織 剛 舞 聡 優子 豊 奈々 勝 久美子 茂 幸子 実 和子".split()


def operating_moment() -> datetime:
    """10:30 (Tokyo) of the latest business day before now."""
    from nofu.lib.business_calendar import TOKYO, is_business_day

    now = datetime.now(TOKYO)
    day = now.date() if now.time() >= dtime(10, 30) else now.date() - timedelta(days=1)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, dtime(10, 30), TOKYO)


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a server and its worker processes (gunicorn forks its workers)."""
    total = cpu_seconds(pid)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += tree_cpu_seconds(int(stat.parent.name))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc), to tell cost from waiting."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def generate(payers: int, installments: int, contacts: int) -> None:
    """Bulk SQL: payers, installments, phones, past contacts; totals refreshed."""
    from django.db import connection

    from nofu.accounts.models import Role, User
    from nofu.intake.models import BatchStatus, ImportBatch

    batch = ImportBatch.objects.create(
        file_name="bench.csv", sha256="0" * 64, status=BatchStatus.IMPORTED
    )
    op = User.objects.create_user("bench_history", password=None, role=Role.OPERATOR)
    sn = "ARRAY[" + ",".join(f"'{s}'" for s in SURNAMES) + "]"
    gn = "ARRAY[" + ",".join(f"'{g}'" for g in GIVEN) + "]"
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO payers_payer (kind, name, name_kana, birth_date, sex, nationality,
              postal_code, address, building, name_key, kana_key, address_key, total_unpaid,
              open_installments, account_transfer, created_at, updated_at)
            SELECT 'person', ({sn})[(1 + i %% 40)::int] || ' ' || ({gn})[(1 + (i / 40) %% 40)::int], '',
              date '1940-01-01' + ((i * 37) %% 25000)::int, CASE WHEN i %% 2 = 0 THEN '男' ELSE '女' END,
              CASE WHEN i %% 50 = 0 THEN '中国' ELSE '日本' END,
              '260' || lpad((i %% 10000)::text, 4, '0'),
              '千葉市中央区千葉港' || (1 + i %% 9) || '-' || (1 + i %% 30), '',
              ({sn})[(1 + i %% 40)::int] || ({gn})[(1 + (i / 40) %% 40)::int], '', '', 0, 0, i %% 4 = 0, now(), now()
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
            SELECT '統一滞納管理', 'B' || i, lpad((%s + i %% %s)::text, 10, '0'),
              (ARRAY['01','02','04','10','12','13'])[(1 + (i / %s) %% 6)::int], '', 2024 + i %% 2,
              (1 + (i / %s) %% 4)::text, current_date - (40 + i %% 600)::int,
              1000 + (i * 7919) %% 99000, 1000 + (i * 7919) %% 99000, NULL, NULL, false, '',
              '', '', '', '', NULL, '', '', false, '', '', '', '', '', '{}'::jsonb, 0, i,
              current_date - 20, 1000 + (i * 7919) %% 99000, now(), %s, %s + i %% %s
            FROM generate_series(1::bigint, %s) AS i""",
            [first, payers, payers, payers, batch.pk, first, payers, installments])  # fmt: skip
        cur.execute("""
            INSERT INTO payers_phone (payer_id, number, kind, origin, status, source_system,
              first_seen, last_seen, note)
            SELECT id, '090' || lpad((id - %s)::text, 8, '0'), 'mobile', 'city_data', 'unknown',
              '統一滞納管理', current_date - 20, current_date - 20, '' FROM payers_payer
            UNION ALL
            SELECT id, '043' || lpad((2000000 + id - %s)::text, 7, '0'), 'fixed', 'city_data',
              'unknown', '統一滞納管理', current_date - 20, current_date - 20, ''
            FROM payers_payer WHERE id %% 5 = 0""", [first, first])  # fmt: skip
        cur.execute("""
            UPDATE payers_payer p SET total_unpaid = s.total, open_installments = s.n
            FROM (SELECT payer_id, sum(unpaid) total, count(*) n FROM payers_installment
                  GROUP BY payer_id) s WHERE s.payer_id = p.id""")  # fmt: skip
        cur.execute("""
            INSERT INTO calls_contactevent (kind, result, counterpart, at, ended_at, phone_number,
              inquiry_category, language, account_transfer_recommended,
              income_declaration_reminded, nhi_loss_explained, child_allowance_form_promised,
              note, operator_words, call_id, recording_ref, idempotency_key, created_at,
              operator_id, payer_id)
            SELECT 'outbound', (ARRAY['no_answer','no_answer','no_answer','voicemail',
              'reached_payer','busy'])[(1 + i %% 6)::int], '', now() - ((i %% 86400) * interval '1 minute'),
              NULL, '090' || lpad(((i * 7) %% %s)::text, 8, '0'), '', 'ja', false, false, false,
              false, '【架電】ベンチマーク用の過去の対応', '', '', '', NULL, now(), %s,
              %s + (i * 7) %% %s
            FROM generate_series(1::bigint, %s) AS i""", [payers, op.pk, first, payers, contacts])  # fmt: skip
        cur.execute("ANALYZE")
    say(f"generated {payers:,} payers, {installments:,} installments, {contacts:,} contacts "
        f"in {time.perf_counter() - t:.0f}s")  # fmt: skip


def call_list(n: int) -> str:
    """A published shared list of the n largest debts, for the real queue."""
    try:
        from django.utils import timezone

        from nofu.accounts.models import User
        from nofu.calllists.models import (
            Audience,
            CallList,
            ListMember,
            ListOrder,
            ListVersion,
            MemberStatus,
            VersionStatus,
        )
        from nofu.payers.models import Payer

        if ListVersion.objects.filter(status=VersionStatus.PUBLISHED).exists():
            return "existing published list"
        user = User.objects.get(username="bench_history")
        cl = CallList.objects.create(name="bench", created_by=user)
        v = ListVersion.objects.create(
            call_list=cl, number=1, conditions={}, conditions_text="ベンチマーク",
            order=ListOrder.TOTAL_OWED, as_of=timezone.localdate(), status=VersionStatus.PUBLISHED,
            audience=Audience.SHARED, created_by=user, published_by=user,
            published_at=timezone.now(), member_count=n,
        )  # fmt: skip
        rows = Payer.objects.order_by("-total_unpaid", "id").values_list("id", "total_unpaid")[:n]
        ListMember.objects.bulk_create(
            [
                ListMember(version=v, payer_id=pid, rank=k, owed=owed, status=MemberStatus.PENDING)
                for k, (pid, owed) in enumerate(rows, start=1)
            ],
            batch_size=5000,
        )
        return f"published list of {n:,} members"
    except Exception as e:  # noqa: BLE001 - the call-list app may differ; the bench goes on
        return f"no call list ({type(e).__name__}: {e})"


def sessions(n: int) -> list[tuple[str, str]]:
    """(session cookie, csrf secret) for n operator users, made without the login form."""
    from django.contrib.sessions.backends.db import SessionStore

    from nofu.accounts.models import Role, User

    out = []
    for i in range(n):
        user = User.objects.filter(username=f"bench_op{i:02d}").first() or User.objects.create_user(
            f"bench_op{i:02d}", password=None, role=Role.OPERATOR, display_name=f"ベンチ{i:02d}"
        )
        s = SessionStore()
        s["_auth_user_id"] = str(user.pk)
        s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        s["_auth_user_hash"] = user.get_session_auth_hash()
        s.create()
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        out.append((s.session_key, csrf))
    return out


class Operator(threading.Thread):
    def __init__(self, n: int, port: int, session: tuple[str, str], payer_ids: list[int],
                 numbers: list[str], iterations: int, think: float, results: dict, lock,
                 warmup: int = 0, barrier: threading.Barrier | None = None) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.warmup, self.barrier = warmup, barrier
        self.n, self.port, self.iterations, self.think = n, port, iterations, think
        self.cookie = f"sessionid={session[0]}; csrftoken={session[1]}"
        self.csrf = session[1]
        self.payer_ids, self.numbers = payer_ids, numbers
        self.results, self.lock = results, lock
        self.rng = random.Random(n)
        self.conn: http.client.HTTPConnection | None = None
        self.fallbacks = 0
        self.errors: list[str] = []
        self.round = -1  # the measured call being made (-1: warm-up)

    def request(
        self, step: str, method: str, path: str, form: dict | None = None
    ) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie, "Host": f"127.0.0.1:{self.port}"}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.csrf}
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            t = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            ms = (time.perf_counter() - t) * 1000
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            if r.status >= 400:
                self.errors.append(f"{step} {r.status} {path}")
            with self.lock:
                self.results[step].append(ms)
                if step in ("next", "preview"):  # first round apart: see the summary
                    self.results[f"{step} {'first' if self.round == 0 else 'later'}"].append(ms)
            return r.status, data
        raise RuntimeError("unreachable")

    def pause(self) -> None:
        if self.think:
            time.sleep(self.think * (0.5 + self.rng.random()))

    def run(self) -> None:
        # the morning's first calls: every server thread opens its database connection and
        # prepares its statements; timed apart from the working day that follows
        for _ in range(self.warmup):
            self.request("warm next", "POST", "/calls/next", {})
            self.request("warm preview", "GET", "/calls/")
            self.request("warm skip", "POST", "/calls/skip", {})
        if self.barrier is not None:
            self.barrier.wait(timeout=900)
        promise_day = time.strftime("%Y-%m-%d", time.localtime(time.time() + 7 * 86400))
        for it in range(self.iterations):
            self.round = it
            self.request("next", "POST", "/calls/next", {})
            _, page = self.request("preview", "GET", "/calls/")
            m = PAYER_RE.search(page)
            if m is None:
                self.fallbacks += 1
                _, page = self.request(
                    "preview", "GET", f"/calls/?payer={self.rng.choice(self.payer_ids)}"
                )
                m = PAYER_RE.search(page)
            if m is None:
                self.errors.append("no payer on the preview")
                continue
            payer = m.group(1).decode()
            self.pause()
            if self.rng.random() < 0.8:
                r, acc = self.rng.random(), 0.0
                result = OUTCOMES[-1][0]
                for value, p in OUTCOMES:
                    acc += p / 0.88
                    if r < acc:
                        result = value
                        break
                self.request("outcome", "POST", "/calls/outcome",
                             {"payer": payer, "result": result, "idem": uuid.uuid4().hex})  # fmt: skip
            else:
                self.request("reached", "GET", "/calls/?reached=1")
                self.pause()
                self.request("save", "POST", "/calls/conversation", {
                    "payer": payer, "kind": "outbound", "result": "reached_payer",
                    "counterpart": "payer", "language": "ja", "promise_date_1": promise_day,
                    "promise_amount_1": "1000", "account_transfer": "1",
                    "operator_words": "ベンチマーク", "idem": uuid.uuid4().hex, "action": "save",
                })  # fmt: skip
            if it % 5 == 4:
                self.pause()
                self.request(
                    "inbound", "GET", f"/calls/inbound?number={self.rng.choice(self.numbers)}"
                )
            self.pause()
        if self.conn:
            self.conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--payers", type=int, default=300_000)
    ap.add_argument("--installments", type=int, default=1_000_000)
    ap.add_argument("--contacts", type=int, default=300_000)
    ap.add_argument("--list", type=int, default=100_000, help="members of the published list")
    ap.add_argument("--operators", type=int, default=50)
    ap.add_argument("--iterations", type=int, default=20, help="calls per operator")
    ap.add_argument("--think", type=float, default=5.0, help="seconds between steps (±50 %%)")
    ap.add_argument("--wsgi", choices=["gunicorn", "runserver"], default="gunicorn",
                    help="gunicorn as in production (default) or Django's runserver")  # fmt: skip
    ap.add_argument("--servers", type=int, default=3,
                    help="gunicorn workers, or runserver processes (round robin)")  # fmt: skip
    ap.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    ap.add_argument("--port", type=int, default=8764)
    ap.add_argument("--reuse", action="store_true", help="keep an already generated database")
    ap.add_argument("--warmup", type=int, default=2,
                    help="untimed next → preview → skip rounds per operator first (cold servers)")  # fmt: skip
    args = ap.parse_args()
    name = "nofu_bench_operator"
    if args.reuse:
        base = args.database_url.rpartition("/")[0]
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nofu.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the code may have moved on since generation
        url = os.environ["DATABASE_URL"]
    else:
        url = use_database(args.database_url, name)
    from django.db import connection

    from nofu.payers.models import Installment, Payer, Phone

    if connection.vendor != "postgresql":
        sys.exit("this benchmark needs PostgreSQL (--database-url postgres://...)")
    if not args.reuse:
        generate(args.payers, args.installments, args.contacts)
    say(f"{Payer.objects.count():,} payers, {Installment.objects.count():,} installments, "
        f"{Phone.objects.count():,} phones")  # fmt: skip
    say(call_list(args.list))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh statistics after earlier runs' writes
    cookies = sessions(args.operators)
    rng = random.Random(4)
    ids = list(Payer.objects.values_list("id", flat=True)[:300_000])
    payer_ids = rng.sample(ids, min(5000, len(ids)))
    numbers = list(
        Phone.objects.filter(payer_id__in=payer_ids[:2000]).values_list("number", flat=True)
    )
    connection.close()

    env = {**os.environ, "DATABASE_URL": url, "NOFU_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    # the queue hands out payers only within operating hours: the servers' call-list clock
    # starts at 10:30 of the latest business day in the past, whenever the run is made
    env["NOFU_CLOCK_AT"] = operating_moment().isoformat()
    say(f"call-list clock of the servers starts at {env['NOFU_CLOCK_AT']}")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.wsgi == "gunicorn":  # production: one port, worker processes with threads
        ports = [args.port]
        commands = [[
            str(ROOT / ".venv/bin/gunicorn"), "nofu.wsgi:application",
            "--bind", f"127.0.0.1:{args.port}", "--worker-class", "gthread",
            "--workers", str(args.servers), "--threads", str(args.threads),
            "--keep-alive", "75", "--error-logfile", "-",
        ]]  # fmt: skip
    else:  # Django's development server, one process per port
        ports = [args.port + k for k in range(args.servers)]
        commands = [
            [str(ROOT / ".venv/bin/nofu"), "runserver", f"127.0.0.1:{port}", "--noreload"]
            for port in ports
        ]
    servers = [
        subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(OUT / f"operator_server_{port}.log").open("w"),  # 500s leave a trace
            cwd=ROOT,
        )
        for command, port in zip(commands, ports, strict=True)
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/healthz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.3)
            else:
                sys.exit("the server did not start")
        results: dict[str, list[float]] = defaultdict(list)
        lock = threading.Lock()
        barrier = threading.Barrier(args.operators + 1)
        ops = [
            Operator(i, ports[i % len(ports)], cookies[i], payer_ids, numbers, args.iterations, args.think, results, lock,
                     args.warmup, barrier)
            for i in range(args.operators)
        ]  # fmt: skip
        for o in ops:
            o.start()
            time.sleep(0.02)
        barrier.wait(timeout=900)  # all warmed up: the measured day starts for everyone at once
        cpu_before = sum(tree_cpu_seconds(sv.pid) for sv in servers)
        load_before = os.getloadavg()
        t = time.perf_counter()
        for o in ops:
            o.join()
        wall = time.perf_counter() - t
        cpu = sum(tree_cpu_seconds(sv.pid) for sv in servers) - cpu_before
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    load_after = os.getloadavg()
    total = sum(len(v) for k, v in results.items() if k in STEPS)
    say(f"\n{args.operators} operators × {args.iterations} calls, think {args.think}s, "
        f"{args.wsgi} with {args.servers} process(es): "
        f"{total:,} requests in {wall:.0f}s ({total / wall:.1f}/s)")  # fmt: skip
    say(f"server CPU {cpu:.1f}s = {cpu / total * 1000:.1f} ms per request "
        f"(the rest of each response time is the database and waiting for a core)")  # fmt: skip
    say(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"on {os.cpu_count()} cores")  # fmt: skip
    say(f"{'step':<13}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    steps = STEPS
    if args.warmup:
        steps += ("warm next", "warm preview", "warm skip")  # not in the figures above
    for step in steps:
        v = results.get(step, [])
        say(f"{step:<13}{len(v):>7}{pct(v, 50):>9.1f}{pct(v, 95):>9.1f}{max(v, default=0):>9.1f}")
    say("the first call of the measured part is made by every operator within the same second")
    say("(the barrier): the queue of 50 next + 50 previews is in the figures above; apart:")
    for step in ("next first", "next later", "preview first", "preview later"):
        v = results.get(step, [])
        say(f"{step:<13}{len(v):>7}{pct(v, 50):>9.1f}{pct(v, 95):>9.1f}{max(v, default=0):>9.1f}")
    fallbacks = sum(o.fallbacks for o in ops)
    errors = [e for o in ops for e in o.errors]
    say(f"queue offered nobody {fallbacks} times (preview of a random payer instead)")
    say(f"errors: {len(errors)}" + (f" e.g. {errors[:3]}" if errors else ""))

    # caller-number lookup, in-process: phone index + return-call check
    import django.db

    django.db.connections.close_all()
    from nofu.calls.queries import caller_lookup

    lookups = []
    c0 = time.process_time()
    for k in range(2000):
        number = rng.choice(numbers) if k % 4 else f"0{rng.randrange(10**9, 10**10)}"
        t = time.perf_counter()
        caller_lookup(number, days=14)
        lookups.append((time.perf_counter() - t) * 1000)
    lookup_cpu = (time.process_time() - c0) / 2000 * 1000
    say(f"caller_lookup (2,000 numbers, 3/4 known): p50 {pct(lookups, 50):.2f} ms, "
        f"p95 {pct(lookups, 95):.2f} ms, max {max(lookups):.2f} ms; "
        f"{lookup_cpu:.2f} ms CPU each, load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
