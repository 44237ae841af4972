"""The queue's hot path as portable SQL (PostgreSQL and SQLite), prepared on PostgreSQL.

Through the ORM, compiling the queue's statements cost more CPU than running them
(measured: ~15 ms per offer against ~3 ms as SQL), and fifty operators pulling at once on
a small server wait for each other's CPU; on PostgreSQL an offer is now two statements
(START, WRITE below). The
statements are plain SQL both databases accept; only the row-lock clauses differ
(`FOR UPDATE … SKIP LOCKED` on PostgreSQL; SQLite has its database write lock).
Values come back as each driver gives them, so `dt()` / `d()` read both forms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime

from nofu.calllists.models import Callback, CallHold, Lease, ListMember, ListVersion, PayerWait
from nofu.calls.models import ContactEvent, PaymentPromise
from nofu.payers.models import Installment, Payer, Payment, Phone
from nofu.telephony.models import AgentStatus

LEASE = Lease._meta.db_table
MEMBER = ListMember._meta.db_table
VERSION = ListVersion._meta.db_table
VERSION_OPERATORS = ListVersion.operators.through._meta.db_table
CALLLIST = ListVersion._meta.get_field("call_list").related_model._meta.db_table  # type: ignore[union-attr]
CALLBACK = Callback._meta.db_table
HOLD = CallHold._meta.db_table
CONTACT = ContactEvent._meta.db_table
PROMISE = PaymentPromise._meta.db_table
PAYER = Payer._meta.db_table
PHONE = Phone._meta.db_table
PAYMENT = Payment._meta.db_table
INSTALLMENT = Installment._meta.db_table
AGENT = AgentStatus._meta.db_table
WAIT = PayerWait._meta.db_table


def _pg() -> bool:
    return connection.vendor == "postgresql"


is_pg = _pg


def lock_of(alias: str) -> str:
    return f" FOR UPDATE OF {alias}" if _pg() else ""


def skip_locked() -> str:
    return " FOR UPDATE SKIP LOCKED" if _pg() else ""


def p_dt(value: datetime | None) -> Any:
    """A datetime as a parameter (SQLite stores UTC text)."""
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def p_d(value: date | None) -> Any:
    return None if value is None else connection.ops.adapt_datefield_value(value)


def dt(value: Any) -> datetime | None:
    """A datetime as read back: aware (PostgreSQL), naive UTC or text (SQLite)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_date(str(value)[:10])


def _cursor() -> Any:
    """Django's cursor; on PostgreSQL a server-side binding cursor whose statements are
    prepared once per connection (the queue runs the same dozen on every offer; planning
    them each time cost more than running them: ~3 ms → ~1 ms of database CPU per offer).

    Django's own (client-side binding) cursors never prepare, so this changes nothing for
    them. A deployment behind a connection pooler that cannot carry prepared statements
    (PgBouncer in transaction mode before 1.21) sets DATABASES OPTIONS
    {"prepare_threshold": None}; then the queue does not prepare either.
    """
    if _pg():
        connection.ensure_connection()
        raw = connection.connection
        if (
            raw.prepare_threshold is None
            and "prepare_threshold" not in connection.settings_dict.get("OPTIONS", {})
        ):
            raw.prepare_threshold = 2
        if raw.prepare_threshold is not None:
            import psycopg

            return psycopg.Cursor(raw)
    return connection.cursor()


def rows(sql: str, params: Sequence[Any]) -> list[tuple]:  # type: ignore[type-arg]
    with _cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def one(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple | None:  # type: ignore[type-arg]
    with _cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def run(sql: str, params: Sequence[Any]) -> int:
    with _cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


# --- statements -----------------------------------------------------------------------------


def held_lease() -> str:
    """The operator's lease with its list member's state."""
    return (
        f"SELECT l.id, l.payer_id, l.member_id, l.callback_id, l.created_at, l.operator_id, "
        f"m.status, m.attempts FROM {LEASE} l LEFT JOIN {MEMBER} m ON m.id = l.member_id "
        f"WHERE l.operator_id = %s" + lock_of("l")
    )


SETTLE_CONTACTS = (
    f'SELECT c."at", c.kind, c.result, '
    f"EXISTS (SELECT 1 FROM {PROMISE} p WHERE p.contact_id = c.id) "
    f'FROM {CONTACT} c WHERE c.payer_id = %s AND c."at" >= %s'
)
MEMBER_SETTLE = (
    f"UPDATE {MEMBER} SET status = %s, note = %s, next_at = %s, attempts = %s, "
    f"last_attempt_at = COALESCE(%s, last_attempt_at), updated_at = %s "
    f"WHERE id = %s AND status = 'pending'"
)
MEMBER_DEFER = (
    f"UPDATE {MEMBER} SET status = %s, next_at = %s, note = %s, updated_at = %s WHERE id = %s"
)
WAIT_SET = (
    f'INSERT INTO {WAIT} (payer_id, "until", note, updated_at) VALUES (%s, %s, %s, %s) '
    'ON CONFLICT (payer_id) DO UPDATE SET "until" = excluded."until", note = excluded.note, '
    "updated_at = excluded.updated_at"
)
LEASE_DELETE = f"DELETE FROM {LEASE} WHERE id = %s"
LEASE_INSERT = (
    f"INSERT INTO {LEASE} "
    "(payer_id, operator_id, member_id, callback_id, reason, created_at, expires_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id"
)
AGENT_SHOW = f"UPDATE {AGENT} SET payer_id = %s WHERE user_id = %s"

VERSIONS = (
    f"SELECT v.id, v.number, v.created_at, c.name FROM {VERSION} v "
    f"JOIN {CALLLIST} c ON c.id = v.call_list_id "
    f"WHERE v.status = 'published' AND (v.audience = 'shared' OR (v.audience = 'named' AND "
    f"v.id IN (SELECT o.listversion_id FROM {VERSION_OPERATORS} o WHERE o.user_id = %s))) "
    f"ORDER BY v.priority, v.published_at, v.id"
)


def wake() -> str:
    """Waiting members of published versions whose time has come are ready again (next_at
    cleared; rows another offer has locked are left for the next time)."""
    return (
        f"UPDATE {MEMBER} SET next_at = NULL WHERE id IN (SELECT m.id FROM {MEMBER} m "
        f"WHERE m.status = 'pending' AND m.next_at IS NOT NULL AND m.next_at <= %s "
        f"AND m.version_id IN (SELECT v.id FROM {VERSION} v WHERE v.status = 'published') "
        f"LIMIT 5000{skip_locked()})"
    )


def callbacks_due() -> str:
    return (
        f"SELECT cb.id, cb.payer_id, cb.due_at, cb.note FROM {CALLBACK} cb "
        f"WHERE cb.done_at IS NULL AND cb.cancelled_at IS NULL AND cb.due_at <= %s "
        f"AND (cb.operator_id = %s OR cb.operator_id IS NULL OR cb.due_at <= %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = cb.payer_id "
        f"AND l.expires_at > %s) ORDER BY cb.due_at, cb.id LIMIT 5" + skip_locked()
    )


def candidate() -> str:
    """The next ready member of a version after a rank, not on offer; claimed with SKIP
    LOCKED so concurrent offers each claim a different row (index member_ready)."""
    return (
        f'SELECT m.id, m.payer_id, m."rank", m.owed, m.note FROM {MEMBER} m '
        f"WHERE m.version_id = %s AND m.status = 'pending' AND (m.\"rank\" + 0) > %s "
        f"AND m.next_at IS NULL AND m.payer_id <> %s "
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = m.payer_id "
        f'AND l.expires_at > %s) ORDER BY m.version_id, (m."rank" + 0) LIMIT 1' + skip_locked()
    )


PAYER_FIELDS = ["id", "kind", "name", "name_kana", "total_unpaid", "open_installments"]


def _facts_columns(today: str, since: str) -> str:
    """What the rules need about payer `p` (with its wait `w`), today/since as placeholders.

    On PostgreSQL the recent contacts come along as one JSON array (no second statement);
    SQLite reads them with FACT_CONTACTS.
    """
    contacts = (
        '(SELECT json_agg(json_build_array(c."at", c.kind, c.result) '
        f'ORDER BY c."at" DESC, c.id DESC) FROM {CONTACT} c '
        f'WHERE c.payer_id = p.id AND c."at" >= {since})'
        if _pg()
        else "NULL"
    )
    columns = ", ".join(f"p.{f}" for f in PAYER_FIELDS)
    return (
        f"{columns}, "
        f"EXISTS (SELECT 1 FROM {PHONE} ph WHERE ph.payer_id = p.id AND ph.status <> 'invalid'), "
        f"(SELECT MAX(pr.promised_on) FROM {PROMISE} pr WHERE pr.payer_id = p.id "
        f"AND pr.status = 'open'), "
        f'(SELECT h."end" FROM {HOLD} h WHERE h.payer_id = p.id AND h.lifted_at IS NULL '
        f'AND h."start" <= {today} AND h."end" >= {today} ORDER BY h."end" DESC LIMIT 1), '
        f"(SELECT h.reason FROM {HOLD} h WHERE h.payer_id = p.id AND h.lifted_at IS NULL "
        f'AND h."start" <= {today} AND h."end" >= {today} ORDER BY h."end" DESC LIMIT 1), '
        f"(SELECT MAX(pa.paid_on) FROM {PAYMENT} pa "
        f"JOIN {INSTALLMENT} i ON i.id = pa.installment_id "
        f"WHERE i.payer_id = p.id AND pa.amount > 0), "
        f"(SELECT MIN(cb.due_at) FROM {CALLBACK} cb WHERE cb.payer_id = p.id "
        f"AND cb.done_at IS NULL AND cb.cancelled_at IS NULL), "
        f'w."until", w.note, {contacts}'
    )


def facts() -> str:
    """Everything the rules need about one payer, and the payer's own row for the offer."""
    since = "%s" if _pg() else "NULL"
    return (
        f"SELECT {_facts_columns('%s', since)} "
        f"FROM {PAYER} p LEFT JOIN {WAIT} w ON w.payer_id = p.id WHERE p.id = %s"
    )


FACT_CONTACTS = (
    f'SELECT "at", kind, result FROM {CONTACT} WHERE payer_id = %s AND "at" >= %s '
    f'ORDER BY "at" DESC, id DESC'
)


# --- PostgreSQL: an offer in two statements -------------------------------------------------
#
# START reads everything an offer needs in one statement: the operator's held lease
# (locked) with what was recorded while it was held, the versions the operator works,
# whether a callback is due, and the first free member of the first version (claimed with
# SKIP LOCKED) with the facts about its payer. WRITE then settles the held offer and leases
# the chosen payer in one statement. With BEGIN and COMMIT that is four round trips per
# offer instead of thirteen. START also sets the transaction's synchronous_commit (see
# queue.SYNC_COMMIT).


def _versions_of(op: str) -> str:
    """The published versions operator `op` (an SQL expression) works, unordered."""
    return (
        f"SELECT v.id, v.number, v.created_at, c.name, v.priority, v.published_at "
        f"FROM {VERSION} v JOIN {CALLLIST} c ON c.id = v.call_list_id "
        f"WHERE %(open)s AND v.status = 'published' AND (v.audience = 'shared' OR "
        f"(v.audience = 'named' AND v.id IN (SELECT o.listversion_id FROM {VERSION_OPERATORS} o "
        f"WHERE o.user_id = {op})))"
    )


def _callback_due(op: str) -> str:
    """Whether a callback may be due for operator `op` (an SQL expression)."""
    return (
        f"%(open)s AND EXISTS (SELECT 1 FROM {CALLBACK} cb WHERE cb.done_at IS NULL "
        f"AND cb.cancelled_at IS NULL AND cb.due_at <= %(now)s "
        f"AND (cb.operator_id = {op} OR cb.operator_id IS NULL OR cb.due_at <= %(open_cb)s) "
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = cb.payer_id "
        f"AND l.expires_at > %(now)s))"
    )


def _held_columns(h: str) -> str:
    """What was recorded while lease `h` was held, and whether its payer has a valid phone."""
    return (
        f'(SELECT json_agg(json_build_array(c."at", c.kind, c.result, '
        f"EXISTS (SELECT 1 FROM {PROMISE} pp WHERE pp.contact_id = c.id))) FROM {CONTACT} c "
        f"WHERE c.payer_id = {h}.payer_id AND c.\"at\" >= {h}.created_at - interval '1 minute'), "
        f"EXISTS (SELECT 1 FROM {PHONE} hp WHERE hp.payer_id = {h}.payer_id "
        f"AND hp.status <> 'invalid')"
    )


_VERSIONS_OF = _versions_of("%(op)s")

START = (
    # `held` is locked before any member is claimed: the candidate refers to it (lock
    # order, see queue.py), and never offers the held payer again.
    f"WITH held AS (SELECT l.id, l.payer_id, l.member_id, l.callback_id, l.created_at, "
    f"m.status, m.attempts FROM {LEASE} l LEFT JOIN {MEMBER} m ON m.id = l.member_id "
    f"WHERE l.operator_id = %(op)s FOR UPDATE OF l), "
    f"vers AS ({_VERSIONS_OF}), "
    f'cand AS (SELECT m.id, m.payer_id, m."rank", m.owed, m.note FROM {MEMBER} m '
    f"WHERE m.version_id = (SELECT id FROM vers ORDER BY priority, published_at, id LIMIT 1) "
    f"AND m.status = 'pending' AND m.next_at IS NULL "
    f"AND m.payer_id <> COALESCE((SELECT payer_id FROM held), 0) "
    f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = m.payer_id "
    f'AND l.expires_at > %(now)s) ORDER BY m.version_id, (m."rank" + 0) LIMIT 1 '
    f"FOR UPDATE SKIP LOCKED) "
    f"SELECT h.id, h.payer_id, h.member_id, h.callback_id, h.created_at, h.status, h.attempts, "
    f"{_held_columns('h')}, "
    f"(SELECT json_agg(json_build_array(v.id, v.number, v.created_at, v.name) "
    f"ORDER BY v.priority, v.published_at, v.id) FROM vers v), "
    f"{_callback_due('%(op)s')}, "
    f'k.id, k.payer_id, k."rank", k.owed, k.note, '
    f"{_facts_columns('%(today)s', '%(since)s')} "
    f", set_config('synchronous_commit', %(sync)s, true) "
    f"FROM (SELECT 1) one LEFT JOIN held h ON true LEFT JOIN cand k ON true "
    f"LEFT JOIN {PAYER} p ON p.id = k.payer_id LEFT JOIN {WAIT} w ON w.payer_id = k.payer_id"
)

WRITE = (
    # Settle the held offer (member first, then the lease: lock order, see queue.py; a
    # callback that was made is marked done apart, it is rare), lease
    # the new payer (the held lease is gone by then, so the operator's own unique key does
    # not clash; the payer's may, and then nothing is inserted), show it on the board.
    f"WITH upd AS (UPDATE {MEMBER} SET status = %(status)s, note = %(note)s, "
    f"next_at = %(next_at)s::timestamptz, attempts = %(attempts)s::int, "
    f"last_attempt_at = COALESCE(%(last_at)s::timestamptz, last_attempt_at), "
    f"updated_at = %(now)s WHERE id = %(member)s::bigint AND status = 'pending' RETURNING id), "
    f'wt AS (INSERT INTO {WAIT} (payer_id, "until", note, updated_at) '
    f"SELECT %(wait_payer)s::bigint, %(next_at)s::timestamptz, %(note)s, %(now)s "
    f"WHERE %(wait_payer)s::bigint IS NOT NULL "
    f'ON CONFLICT (payer_id) DO UPDATE SET "until" = excluded."until", '
    f"note = excluded.note, updated_at = excluded.updated_at RETURNING 1), "
    f"del AS (DELETE FROM {LEASE} WHERE id = %(held)s::bigint "
    f"AND (SELECT count(*) FROM upd) >= 0 RETURNING 1), "
    f"ins AS (INSERT INTO {LEASE} "
    f"(payer_id, operator_id, member_id, callback_id, reason, created_at, expires_at) "
    f"SELECT %(payer)s::bigint, %(op)s, %(new_member)s::bigint, %(callback)s::bigint, "
    f"%(reason)s::varchar, %(now)s, %(expires)s::timestamptz "
    f"WHERE %(payer)s::bigint IS NOT NULL AND (SELECT count(*) FROM del) >= 0 "
    f"ON CONFLICT DO NOTHING RETURNING id, payer_id), "
    f"ag AS (UPDATE {AGENT} SET payer_id = (SELECT payer_id FROM ins) "
    f"WHERE user_id = %(op)s RETURNING 1) "
    f"SELECT (SELECT id FROM ins), (SELECT count(*) FROM ag)"
)


# --- PostgreSQL: the offers of concurrent requests in one process, together ----------------
#
# queue._Batch gathers the operators asking at the same moment in one process and answers
# them with three statements in one transaction: START_MANY (every operator's held lease,
# locked in operator order, what was recorded during it, their versions, whether a callback
# may be due), CLAIM (as many free members of a version as are asked for, and a few more,
# with SKIP LOCKED and the facts about their payers) and WRITE_MANY (every settlement and
# every new lease at once; the leases inserted in payer order, so two batches never wait
# for each other's leases in a cycle).

START_MANY = (
    # each held lease looked up by its operator (the unique index; a scan of the lease
    # table reads every lease deleted since the last vacuum) and locked, in operator order
    f"SELECT q.op, h.id, h.payer_id, h.member_id, h.callback_id, h.created_at, h.status, "
    f"h.attempts, {_held_columns('h')}, "
    f"(SELECT json_agg(json_build_array(v.id, v.number, v.created_at, v.name) "
    f"ORDER BY v.priority, v.published_at, v.id) FROM ({_versions_of('q.op')}) v), "
    f"{_callback_due('q.op')}, set_config('synchronous_commit', %(sync)s, true) "
    f"FROM unnest(%(ops)s::bigint[]) WITH ORDINALITY AS q(op, n) "
    f"LEFT JOIN LATERAL (SELECT l.id, l.payer_id, l.member_id, l.callback_id, l.created_at, "
    f"m.status, m.attempts FROM {LEASE} l LEFT JOIN {MEMBER} m ON m.id = l.member_id "
    f"WHERE l.operator_id = q.op FOR UPDATE OF l) h ON true ORDER BY q.n"
)


def claim(n: int) -> str:
    """Up to `n` free members of a version after a rank, with the facts about their payers.

    `n` is written into the statement, not bound: with a bound LIMIT the planner of the
    prepared statement's generic plan expects a tenth of the list and plans hash joins over
    every payer (~200 ms), so it kept planning each execution anew (~1 ms of CPU)."""
    return (
        f'WITH cand AS (SELECT m.id, m.payer_id, m."rank", m.owed, m.note FROM {MEMBER} m '
        f"WHERE m.version_id = %(version)s AND m.status = 'pending' AND m.next_at IS NULL "
        f'AND (m."rank" + 0) > %(after)s AND m.payer_id <> ALL(%(held)s::bigint[]) '
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = m.payer_id "
        f'AND l.expires_at > %(now)s) ORDER BY m.version_id, (m."rank" + 0) LIMIT {int(n)} '
        f"FOR UPDATE SKIP LOCKED) "
        f'SELECT k.id, k.payer_id, k."rank", k.owed, k.note, '
        f"{_facts_columns('%(today)s', '%(since)s')} "
        f"FROM cand k LEFT JOIN {PAYER} p ON p.id = k.payer_id "
        # OFFSET 0: looked up per member, not hashed over every wait
        f'LEFT JOIN LATERAL (SELECT w0."until", w0.note FROM {WAIT} w0 '
        f"WHERE w0.payer_id = k.payer_id OFFSET 0) w ON true "
        f'ORDER BY k."rank"'
    )


WRITE_MANY = (
    # As WRITE, for many operators: members settled and deferred first, then the held
    # leases deleted, then the new leases inserted (payer order), then the board.
    f"WITH d AS (SELECT * FROM unnest(%(op)s::bigint[], %(held)s::bigint[], "
    f"%(member)s::bigint[], %(status)s::text[], %(note)s::text[], %(next_at)s::timestamptz[], "
    f"%(attempts)s::int[], %(last_at)s::timestamptz[], %(wait_payer)s::bigint[], "
    f"%(payer)s::bigint[], %(new_member)s::bigint[], %(reason)s::text[]) "
    f"AS d(op, held, member, status, note, next_at, attempts, last_at, wait_payer, payer, "
    f"new_member, reason)), "
    f"upd AS (UPDATE {MEMBER} m SET status = d.status, note = d.note, next_at = d.next_at, "
    f"attempts = d.attempts, last_attempt_at = COALESCE(d.last_at, m.last_attempt_at), "
    f"updated_at = %(now)s FROM d WHERE m.id = d.member AND m.status = 'pending' RETURNING m.id), "
    f"dfr AS (UPDATE {MEMBER} m SET status = x.status, next_at = x.next_at, note = x.note, "
    f"updated_at = %(now)s FROM unnest(%(defer)s::bigint[], %(defer_status)s::text[], "
    f"%(defer_at)s::timestamptz[], %(defer_note)s::text[]) AS x(id, status, next_at, note) "
    f"WHERE m.id = x.id RETURNING 1), "
    f'wt AS (INSERT INTO {WAIT} (payer_id, "until", note, updated_at) '
    f"SELECT d.wait_payer, d.next_at, d.note, %(now)s FROM d WHERE d.wait_payer IS NOT NULL "
    f'ON CONFLICT (payer_id) DO UPDATE SET "until" = excluded."until", '
    f"note = excluded.note, updated_at = excluded.updated_at RETURNING 1), "
    f"del AS (DELETE FROM {LEASE} l USING d WHERE l.id = d.held "
    f"AND (SELECT count(*) FROM upd) >= 0 AND (SELECT count(*) FROM dfr) >= 0 RETURNING 1), "
    f"ins AS (INSERT INTO {LEASE} "
    f"(payer_id, operator_id, member_id, callback_id, reason, created_at, expires_at) "
    f"SELECT d.payer, d.op, d.new_member, NULL, d.reason, %(now)s, %(expires)s FROM d "
    f"WHERE d.payer IS NOT NULL AND (SELECT count(*) FROM del) >= 0 ORDER BY d.payer "
    f"ON CONFLICT DO NOTHING RETURNING operator_id, id, payer_id), "
    f"ag AS (UPDATE {AGENT} a SET payer_id = i.payer_id FROM d LEFT JOIN ins i "
    f"ON i.operator_id = d.op WHERE a.user_id = d.op RETURNING a.user_id) "
    f"SELECT d.op, i.id, EXISTS (SELECT 1 FROM ag WHERE ag.user_id = d.op) "
    f"FROM d LEFT JOIN ins i ON i.operator_id = d.op"
)
