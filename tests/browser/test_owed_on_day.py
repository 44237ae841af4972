"""On the phone the payer says when they will pay: the operator types that day (or it is
taken from the promise being entered) and quotes the late charge and the total for that day,
per installment, without leaving the call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from nofu.accounts.models import Role
from nofu.calls.owed import payer_owed
from nofu.calls.tests.helpers import make_payer, today
from nofu.charges.models import YearRate
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def yen(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_late_charge_on_the_promised_day(page) -> None:  # type: ignore[no-untyped-def]
    make_user("olivia", Role.OPERATOR, "大野 オリビア")
    taro = make_payer(
        "山田 太郎",
        installments=(("01", 2025, "1", 30000), ("01", 2025, "2", 20000), ("10", 2025, "3", 18000)),
    )
    latest = YearRate.objects.order_by("-year").first()
    assert latest is not None
    for year in range(latest.year + 1, today().year + 2):  # the chosen day may be next year
        YearRate.objects.create(
            year=year,
            special_base=latest.special_base,
            first_rate=latest.first_rate,
            later_rate=latest.later_rate,
        )
    on = today() + timedelta(days=40)
    expected = payer_owed(taro, today=today(), on=on)

    login(page, "olivia", TEST_PASSWORD)
    page.goto(f"/calls/?payer={taro.pk}")
    page.wait_for_selector("#owed-on-form")
    assert page.locator("#owed-late-on").count() == 0  # today only until a day is chosen

    page.fill("#owed-on", on.isoformat())
    page.press("#owed-on", "Enter")
    page.wait_for_selector("#owed-late-on")
    shot(page, "owed-on-day")
    assert yen(page.inner_text("#owed-late-on")) == expected.late_charge_on
    assert yen(page.inner_text("#owed-total-on")) == expected.total_on
    assert expected.late_charge_on is not None
    assert expected.late_charge_on > expected.late_charge  # it grows until paid
    assert f"{on.month}/{on.day}納付" in page.inner_text("#owed")

    # entering a promise fills the day in by itself
    page.keyboard.press("Escape")  # leave the date field, back to the one-key outcomes
    page.keyboard.press("6")
    page.wait_for_selector("#conversation")
    later = on + timedelta(days=20)
    page.fill("input[name=promise_date_1]", later.isoformat())
    page.locator("input[name=promise_date_1]").dispatch_event("change")
    page.wait_for_function(
        "d => document.getElementById('owed-on').value === d", arg=later.isoformat()
    )
    page.wait_for_function(
        "t => document.getElementById('owed').innerText.includes(t)",
        arg=f"{later.month}/{later.day}納付",
    )
    again = payer_owed(taro, today=today(), on=later)
    assert yen(page.inner_text("#owed-total-on")) == again.total_on
    shot(page, "owed-on-day-promise")

    # a day already past is refused in words
    page.fill("#owed-on", (today() - timedelta(days=3)).isoformat())
    page.press("#owed-on", "Enter")
    page.wait_for_selector("#owed-on-problem")
    assert "本日以降" in page.inner_text("#owed-on-problem")
