"""The queue's hot path as portable SQL (PostgreSQL and SQLite), prepared on PostgreSQL.

`next_payer` runs about a dozen statements per offer; through the ORM, compiling them
cost more CPU than running them (measured: ~15 ms per offer against ~3 ms here), and
fifty operators pulling at once on a small server wait for each other's CPU. The
statements are plain SQL both databases accept; only the row-lock clauses differ
(`FOR UPDATE … SKIP LOCKED` on PostgreSQL; SQLite has its database write lock).
Values come back as each driver gives them, so `dt()` / `d()` read both forms.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def one(sql: str, params: Sequence[Any]) -> tuple | None:  # type: ignore[type-arg]
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


def callbacks_due() -> str:
    return (
        f"SELECT cb.id, cb.payer_id, cb.due_at, cb.note FROM {CALLBACK} cb "
        f"WHERE cb.done_at IS NULL AND cb.cancelled_at IS NULL AND cb.due_at <= %s "
        f"AND (cb.operator_id = %s OR cb.operator_id IS NULL OR cb.due_at <= %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = cb.payer_id "
        f"AND l.expires_at > %s) ORDER BY cb.due_at, cb.id LIMIT 5" + skip_locked()
    )


def candidate() -> str:
    """The next pending member of a version after a rank, not on offer; claimed with SKIP
    LOCKED so concurrent offers each claim a different row (index member_version_rank)."""
    return (
        f'SELECT m.id, m.payer_id, m."rank", m.owed, m.note FROM {MEMBER} m '
        f"WHERE m.version_id = %s AND m.status = 'pending' AND m.\"rank\" > %s "
        f"AND (m.next_at IS NULL OR m.next_at <= %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {LEASE} l WHERE l.payer_id = m.payer_id "
        f'AND l.expires_at > %s) ORDER BY m.version_id, m."rank" LIMIT 1' + skip_locked()
    )


PAYER_FIELDS = ["id", "kind", "name", "name_kana", "total_unpaid", "open_installments"]


def facts() -> str:
    """Everything the rules need about one payer, and the payer's own row for the offer.

    On PostgreSQL the recent contacts come along as one JSON array (one statement per
    candidate instead of two); SQLite reads them with FACT_CONTACTS.
    """
    contacts = (
        '(SELECT json_agg(json_build_array(c."at", c.kind, c.result) '
        f'ORDER BY c."at" DESC, c.id DESC) FROM {CONTACT} c '
        'WHERE c.payer_id = p.id AND c."at" >= %s)'
        if _pg()
        else "NULL"
    )
    columns = ", ".join(f"p.{f}" for f in PAYER_FIELDS)
    return (
        f"SELECT {columns}, "
        f"EXISTS (SELECT 1 FROM {PHONE} ph WHERE ph.payer_id = p.id AND ph.status <> 'invalid'), "
        f"(SELECT MAX(pr.promised_on) FROM {PROMISE} pr WHERE pr.payer_id = p.id "
        f"AND pr.status = 'open'), "
        f'(SELECT h."end" FROM {HOLD} h WHERE h.payer_id = p.id AND h.lifted_at IS NULL '
        f'AND h."start" <= %s AND h."end" >= %s ORDER BY h."end" DESC LIMIT 1), '
        f"(SELECT h.reason FROM {HOLD} h WHERE h.payer_id = p.id AND h.lifted_at IS NULL "
        f'AND h."start" <= %s AND h."end" >= %s ORDER BY h."end" DESC LIMIT 1), '
        f"(SELECT MAX(pa.paid_on) FROM {PAYMENT} pa "
        f"JOIN {INSTALLMENT} i ON i.id = pa.installment_id "
        f"WHERE i.payer_id = p.id AND pa.amount > 0), "
        f"(SELECT MIN(cb.due_at) FROM {CALLBACK} cb WHERE cb.payer_id = p.id "
        f"AND cb.done_at IS NULL AND cb.cancelled_at IS NULL), "
        f'w."until", w.note, {contacts} '
        f"FROM {PAYER} p LEFT JOIN {WAIT} w ON w.payer_id = p.id WHERE p.id = %s"
    )


FACT_CONTACTS = (
    f'SELECT "at", kind, result FROM {CONTACT} WHERE payer_id = %s AND "at" >= %s '
    f'ORDER BY "at" DESC, id DESC'
)
