"""A manager plans June, builds and publishes a list; an operator takes offers from it;
the supervisor's board shows it live (pushed by server-sent events, no reload)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from nofu.accounts.models import Role
from nofu.calllists import views
from nofu.calllists.models import ListVersion, Session
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WED = jst(2026, 6, 10, 10, 0)  # the clock of the app while the test runs


def test_plan_build_publish_offer_and_live_board(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user("mia", Role.MANAGER, "三浦 ミア")
    make_user("olivia", Role.OPERATOR, "大野 オリビア")
    make_user("sam", Role.SUPERVISOR, "佐藤 サム")
    top = make_payer("髙木 達哉", owed=[("01", 2023, 184_000, date(2024, 1, 31))])
    make_payer("鈴木 花子", owed=[("01", 2024, 52_000, date(2025, 1, 31))])
    make_payer("国保 一郎", owed=[("10", 2024, 95_000, date(2025, 2, 28))])
    make_payer("番号 なし", owed=[("01", 2024, 300_000, date(2025, 1, 31))], phone=None)

    def ctx():  # type: ignore[no-untyped-def]
        c = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="ja-JP", base_url=live_server.url
        )
        c.set_default_timeout(15000)
        return c

    with frozen(WED), mock.patch.object(views, "STREAM_SECONDS", 6.0):
        manager_ctx, operator_ctx, board_ctx = ctx(), ctx(), ctx()
        try:
            # --- the manager plans June ---------------------------------------------------
            m = manager_ctx.new_page()
            login(m, "mia", TEST_PASSWORD)
            m.click("header nav >> text=架電リスト")
            m.click("main >> text=稼働計画")
            m.wait_for_selector("table.cal")
            assert "2026年6月" in m.inner_text("h1")
            warnings = m.inner_text("#warnings")
            assert "夜間稼働が0回です" in warnings and "土曜日の稼働がありません" in warnings
            shot(m, "calllists-1-plan-empty")
            m.click("text=標準案を入れる")  # June is a bonus month: an intensive month
            assert m.is_checked("#intensive")
            m.click("#save-plan")
            m.wait_for_selector("#plan-ok")
            assert "夜間12回・土曜2回・日曜2回" in m.inner_text("#plan-ok")
            assert Session.objects.filter(kind="night").count() == 12
            shot(m, "calllists-2-plan-saved")

            # --- builds a list, previews it, creates and publishes it -----------------------
            m.click("header nav >> text=架電リスト")
            m.click("text=新しいリストを作成")
            m.fill("#id_name", "市県民税 高額順 6月")
            m.fill("#id_purpose", "市県民税の高額滞納者から早期に接触する")
            m.check("input[name=subjects][value='01']")
            m.click("button:has-text('件数と金額を試算')")
            m.wait_for_selector("#preview")
            preview = m.inner_text("#preview")
            assert "2件" in preview and "236,000円" in preview  # 番号なし is left out
            assert "髙木 達哉" in m.inner_text("#preview-rows")
            shot(m, "calllists-3-preview")
            m.click("#create")
            m.wait_for_selector("#conditions")
            assert "科目：市県民税" in m.inner_text("#conditions")
            m.click("#publish-button")
            m.wait_for_selector("#status:has-text('公開中')")
            shot(m, "calllists-4-published")
            assert ListVersion.objects.get().status == "published"

            # --- the supervisor opens the board -------------------------------------------
            b = board_ctx.new_page()
            login(b, "sam", TEST_PASSWORD)
            b.click("header nav >> text=ボード")
            b.wait_for_selector("#live.on")  # the event stream is connected
            b.evaluate("window.__notReloaded = true")
            assert "市県民税 高額順 6月（第1版）" in b.inner_text("#lists")
            assert "大野 オリビア" in b.inner_text("#operators")
            shot(b, "calllists-5-board-before")

            # --- the operator takes the first offer ----------------------------------------
            o = operator_ctx.new_page()
            login(o, "olivia", TEST_PASSWORD)
            o.goto("/lists/mine")
            o.click("#next")
            o.wait_for_selector("#offer")
            offer = o.inner_text("#offer")
            assert top.name in offer and "1番目" in offer
            shot(o, "calllists-6-offer")

            # --- the board shows it without a reload ----------------------------------------
            b.wait_for_selector(f"#operators td:has-text('{top.name}')")
            assert b.evaluate("window.__notReloaded") is True
            row = b.inner_text("#operators tr[data-op]:has-text('大野 オリビア')")
            assert top.name in row and "1番目" in row
            shot(b, "calllists-7-board-live")

            # --- a second operator never gets the same payer ---------------------------------
            o.click("#release")
            o.wait_for_selector("#next")
            b.wait_for_function("!document.querySelector('#operators').innerText.includes('髙木')")
        finally:
            for c in (manager_ctx, operator_ctx, board_ctx):
                c.close()
