"""What the reports borrow from the call-list app, if it is there (`nofu.calllists`).

The month's plan (weekend sessions, the city's extra closed days), the yearly calls
target and the call lists are kept by the call-list app. The reports read them through
these functions, which answer None when that app's models or tables are not available,
so the reports keep working (with the documented fallbacks) either way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import Q


def _model(name: str) -> Any | None:
    try:
        model = apps.get_model("calllists", name)
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model


def weekend_sessions(start: date, end: date) -> set[date] | None:
    """Saturdays and Sundays planned as sessions (None: no plan is kept)."""
    Session = _model("Session")
    if Session is None:
        return None
    try:
        return set(
            Session.objects.filter(date__gte=start, date__lte=end, kind="weekend").values_list(
                "date", flat=True
            )
        )
    except FieldError:
        return None


def extra_closed(start: date, end: date) -> frozenset[date]:
    """The city's closed days beyond its ordinance (empty when none are kept)."""
    ClosedDay = _model("ClosedDay")
    if ClosedDay is None:
        return frozenset()
    try:
        return frozenset(
            ClosedDay.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
        )
    except FieldError:
        return frozenset()


def annual_calls_target(fy: int) -> int | None:
    AnnualTarget = _model("AnnualTarget")
    if AnnualTarget is None:
        return None
    try:
        row = AnnualTarget.objects.filter(fiscal_year=fy).values_list("outbound_calls").first()
    except FieldError:
        return None
    return row[0] if row else None


def call_list_size(start: date, end: date) -> int | None:
    """Persons on the call lists in use in the period (None: no list was ever published).

    A list version counts when it was published before the period ended and not retired
    before it began; a person on several lists counts once.
    """
    ListVersion, ListMember = _model("ListVersion"), _model("ListMember")
    if ListVersion is None or ListMember is None:
        return None
    from nofu.reports.figures import day_bounds

    lo, hi = day_bounds(start, end)
    try:
        if not ListVersion.objects.filter(published_at__isnull=False).exists():
            return None
        return (
            ListMember.objects.filter(version__published_at__lt=hi)
            .filter(Q(version__retired_at__isnull=True) | Q(version__retired_at__gte=lo))
            .values("payer_id")
            .distinct()
            .count()
        )
    except FieldError:
        return None
