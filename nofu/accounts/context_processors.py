from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from nofu.accounts.access import CAPABILITIES, can


class _Can:
    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> bool:
        return can(self.user, name.replace("__", "."))


def roles(request: HttpRequest) -> dict[str, Any]:
    """`{% if can.payer__view %}` in templates (dots are not allowed in attribute names)."""
    user = getattr(request, "user", None)
    return {
        "can": _Can(user),
        "capabilities": sorted(CAPABILITIES),
        # the simulated phone's page is in the menu only when no real phone system is connected
        "phone_simulated": settings.NOFU_PHONE_GATEWAY == "simulated",
    }
