"""The one clock of this app, so tests (and the browser test's live server) can set it.

`NOFU_CLOCK_AT` (an ISO date-time, e.g. 2026-11-24T10:30:00+09:00) starts this clock at that
moment when the process starts and lets it run from there (Tokyo time unless an offset is
given): for benchmarks and evening training
sessions that need the call lists open outside operating hours. Never set it in production.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

_START = os.environ.get("NOFU_CLOCK_AT", "").strip()
_AT = datetime.fromisoformat(_START) if _START else None
if _AT is not None and _AT.tzinfo is None:
    _AT = _AT.replace(tzinfo=ZoneInfo("Asia/Tokyo"))
_T0 = time.monotonic()


def now() -> datetime:
    if _AT is not None:
        return _AT + timedelta(seconds=time.monotonic() - _T0)
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())
