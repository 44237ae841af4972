from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nofu.accounts.access import require_capability


@require_capability("payer.view")
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "payers/search.html", {})


@require_capability("payer.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "payers/search.html", {})
