"""A manager uploads a city file with a bad row, sees the row errors, finds the payer."""

from __future__ import annotations

import pytest

from nofu.accounts.models import Role
from nofu.intake.tests.helpers import UNIFIED_SAMPLE, csv_bytes, row
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_errors_shown_then_payer_page(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    make_user("mia", Role.MANAGER, "三浦 ミア")
    bad = tmp_path / "統一滞納管理_20251201.csv"
    bad.write_bytes(
        csv_bytes(
            row(
                key="U1",
                name="髙木　達哉",
                kana="ﾀｶｷﾞ ﾀﾂﾔ",
                resident="7000000001",
                phone1="080(5330)6926",
            ),
            row(
                key="U2",
                name="髙木　達哉",
                kana="ﾀｶｷﾞ ﾀﾂﾔ",
                resident="7000000001",
                code="02",
                unpaid="12000",
                assessed="12000",
            ),
            row(key="U3", code="99"),
            row(key="U4", due="令和7年2月30日"),
        )
    )
    login(page, "mia", TEST_PASSWORD)
    shot(page, "home-manager")
    page.click("#nav-admin summary")  # the administration menu
    page.click("#nav-admin >> text=データ取込")
    page.set_input_files("#files", str(bad))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector("#row-errors")
    shot(page, "import-result-with-errors")
    assert "エラー 2件" in page.inner_text("main")
    errors = page.inner_text("#row-errors")
    assert "科目コード「99」は不明です" in errors
    assert "4" in errors and "5" in errors  # the row numbers as Excel counts them

    page.goto("/payers/")
    page.fill("#q", "たかぎ　たつや")  # hiragana with a full-width space finds half-width kana
    page.press("#q", "Enter")
    page.wait_for_selector("#results")
    shot(page, "payer-search")
    page.click("#results a:has-text('達哉')")
    page.wait_for_selector("#installments")
    shot(page, "payer-page")
    text = page.inner_text("#installments")
    assert "市県民税" in text and "固定資産税" in text
    assert "62,000" in text  # 50,000 + 12,000 unpaid in total
    assert "080" in page.inner_text("#phones")


def test_whole_sample_file_then_search_by_phone(page) -> None:  # type: ignore[no-untyped-def]
    make_user("mia", Role.MANAGER)
    login(page, "mia", TEST_PASSWORD)
    page.goto("/intake/")
    page.set_input_files("#files", str(UNIFIED_SAMPLE))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector("dl.kv")
    assert "エラー 0件" in page.inner_text("main")
    page.goto("/payers/?q=０８０－４５４４－７００２")
    page.wait_for_selector("#results")
    assert "冨田" in page.inner_text("#results")
