"""Generating reports and exports: build, write, then enter in the register and the audit log.

A file that leaves the system is a データ授受管理簿 row (direction out, SHA-256, counts)
and an audit row, written in one transaction after the file exists, so the register never
names a file that was not produced.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from nofu.audit.actions import audit_record, exchange_record, sha256_of
from nofu.audit.models import Direction
from nofu.calls.models import ContactEvent
from nofu.lib.wareki import to_wareki_fiscal_year
from nofu.reports import documents, figures
from nofu.reports.results import ExportFile, build_files

KINDS = {"daily": "日報", "monthly": "月報", "annual": "年報"}


@dataclass(frozen=True)
class Period:
    """What a report covers: a day, a month or a fiscal year."""

    kind: str  # daily | monthly | annual
    start: date

    @classmethod
    def daily(cls, d: date) -> Period:
        return cls("daily", d)

    @classmethod
    def monthly(cls, year: int, month: int) -> Period:
        return cls("monthly", date(year, month, 1))

    @classmethod
    def annual(cls, fiscal_year: int) -> Period:
        return cls("annual", date(fiscal_year, 4, 1))

    @property
    def end(self) -> date:
        if self.kind == "daily":
            return self.start
        if self.kind == "monthly":
            return figures.month_end(self.start.year, self.start.month)
        return date(self.start.year + 1, 3, 31)

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        if self.kind == "daily":
            return documents.jdate(self.start)
        if self.kind == "monthly":
            return documents.jmonth(self.start.year, self.start.month)
        return to_wareki_fiscal_year(self.start.year)

    @property
    def file_name(self) -> str:
        if self.kind == "daily":
            return f"日報_{self.start:%Y%m%d}.xlsx"
        if self.kind == "monthly":
            return f"月報_{self.start:%Y%m}.xlsx"
        return f"年報_{self.start.year}年度.xlsx"


@dataclass
class Generated:
    period: Period
    name: str
    data: bytes
    records: int  # contact events in the period


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_report(
    period: Period, *, as_of: date | None = None, now: datetime | None = None
) -> bytes:
    now = now or timezone.now()
    as_of = as_of or timezone.localdate()
    if period.kind == "daily":
        return documents.daily_workbook(period.start, now=now)
    if period.kind == "monthly":
        return documents.monthly_workbook(
            period.start.year, period.start.month, as_of=as_of, now=now
        )
    return documents.annual_workbook(period.start.year, as_of=as_of, now=now)


def report_generate(
    *,
    actor: Any,
    period: Period,
    out: Path | None = None,
    as_of: date | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Generated:
    """Builds the 日報/月報/年報 (and writes it to `out`), then registers it."""
    data = build_report(period, as_of=as_of, now=now)
    name = out.name if out is not None else period.file_name
    if out is not None:
        _write(out, data)
    lo, hi = figures.day_bounds(period.start, period.end)
    records = ContactEvent.objects.filter(at__gte=lo, at__lt=hi).count()
    with transaction.atomic():
        exchange_record(
            actor=actor,
            direction=Direction.OUT,
            kind=period.title,
            file_name=name,
            sha256=sha256_of(data),
            size_bytes=len(data),
            rows_read=records,
            rows_imported=records,
            note=f"{period.title} {period.label}（対応記録{records}件）",
        )
        audit_record(
            actor=actor,
            action=f"report.{period.kind}",
            target_type="report",
            target_id=period.start.isoformat(),
            summary=f"{period.title} {period.label} を作成（{name}）",
            detail={"file": name, "records": records},
            request=request,
        )
    return Generated(period, name, data, records)


def results_export(
    *,
    actor: Any,
    day: date,
    keys: Sequence[str] | None = None,
    out_dir: Path | None = None,
    request: HttpRequest | None = None,
) -> list[ExportFile]:
    """架電結果データ and 電話番号情報 of `day` (all four files unless `keys` names some)."""
    files = build_files(day, keys)
    if out_dir is not None:
        for f in files:
            _write(out_dir / f.name, f.data)
    with transaction.atomic():
        for f in files:
            note = f"{day:%Y/%m/%d}分 {f.rows}件"
            if f.name.endswith(".csv"):
                note += f"、CP932で表せない文字を〓に置換 {f.replaced}文字"
            exchange_record(
                actor=actor,
                direction=Direction.OUT,
                kind=f.kind,
                file_name=f.name,
                sha256=sha256_of(f.data),
                size_bytes=len(f.data),
                rows_read=f.rows,
                rows_imported=f.rows,
                note=note,
            )
        audit_record(
            actor=actor,
            action="export.results",
            target_type="results",
            target_id=day.isoformat(),
            summary="、".join(f"{f.name}（{f.rows}件）" for f in files),
            detail={
                "files": [{"name": f.name, "rows": f.rows, "replaced": f.replaced} for f in files]
            },
            request=request,
        )
    return files
