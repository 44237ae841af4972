"""Bulk writes for imports: COPY on PostgreSQL, executemany on SQLite.

The import benchmark's baseline uses these same primitives, so the ratio it prints
measures the import's own work (parsing, validation, normalization, payers), not a
faster or slower way of talking to the database.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection

BATCH = 5000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    n = 0
    q = connection.ops.quote_name
    columns = [q(c) for c in columns]
    with connection.cursor() as cur:
        if is_postgres():
            cols = ", ".join(columns)
            raw = cur.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                cur.executemany(sql, chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            cur.executemany(sql, chunk)
            n += len(chunk)
    return n


def allocate_ids(table: str, n: int) -> list[int]:
    """Primary keys for n new rows, taken inside the import's transaction."""
    if n == 0:
        return []
    with connection.cursor() as cur:
        if is_postgres():
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [r[0] for r in cur.fetchall()]
        # SQLite: the import holds the write lock (BEGIN IMMEDIATE), so max(id) is stable.
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cur.fetchone()[0] + 1
        return list(range(start, start + n))


def temp_ids(name: str, ids: Iterable[int]) -> None:
    """A temporary table of ids, for set-based updates over many rows."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TEMPORARY TABLE {name} (id bigint PRIMARY KEY)")
    bulk_insert(name, ["id"], ((i,) for i in sorted(set(ids))))
    analyze(name)


def frame_insert(table: str, frame: pl.DataFrame) -> int:
    """Writes a frame whose columns are named like the table's: one COPY stream on
    PostgreSQL (Polars writes the CSV), executemany on SQLite."""
    if frame.height == 0:
        return 0
    connection.ensure_connection()
    _run_steps(connection.connection, [Copy.of(table, frame)])
    return frame.height


def stage(name: str, like: str, frame: pl.DataFrame) -> None:
    """A temporary table shaped like `like`, holding `frame`, for one set-based statement."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT * FROM {like} WHERE 1 = 0")
    frame_insert(name, frame)
    analyze(name)


def analyze(name: str) -> None:
    """PostgreSQL plans a statement over a temporary table as if it held a few thousand
    rows until told otherwise (autovacuum never sees temporary tables)."""
    if is_postgres():
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {name}")


def drop(name: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")


# --- writes in the background --------------------------------------------------------------


@dataclass
class Copy:
    """A frame for a table: COPY data on PostgreSQL (made in the caller's thread), one
    executemany on SQLite."""

    table: str
    frame: pl.DataFrame
    statement: str = ""
    data: bytes = b""

    @classmethod
    def of(cls, table: str, frame: pl.DataFrame) -> Copy:
        q = connection.ops.quote_name
        cols = ", ".join(q(c) for c in frame.columns)
        step = cls(table, frame)
        if is_postgres():
            buf = io.BytesIO()
            frame.write_csv(buf, include_header=False, null_value=r"\N")
            step.data = buf.getvalue()
            step.frame = frame.clear()
            step.statement = f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        else:
            marks = ", ".join("?" for _ in frame.columns)
            step.statement = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        return step

    def run(self, cur: Any) -> None:
        """`cur`: the driver's own cursor (psycopg's or sqlite3's), not Django's."""
        if not is_postgres():
            cur.executemany(self.statement, self.frame.iter_rows())
            return
        data = self.data
        with cur.copy(self.statement) as copy:
            for i in range(0, len(data), 1 << 20):
                copy.write(data[i : i + (1 << 20)])


Step = Copy | str  # a frame, or a statement without parameters


def staged(name: str, like: str, frame: pl.DataFrame, then: str) -> list[Step]:
    """What `stage` does, `then` run, the table dropped: as steps for `Writer`."""
    steps: list[Step] = [
        f"DROP TABLE IF EXISTS {name}",
        f"CREATE TEMPORARY TABLE {name} AS SELECT * FROM {like} WHERE 1 = 0",
        Copy.of(name, frame),
    ]
    if is_postgres():
        steps.append(f"ANALYZE {name}")
    return [*steps, then, f"DROP TABLE {name}"]


def _run_steps(raw: Any, steps: list[Step]) -> None:
    cur = raw.cursor()
    try:
        for step in steps:
            if isinstance(step, Copy):
                step.run(cur)
            else:
                cur.execute(step)
    finally:
        cur.close()


class Writer:
    """Writes of one slice that nothing read before the next slice needs, run in order
    on the import's own connection (so in its transaction) by a second thread, while
    this one reads and normalizes the next slice: the database's work and the import's
    own overlap (psycopg and sqlite3 let go of the GIL while the database works, and
    each serializes the use of its connection). `wait()` before this thread's next
    statement and before the transaction ends: it raises what the writes raised."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, steps: list[Step]) -> None:
        self.wait()
        connection.ensure_connection()
        raw = connection.connection  # the driver's connection: Django's is per thread

        def run() -> None:
            try:
                _run_steps(raw, steps)
            except BaseException as exc:  # noqa: BLE001 - raised again by wait()
                self._error = exc

        self._thread = threading.Thread(target=run, name="nofu-import-writer", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            with connection.wrap_database_errors:  # as Django's own exceptions
                raise error
