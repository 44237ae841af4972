"""The split page: choose installments, give a reason, confirm; a new payer."""

from __future__ import annotations

from nofu.calls.tests.helpers import make_payer
from nofu.payers.models import Payer
from nofu.test import BaseTestCase


class SplitPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer("佐藤 花子")
        self.first, self.second = self.payer.installments.order_by("id")
        self.login(self.sam)

    def test_lists_the_rows_with_their_identity(self) -> None:
        r = self.client.get(f"/matching/split/{self.payer.pk}/")
        self.assertContains(r, self.first.receivable_key)
        self.assertContains(r, "分割してよい")

    def test_split_after_confirmation(self) -> None:
        data = {"installment": [self.second.pk], "reason": "別人の期別", "confirm": "1"}
        r = self.client.post(f"/matching/split/{self.payer.pk}/", data)
        new = Payer.objects.exclude(pk=self.payer.pk).get()
        self.assertRedirects(r, f"/payers/{new.pk}/", fetch_redirect_response=False)
        self.assertEqual(list(new.installments.all()), [self.second])

    def test_refusals_keep_everything(self) -> None:
        r = self.client.post(
            f"/matching/split/{self.payer.pk}/",
            {"installment": [self.first.pk, self.second.pk], "reason": "x", "confirm": "1"},
        )
        self.assertContains(r, "1件以上残して", status_code=400)
        r = self.client.post(f"/matching/split/{self.payer.pk}/", {"installment": ["x"]})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(Payer.objects.count(), 1)

    def test_operator_refused(self) -> None:
        self.login(self.olivia)
        self.assertEqual(self.client.get(f"/matching/split/{self.payer.pk}/").status_code, 403)
