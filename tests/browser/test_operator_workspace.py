"""An operator takes the next payer, reaches them, records a promise and a reissue (after a
refused bad promise), takes an inbound call from a known number with a complaint, the
supervisor sees the complaint at once, and the manager prints the reissue's envelope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from nofu.accounts.models import Role
from nofu.calllists.queue import Offer
from nofu.calls.models import ContactEvent, MailingBatch, PaymentPromise, SlipReissue
from nofu.calls.tests.helpers import make_payer, today
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(monkeypatch):  # type: ignore[no-untyped-def]
    """The call-list queue offers the payers given, in order (its own tests cover the choice)."""
    offered: list = []
    monkeypatch.setattr(
        "nofu.calls.views.next_payer",
        lambda *, operator: Offer(offered.pop(0), "督促後30日リスト 1番目") if offered else None,
    )
    monkeypatch.setattr("nofu.calls.views.release", lambda *, operator: None)
    return offered


def test_operator_workspace(page, queue) -> None:  # type: ignore[no-untyped-def]
    make_user("olivia", Role.OPERATOR, "大野 オリビア")
    make_user("sam", Role.SUPERVISOR, "佐藤 サム")
    make_user("mia", Role.MANAGER, "三浦 ミア")
    taro = make_payer(
        "山田 太郎",
        phones=("09012345678", "0432221111"),
        installments=(("01", 2025, "1", 30000), ("01", 2025, "2", 20000), ("10", 2025, "3", 18000)),
    )
    hanako = make_payer("鈴木 花子", kana="スズキ ハナコ", phones=("08055556666",))
    queue.append(taro)

    login(page, "olivia", TEST_PASSWORD)
    page.goto("/calls/")
    shot(page, "operator-01-empty")
    page.keyboard.press("n")
    page.wait_for_selector("#owed")
    shot(page, "operator-02-preview")
    assert "延滞金を含む合計" in page.inner_text("#owed")
    assert "090-1234-5678" in page.inner_text("#phones")
    assert "トークスクリプト" in page.inner_text("#script")

    page.keyboard.press("6")  # reached the payer
    page.wait_for_selector("#conversation")
    past = (today() - timedelta(days=1)).isoformat()
    page.fill("input[name=promise_date_1]", past)
    page.fill("input[name=promise_amount_1]", "30000")
    page.click("#save")
    page.wait_for_selector("#problems")
    shot(page, "operator-03-refused")
    assert "過去の日付です" in page.inner_text("#problems")

    soon, later = today() + timedelta(days=7), today() + timedelta(days=21)
    page.fill("input[name=promise_date_1]", soon.isoformat())
    page.fill("input[name=promise_amount_1]", "30000")
    page.fill("input[name=promise_date_2]", later.isoformat())
    page.fill("input[name=promise_amount_2]", "20000")
    page.check("#fs-promise input[name=promise_inst] >> nth=0")
    page.check("#fs-promise input[name=promise_inst] >> nth=1")
    page.check("input[name=reissue]")
    page.check("#fs-reissue input[name=reissue_inst] >> nth=2")
    page.check("input[name=account_transfer]")
    page.fill("textarea[name=operator_words]", "給料日の後に払うとのこと")
    page.wait_for_function(
        "document.getElementById('note').value.includes('給料日の後に払うとのこと')"
    )
    note = page.input_value("#note")
    assert "2回に分けて納付すると約束" in note and "計50,000円" in note
    assert "国保料 令和7年度 3期の納付書を登録住所へ送付する" in note
    shot(page, "operator-04-reached-form")
    page.click("#save")
    page.wait_for_selector(".messages li.success")
    shot(page, "operator-05-saved")
    assert "山田 太郎との架電を記録しました" in page.inner_text(".messages")
    assert PaymentPromise.objects.filter(payer=taro).count() == 2
    assert SlipReissue.objects.get(payer=taro).installments.get().subject_code == "10"

    # an inbound call from a known number
    page.goto("/calls/inbound")
    page.fill("#number", "080-5555-6666")
    page.press("#number", "Enter")
    page.wait_for_selector("#conversation")
    assert "鈴木 花子" in page.inner_text("#identity")
    page.select_option("#inquiry_category", "late_charge")
    page.click("#fs-more summary")
    page.fill("textarea[name=complaint]", "督促状の文面が威圧的で不快だ")
    page.wait_for_function("document.getElementById('note').value.includes('苦情の申出あり')")
    shot(page, "operator-06-inbound")
    page.click("#save")
    page.wait_for_selector(".messages li.success")
    event = ContactEvent.objects.get(payer=hanako)
    assert event.kind == "inbound" and event.inquiry_category == "late_charge"

    # the number we rang is a return call
    page.goto("/calls/inbound?number=09012345678")
    page.wait_for_selector("#return-call")
    shot(page, "operator-07-return-call")

    # the supervisor sees the complaint
    page.context.clear_cookies()
    login(page, "sam", TEST_PASSWORD)
    page.goto("/calls/complaints")
    text = page.inner_text("#open-complaints")
    shot(page, "operator-08-supervisor-complaints")
    assert "督促状の文面が威圧的で不快だ" in text and "鈴木 花子" in text
    page.fill("textarea[name=resolution]", "SVから折り返し、文面の趣旨を説明")
    page.click("#open-complaints button")
    page.wait_for_url(re.compile(r".*/calls/complaints$"))
    assert "SVから折り返し" in page.inner_text("#resolved-complaints")

    # the manager prints the queued reissue for a window envelope
    page.context.clear_cookies()
    login(page, "mia", TEST_PASSWORD)
    page.goto("/calls/mailing")
    assert "山田 太郎" in page.inner_text("#queue")
    shot(page, "operator-09-mailing-queue")
    page.click("#print")
    page.wait_for_selector("#pdf-link")
    shot(page, "operator-10-mailing-printed")
    batch = MailingBatch.objects.latest("id")  # ids are not reset between tests on PostgreSQL
    assert f"第{batch.pk}号" in page.inner_text("#batches")
    pdf = page.request.get(page.get_attribute("#pdf-link", "href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert ContactEvent.objects.filter(payer=taro, kind="mail").count() == 1
