"""The merge page: two payers side by side, a reason and a confirmation, then one payer."""

from __future__ import annotations

from nofu.calls.tests.helpers import make_payer
from nofu.matching.models import PayerChange
from nofu.payers.models import Installment
from nofu.test import BaseTestCase


class MergePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.a = make_payer("山田 太郎")
        self.b = make_payer("山田 太郎", installments=(("11", 2025, "1", 48200),))
        self.login(self.sam)

    def test_shows_both_by_payer_number(self) -> None:
        r = self.client.get(f"/matching/merge/?a={self.a.pk}&b={self.b.payer_no}")
        self.assertContains(r, self.a.payer_no)
        self.assertContains(r, self.b.payer_no)
        self.assertContains(r, "48,200")
        self.assertContains(r, "統合してよい")

    def test_merges_after_confirmation(self) -> None:
        data = {"a": self.a.pk, "b": self.b.pk, "keep": "b", "reason": "同一人と確認"}
        r = self.client.post("/matching/merge/", data)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "チェックしてください", status_code=400)
        r = self.client.post("/matching/merge/", {**data, "confirm": "1"})
        self.assertRedirects(r, f"/payers/{self.b.pk}/", fetch_redirect_response=False)
        self.assertEqual(set(Installment.objects.values_list("payer_id", flat=True)), {self.b.pk})
        self.assertEqual(PayerChange.objects.get().other, self.a)

    def test_unknown_number_and_missing_reason(self) -> None:
        self.assertContains(self.client.get("/matching/merge/?a=1&b=N99999999"), "見つかりません")
        r = self.client.post(
            "/matching/merge/", {"a": self.a.pk, "b": self.b.pk, "confirm": "1", "reason": ""}
        )
        self.assertContains(r, "統合の理由を入力してください", status_code=400)
        self.assertEqual(self.b.installments.count(), 1)

    def test_operator_refused(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get("/matching/merge/").status_code, 403)
