"""A supervisor works the 名寄せ review queue with the keyboard: one pair is two people,
the other one person (merged, with everything it owes)."""

from __future__ import annotations

import shutil

import pytest

from nofu.accounts.models import Role
from nofu.matching import engine
from nofu.matching.models import EngineState, ReviewPair
from nofu.matching.tests.helpers import import_background, import_rows, other, payer_of, unified
from nofu.test import TEST_PASSWORD, make_user
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pairs():  # type: ignore[no-untyped-def]
    engine.forget()
    mia = make_user("mia", Role.MANAGER)
    import_background(mia)
    import_rows(
        mia,
        unified("TU3", "鈴木　一郎", "スズキ イチロウ", "1980/01/01", resident="8600000003",
                address="千葉市中央区富士見1丁目1番1号", phone1="090-1111-0001"),
        unified("TU4", "田中　美咲", "タナカ ミサキ", "1990/07/07", resident="8600000004", sex="女",
                address="千葉市稲毛区小仲台2丁目3番4号", phone1="090-2222-0004"),
    )  # fmt: skip
    import_rows(
        mia,
        other("国保返納金", "TK2", "鈴木　一郎", "スズキ イチロウ", "1980/01/01",
              address="千葉市緑区おゆみ野3丁目1番1号", phone1="090-9999-0002", unpaid=48200),
        other("国保返納金", "TK4", "田中　美咲", "タナカ ミサキ", "1990/07/07", sex="女",
              address="千葉市美浜区高洲1丁目2番3号", phone1="080-3333-0004", unpaid=61000),
    )  # fmt: skip
    yield
    token = EngineState.objects.filter(pk=1).values_list("token", flat=True).first()
    if token:
        shutil.rmtree(engine.state_root() / token, ignore_errors=True)
    engine.forget()


def test_supervisor_decides_pairs_with_the_keyboard(page, pairs) -> None:  # type: ignore[no-untyped-def]
    assert ReviewPair.objects.filter(status="open").count() == 2
    make_user("sam", Role.SUPERVISOR, "佐藤 サム")
    login(page, "sam", TEST_PASSWORD)
    page.click("header nav >> text=名寄せ確認")
    page.wait_for_selector("#queue")
    shot(page, "matching-queue")
    assert "未判断 2" in page.inner_text(".tabs")
    page.keyboard.press("Enter")  # the first (best) pair
    page.wait_for_selector("#compare")
    shot(page, "matching-pair")
    text = page.inner_text("main")
    assert "生年月日" in text and "不一致" in text
    assert page.locator("#decide").is_visible()  # the decision fits on a 1366×768 screen
    box = page.locator("#submit").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    first = page.url

    page.keyboard.press("d")
    page.keyboard.type("住所も電話番号も違い、別人と判断")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: url != first)
    page.wait_for_selector("#compare")
    assert "「別人」と記録しました" in page.inner_text(".messages")

    page.keyboard.press("s")
    page.keyboard.type("本人に電話で転居を確認")
    shot(page, "matching-pair-same")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#queue")
    assert "「同一人（統合）」と記録しました" in page.inner_text(".messages")
    assert "確認待ちの組はありません" in page.inner_text("#queue")
    shot(page, "matching-queue-empty")

    decided = {r.status for r in ReviewPair.objects.all()}
    assert decided == {"same", "different"}
    merged = ReviewPair.objects.get(status="same")
    keep = merged.payer_a
    page.goto(f"/payers/{keep.pk}/")
    page.wait_for_selector("#matching-basis")
    shot(page, "matching-payer-basis")
    assert merged.payer_b.payer_no in page.inner_text("#matching-history")
    keys = {merged.a_key, merged.b_key}
    assert {payer_of(k) for k in keys} == {keep}
