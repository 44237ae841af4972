"""One pair side by side: both records, what they owe, the score and its reasons."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls.tests.helpers import make_payer
from nofu.matching.tests.helpers import review_between
from nofu.test import BaseTestCase


class PairTests(BaseTestCase):
    def setUp(self) -> None:
        self.a = make_payer("鈴木 一郎", phones=("09011110001",))
        self.b = make_payer(
            "鈴木 一郎", phones=("09099990002",), installments=(("11", 2025, "1", 48200),),
            address="千葉市緑区おゆみ野3-1-1",
        )  # fmt: skip
        self.a.installments.update(address="千葉市中央区富士見1-1-1")
        self.b.installments.update(address="千葉市緑区おゆみ野3-1-1")
        self.r = review_between(self.a, self.b, weight=2.2)

    def test_both_records_side_by_side_with_score_and_reasons(self) -> None:
        self.login(self.sam)
        r = self.client.get(f"/matching/{self.r.pk}/")
        self.assertContains(r, self.a.payer_no)
        self.assertContains(r, self.b.payer_no)
        self.assertContains(r, "2.2")
        for text in ("生年月日", "住所", "不一致", "090-1111-0001", "090-9999-0002", "48,200"):
            self.assertContains(r, text)
        self.assertContains(r, "同一人（統合する）")
        self.assertContains(r, "別人")
        fields = {f["label"]: f["state"] for f in r.context["fields"]}
        self.assertEqual(fields["氏名"], "same")
        self.assertEqual(fields["住所"], "diff")

    def test_viewing_is_audited_for_both_payers(self) -> None:
        self.login(self.mia)
        self.client.get(f"/matching/{self.r.pk}/")
        viewed = set(
            AuditEvent.objects.filter(action="payer.view", actor=self.mia).values_list(
                "target_id", flat=True
            )
        )
        self.assertEqual(viewed, {str(self.a.pk), str(self.b.pk)})

    def test_unknown_pair_and_operator(self) -> None:
        self.login(self.sam)
        self.assertEqual(self.client.get("/matching/99999/").status_code, 404)
        self.login(self.olivia)
        self.assertEqual(self.client.get(f"/matching/{self.r.pk}/").status_code, 403)
