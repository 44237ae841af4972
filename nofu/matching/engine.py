"""The matching engine's state for the database: load it, keep it in step, save it.

The database is the truth; the engine's state (a `MatchResult` with its model) is a cache
of "the engine's answer for these installments", saved under VAR_DIR/matching/<token>
once the import that changed it has committed (the `EngineState` row names the current
token). Since an incremental run equals a full run with the same model and decisions,
any saved state can be brought up to date by matching the installments it lacks: that is
how a state older than the database (a crash after commit, another process's import) is
caught up. If the state is missing it is built from the installments once; if rows have
gone from the database, it is rebuilt with the same model.

Within one transaction (an import of several chunks) the state lives in memory; it is
dropped when that transaction rolls back.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from nofu.intake.bulk import bulk_insert
from nofu.lib.matching import (
    Decision,
    MatchModel,
    MatchResult,
    match_incremental,
    match_records,
)
from nofu.matching.models import EngineState, MatchDecision

RECORD_COLUMNS = (
    "source_system",
    "receivable_key",
    "resident_no",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "nationality",
    "corporation",
    "postal_code",
    "address",
    "building",
    "phone1",
    "phone2",
)


@dataclass
class Engine:
    result: MatchResult
    count: int  # records in the state
    max_id: int  # every installment with id ≤ max_id is in the state
    token: str  # the saved folder it equals ("" when changed since)
    marker: Any = None  # the on-commit callback of the transaction that changed it


_cache: dict[str, Engine | None] = {"engine": None}


def state_root() -> Path:
    return Path(settings.VAR_DIR) / "matching"


# --- records ------------------------------------------------------------------------------


def records_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Engine records from installment-shaped columns (as stored, or as the importer
    has them before storing: both give the same strings, so a rebuilt state equals an
    incremental one)."""
    address = "address_street" if "address_street" in df.columns else "address"
    birth = pl.col("birth_date")
    if df.schema["birth_date"] != pl.String:
        birth = birth.cast(pl.Date).dt.to_string("%Y-%m-%d")
    corp = pl.col("corporation").cast(pl.Boolean)
    return df.select(
        pl.col("source_system").alias("source"),
        pl.col("receivable_key").alias("key"),
        pl.col("resident_no").fill_null(""),
        pl.col("name").fill_null(""),
        pl.col("name_kana").fill_null("").alias("kana"),
        birth.fill_null("").alias("birth_date"),
        pl.col("sex").fill_null(""),
        pl.col("nationality").fill_null(""),
        pl.when(corp).then(pl.lit("法人")).otherwise(pl.lit("個人")).alias("corporation"),
        pl.col("postal_code").fill_null(""),
        pl.col(address).fill_null("").alias("address"),
        pl.col("building").fill_null(""),
        pl.col("phone1").fill_null(""),
        pl.col("phone2").fill_null(""),
    )


def _installment_records(where: str = "", params: list[Any] | None = None) -> pl.DataFrame:
    schema = {c: pl.String for c in RECORD_COLUMNS} | {"corporation": pl.Boolean}
    rows = []
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM payers_installment {where}", params)
        for r in cur.fetchall():
            r = list(r)
            r[5] = r[5].isoformat() if hasattr(r[5], "isoformat") else (r[5] or "")
            r[8] = bool(r[8])
            rows.append(r)
    return records_frame(pl.DataFrame(rows, schema=schema, orient="row"))


def decisions_all() -> list[Decision]:
    return [
        Decision((a_s, a_k), (b_s, b_k), same)
        for a_s, a_k, b_s, b_k, same in MatchDecision.objects.order_by("id").values_list(
            "a_source", "a_key", "b_source", "b_key", "same"
        )
    ]


def payers_of_keys(keys: pl.DataFrame) -> pl.DataFrame:
    """(source, key) → payer_id of installments already stored, through a temporary table."""
    out_schema = {"source": pl.String, "key": pl.String, "payer_id": pl.Int64}
    keys = keys.select("source", "key").unique()
    if keys.height == 0:
        return pl.DataFrame(schema=out_schema)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_match_keys")
        cur.execute(
            "CREATE TEMPORARY TABLE tmp_match_keys (source_system varchar(20), "
            "receivable_key varchar(50))"
        )
    bulk_insert("tmp_match_keys", ["source_system", "receivable_key"], keys.iter_rows())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT t.source_system, t.receivable_key, i.payer_id FROM tmp_match_keys t "
            "JOIN payers_installment i ON i.source_system = t.source_system "
            "AND i.receivable_key = t.receivable_key"
        )
        found = cur.fetchall()
        cur.execute("DROP TABLE tmp_match_keys")
    return pl.DataFrame(found, schema=out_schema, orient="row")


# --- state ----------------------------------------------------------------------------------


def _db_count_max() -> tuple[int, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM payers_installment")
        n, m = cur.fetchone()
    return int(n), int(m)


def _marker_pending(marker: Any) -> bool:
    return any(func is marker for _sids, func, _robust in connection.run_on_commit)


def _valid_cache() -> Engine | None:
    eng = _cache["engine"]
    if eng is None:
        return None
    if eng.marker is not None and not _marker_pending(eng.marker):
        # changed by a transaction that is no longer open and did not commit
        _cache["engine"] = None
        return None
    return eng


def is_current(eng: Engine) -> bool:
    """Whether `eng` is still the state in memory (not dropped by a rollback)."""
    return _valid_cache() is eng


def _load_saved(row: EngineState) -> Engine | None:
    if not row.token:
        return None
    folder = state_root() / row.token
    try:
        meta = json.loads((folder / "nofu.json").read_text(encoding="utf-8"))
        result = MatchResult.load(folder)
    except (OSError, ValueError, KeyError, Exception):  # noqa: BLE001 - a cache: rebuild
        return None
    return Engine(result, int(meta["count"]), int(meta["max_id"]), row.token)


def match_more(eng: Engine, records: pl.DataFrame, decisions: list[Decision]) -> MatchResult:
    """The new records matched against the engine's state (`match_incremental`)."""
    return match_incremental(eng.result, records, decisions=decisions)


def build(decisions: list[Decision], model: MatchModel | None = None) -> Engine | None:
    """The engine's answer for every installment in the database (None if there are none)."""
    n, max_id = _db_count_max()
    if n == 0:
        return None
    records = _installment_records()
    result = match_records(records, model=model, decisions=decisions)
    return Engine(result, records.height, max_id, "")


def _catch_up(eng: Engine, decisions: list[Decision]) -> Engine | None:
    n, max_id = _db_count_max()
    if n == eng.count:
        eng.max_id = max(eng.max_id, max_id)
        return eng
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, source_system, receivable_key FROM payers_installment WHERE id > %s",
            [eng.max_id],
        )
        later = pl.DataFrame(
            cur.fetchall(), schema={"id": pl.Int64, "source": pl.String, "key": pl.String},
            orient="row",
        )  # fmt: skip
    known = eng.result.clusters.select("source", "key")
    missing = later.join(known, on=["source", "key"], how="anti")
    if eng.count + missing.height != n:  # rows gone, or committed out of id order
        return build(decisions, eng.result.model)
    if missing.height:
        ids = missing["id"].to_list()
        parts = [
            _installment_records(
                f"WHERE id IN ({', '.join('%s' for _ in ids[i : i + 500])})", ids[i : i + 500]
            )
            for i in range(0, len(ids), 500)
        ]
        records = pl.concat(parts)
        eng.result = match_more(eng, records, decisions)
        eng.count += records.height
        eng.token = ""
    eng.max_id = max(eng.max_id, max_id)
    return eng


def lock_state() -> EngineState:
    """The state row, locked until the transaction ends (assignments never overlap)."""
    EngineState.objects.get_or_create(pk=1)
    return EngineState.objects.select_for_update().get(pk=1)


def current(decisions: list[Decision], row: EngineState | None = None) -> Engine | None:
    """The engine's state covering every installment now in the database (None if none).
    Call inside a transaction, after `lock_state()`."""
    row = row or lock_state()
    eng = _valid_cache() or _load_saved(row)
    if eng is None:
        eng = build(decisions)
    else:
        eng = _catch_up(eng, decisions)
    _cache["engine"] = eng
    if eng is not None and not eng.token:
        changed(eng, 0)  # built or caught up: worth saving once this transaction commits
    return eng


def changed(eng: Engine, added: int) -> None:
    """Record that `eng` now also holds `added` rows about to be stored in this
    transaction; it is saved once the transaction commits, forgotten if it (or the
    savepoint it changed in) rolls back."""
    eng.count += added
    eng.token = ""
    _cache["engine"] = eng

    def on_commit() -> None:
        if eng.marker is not on_commit:  # a later change in the same transaction saves
            return
        eng.marker = None
        try:
            save(eng)
        except OSError:  # a cache: the next import catches up or rebuilds
            pass

    eng.marker = on_commit
    transaction.on_commit(on_commit)


def save(eng: Engine) -> str:
    """Write the state to a new folder and make it current; remove the folder it replaces."""
    token = uuid.uuid4().hex
    folder = state_root() / token
    eng.result.save(folder)
    (folder / "nofu.json").write_text(
        json.dumps({"count": eng.count, "max_id": eng.max_id}), encoding="utf-8"
    )
    with transaction.atomic():
        EngineState.objects.get_or_create(pk=1)
        row = EngineState.objects.select_for_update().get(pk=1)
        old = row.token
        row.token, row.records, row.max_installment_id = token, eng.count, eng.max_id
        row.saved_at = timezone.now()
        row.save()
    eng.token = token
    if old and old != token:
        shutil.rmtree(state_root() / old, ignore_errors=True)
    _prune(keep=token)
    return token


STALE_SECONDS = 7 * 24 * 3600


def _prune(keep: str) -> None:
    """Folders left by databases that are gone (test runs, benchmarks) go after a week; a
    database whose folder went this way rebuilds its state on its next import."""
    now = time.time()
    for folder in state_root().iterdir():
        try:
            if folder.name != keep and now - folder.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def forget() -> None:
    """Drop the in-memory state (tests, and `nofu matching rebuild`)."""
    _cache["engine"] = None


def model_for_display() -> MatchModel | None:
    """The model of the current state, for explaining links on the payer page."""
    eng = _cache["engine"]
    if eng is not None and (eng.marker is None or _marker_pending(eng.marker)):
        return eng.result.model
    row = EngineState.objects.filter(pk=1).first()
    if row is None or not row.token:
        return None
    return _model_at(row.token)


_models: dict[str, MatchModel] = {}


def _model_at(token: str) -> MatchModel | None:
    if token not in _models:
        try:
            _models.clear()
            _models[token] = MatchModel.load(state_root() / token / "model")
        except Exception:  # noqa: BLE001 - only an explanation is lost
            return None
    return _models[token]
