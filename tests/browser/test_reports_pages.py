"""A manager checks a day's figures, follows one to its records and downloads the 日報;
the KPI board shows the three contract numbers; city staff export the call results."""

from __future__ import annotations

import re

import openpyxl
import pytest

from nofu.accounts.models import Role
from nofu.reports.tests import scenario
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    olivia = make_user("olivia", Role.OPERATOR, "大野 オリビア")
    sam = make_user("sam", Role.SUPERVISOR, "佐藤 サム")
    make_user("mia", Role.MANAGER, "三浦 ミア")
    make_user("chika", Role.CITY, "千葉 ちか")
    scenario.build(operator=olivia, supervisor=sam)


def test_manager_reads_the_day_follows_a_figure_and_downloads_the_report(
    page, people, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    login(page, "mia", TEST_PASSWORD)
    page.click("header nav >> text=業務報告")
    page.wait_for_selector("#daily-items")
    page.fill("#date", "2025-12-01")
    page.click("#view-form button")
    page.wait_for_url(re.compile(r".*date=2025-12-01"))
    shot(page, "reports-index")
    items = page.inner_text("#daily-items")
    assert "総架電件数\t7" in items
    assert "50,000" in items and "60.0%" in items

    page.click("#daily-items a:text-is('4')")  # 不在数
    page.wait_for_selector("#records")
    shot(page, "reports-records-not-reached")
    assert "不在数（2025/12/01）" in page.inner_text("h1")
    assert "4件" in page.inner_text("#count")
    assert page.locator("#records tr").count() == 5  # header + 4 calls

    page.go_back()
    page.fill("#gen-date", "2025-12-01")
    with page.expect_download() as info:
        page.click("#make-daily")
    download = info.value
    assert download.suggested_filename == "日報_20251201.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = openpyxl.load_workbook(path)
    assert wb["日報"]["C6"].value == 7

    page.reload()
    assert "日報_20251201.xlsx" in page.inner_text("#recent")


def test_board_and_results_export_for_city_staff(page, people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    login(page, "chika", TEST_PASSWORD)
    page.goto("/reports/board/?fy=2025")
    page.wait_for_selector("#kpi-calls")
    shot(page, "reports-board")
    assert "11" in page.inner_text("#kpi-calls .big")
    assert "22.3%" in page.inner_text("#kpi-collection .big")
    assert "66.7%" in page.inner_text("#kpi-answer .big")
    assert page.locator("svg.chart").count() == 3

    page.click("#kpi-collection a.big")
    page.wait_for_selector("#records")
    shot(page, "reports-records-payments")
    assert "算入額の合計 35,000円" in page.inner_text("main")

    page.goto("/reports/results/?date=2025-12-01")
    page.wait_for_selector("#summary")
    shot(page, "reports-results")
    assert "11件" in page.inner_text("#result-count")
    assert "1文字" in page.inner_text("#replaced")
    with page.expect_download() as info:
        page.click("button[data-file=results_csv]")
    path = tmp_path / "r.csv"
    info.value.save_as(path)
    assert info.value.suggested_filename == "架電結果データ_20251201.csv"
    text = path.read_bytes().decode("cp932")
    assert text.startswith("抽出元,宛名番号,債権番号,対応日時,")
    assert "〓子様本人と通話" in text
