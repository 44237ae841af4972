"""An operator goes ready; a simulated call from a known number rings on their screen
with the payer's name and the way to the inbound page; they hang up into wrap-up."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from django.db import OperationalError

from nofu.accounts.models import Role
from nofu.payers.models import Payer, Phone, PhoneOrigin
from nofu.telephony.simulator import SimulatedCall, simulate_inbound
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ring(number: str) -> SimulatedCall:
    """Rings from the test thread. The live server shares this thread's in-memory SQLite
    connection, so a write can collide with the page's poll ("database table is locked");
    a file database (production: WAL, busy timeout) or PostgreSQL never does this."""
    for _ in range(50):
        try:
            # force_open: the test may run outside the center's hours
            return simulate_inbound(number, force_open=True)
        except OperationalError:
            time.sleep(0.1)
    raise AssertionError("could not ring: the test database stayed locked")


def test_a_simulated_call_rings_on_the_operators_page(page) -> None:  # type: ignore[no-untyped-def]
    olivia = make_user("olivia", Role.OPERATOR, "大野 オリビア")
    payer = Payer.objects.create(name="千葉 花子", name_kana="チバ ハナコ")
    Phone.objects.create(
        payer=payer,
        number="0432455000",
        origin=PhoneOrigin.CITY_DATA,
        first_seen=date(2025, 4, 1),
        last_seen=date(2025, 4, 1),
    )
    login(page, "olivia", TEST_PASSWORD)
    page.goto("/telephony/")
    page.wait_for_selector("#softphone")
    assert page.inner_text("#sp-state") == "ログオフ"
    assert page.is_hidden("#sp-banner")

    page.click("#softphone button[data-state=ready]")
    page.wait_for_function("document.getElementById('sp-state').textContent === '待機'")
    shot(page, "softphone-ready")

    call = ring("043-245-5000")
    assert call.agent == olivia
    page.wait_for_selector("#sp-banner:not([hidden])")
    banner = page.inner_text("#sp-banner")
    shot(page, "softphone-incoming-call")
    assert "着信" in banner and "043-245-5000" in banner and "千葉 花子" in banner
    assert page.inner_text("#sp-state") == "通話中"
    assert page.title().startswith("☎ 着信")
    href = page.get_attribute("#sp-open", "href")
    assert href == f"/calls/inbound?number=0432455000&call_id={call.call_id}"
    assert page.get_attribute("#sp-payers a", "href") == f"/payers/{payer.pk}/"
    # on a call the state buttons wait; only hanging up is offered
    assert page.is_disabled("#softphone button[data-state=break]")

    page.click("#sp-hangup button")
    page.wait_for_function("document.getElementById('sp-state').textContent === '後処理'")
    assert "直前の着信" in page.inner_text("#sp-banner")
    shot(page, "softphone-wrap-up")

    page.click("#softphone button[data-state=ready]")
    page.wait_for_selector("#sp-banner", state="hidden")
    assert page.inner_text("#sp-state") == "待機"


def test_the_banner_opens_the_inbound_page(page) -> None:  # type: ignore[no-untyped-def]
    make_user("olivia", Role.OPERATOR, "大野 オリビア")
    login(page, "olivia", TEST_PASSWORD)
    page.goto("/telephony/")
    page.click("#softphone button[data-state=ready]")
    page.wait_for_function("document.getElementById('sp-state').textContent === '待機'")
    ring("")  # a withheld number
    page.wait_for_selector("#sp-banner:not([hidden])")
    assert "非通知" in page.inner_text("#sp-banner")
    assert "登録のない番号" in page.inner_text("#sp-banner")
    page.click("#sp-open")
    page.wait_for_url(re.compile(r".*/calls/inbound\?number=&call_id=sim-"))
    page.wait_for_selector("#sp-banner:not([hidden])")
    shot(page, "softphone-to-inbound-page")
    assert page.is_hidden("#sp-open")  # already there


def test_a_supervisor_rings_from_the_simulator(page) -> None:  # type: ignore[no-untyped-def]
    make_user("sam", Role.SUPERVISOR, "佐藤 サム")
    payer = Payer.objects.create(name="幕張 次郎")
    Phone.objects.create(
        payer=payer,
        number="09011112222",
        origin=PhoneOrigin.CITY_DATA,
        first_seen=date(2025, 4, 1),
        last_seen=date(2025, 4, 1),
    )
    login(page, "sam", TEST_PASSWORD)
    page.goto("/telephony/simulator")
    page.fill("#id_number", "090-1111-2222")
    page.check("#ring-form input[name=force_open]")
    page.click("#ring-form button[type=submit]")
    page.wait_for_selector(".messages")
    shot(page, "telephony-simulator")
    assert "090-1111-2222（幕張 次郎）からの着信: 待ち呼" in page.inner_text(".messages")
    assert "090-1111-2222" in page.inner_text("#waiting")
    assert "着信" in page.inner_text("#events")
