"""Who may do what: the one place that decides (Zulip's access_* helpers).

Views declare the capability they need with @require_capability; templates ask
`can.<capability>` through the context processor. A new capability is one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from nofu.accounts.models import Role

O, S, M, C = Role.OPERATOR, Role.SUPERVISOR, Role.MANAGER, Role.CITY

CAPABILITIES: dict[str, frozenset[str]] = {
    # payers' personal data
    "payer.view": frozenset({O, S, M, C}),
    # calls and outcomes
    "calls.work": frozenset({O, S, M}),
    "calls.supervise": frozenset({S, M}),
    "mailing.print": frozenset({M}),  # reissued slips: the mailing queue, labels, batches
    "lists.manage": frozenset({M}),  # call lists, session planning, targets
    # matching review, split and merge
    "match.review": frozenset({S, M}),
    # data in and out
    "intake.import": frozenset({M}),
    "register.view": frozenset({M, C}),
    "results.export": frozenset({M, C}),
    # reports
    "reports.view": frozenset({S, M, C}),
    "reports.generate": frozenset({M}),
    # administration
    "audit.view": frozenset({M, C}),
    "users.manage": frozenset({M}),
    "rules.edit": frozenset({M}),
}


def can(user: Any, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def access_capability(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(capability)


def require_capability(capability: str) -> Callable:
    if capability not in CAPABILITIES:
        raise KeyError(capability)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            access_capability(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator
