"""Browser tests: Playwright drives Debian's chromium against Django's live server.

Set NOFU_SCREENSHOTS=1 to keep a 1366×768 screenshot of each step in var/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("NOFU_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _late_charge_rules_present() -> None:
    """Earlier transactional tests flush the database; the operator screen needs the
    late-charge rates a data migration seeds, and caches the loaded rules for a minute."""
    import importlib

    from django.apps import apps

    from nofu.charges.models import YearRate

    if not YearRate.objects.exists():
        importlib.import_module("nofu.charges.migrations.0002_seed_rules").seed(apps, None)
    owed = importlib.import_module("nofu.calls.owed")
    if hasattr(owed, "_rules"):
        owed._rules = None


@pytest.fixture
def page(browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    _late_charge_rules_present()
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="ja-JP", base_url=live_server.url
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keeps a screenshot for a person to look at (NOFU_SCREENSHOTS=1)."""
    if os.environ.get("NOFU_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]", "_", name)
        page.screenshot(path=str(SHOTS / f"{safe}.png"), full_page=True)


def login(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run against a live server, so their database is flushed after each
    test; serialized rollback restores what data migrations seeded (the late-charge rates)
    for the next one, whatever order the tests run in."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )
