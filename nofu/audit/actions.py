"""Writing audit rows. Called from inside the transaction of the change it records."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.http import HttpRequest

from nofu.audit.models import AuditEvent, DataExchange


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target_type: str = "",
    target_id: Any = "",
    summary: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=str(actor) if actor is not None else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:500],
        reason=reason[:500],
        detail=detail or {},
        ip=client_ip(request),
    )


def sha256_of(data: bytes | Path) -> str:
    h = hashlib.sha256()
    if isinstance(data, Path):
        with data.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    else:
        h.update(data)
    return h.hexdigest()


def exchange_record(
    *,
    actor: Any,
    direction: str,
    kind: str,
    file_name: str,
    sha256: str,
    size_bytes: int,
    source_system: str = "",
    rows_read: int = 0,
    rows_imported: int = 0,
    rows_rejected: int = 0,
    status: str = "ok",
    note: str = "",
) -> DataExchange:
    user = actor if getattr(actor, "pk", None) else None
    return DataExchange.objects.create(
        actor=user,
        actor_name=str(actor) if actor is not None else "system",
        direction=direction,
        kind=kind,
        file_name=file_name,
        source_system=source_system,
        sha256=sha256,
        size_bytes=size_bytes,
        rows_read=rows_read,
        rows_imported=rows_imported,
        rows_rejected=rows_rejected,
        status=status,
        note=note[:500],
    )
