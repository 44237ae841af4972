from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nofu.accounts.access import require_capability


@require_capability("intake.import")
def upload(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/upload.html", {})
