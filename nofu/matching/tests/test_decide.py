"""Deciding a pair: same merges, different is remembered, later stays; audited, once."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls.tests.helpers import make_payer
from nofu.matching.models import MatchDecision, ReviewStatus
from nofu.matching.tests.helpers import review_between
from nofu.payers.models import Installment
from nofu.test import BaseTestCase


class DecideTests(BaseTestCase):
    def setUp(self) -> None:
        self.a = make_payer("鈴木 一郎")
        self.b = make_payer("鈴木 一郎", installments=(("11", 2025, "1", 48200),))
        self.r = review_between(self.a, self.b)
        self.login(self.sam)

    def post(self, **data: str):  # type: ignore[no-untyped-def]
        return self.client.post(f"/matching/{self.r.pk}/decide", data)

    def test_same_merges_into_the_older_payer(self) -> None:
        r = self.post(verdict="same", reason="転居前の住所と一致")
        self.assertRedirects(r, "/matching/", fetch_redirect_response=False)
        self.r.refresh_from_db()
        self.assertEqual((self.r.status, self.r.decided_by), (ReviewStatus.SAME, self.sam))
        self.assertEqual(set(Installment.objects.values_list("payer_id", flat=True)), {self.a.pk})
        self.assertTrue(MatchDecision.objects.filter(same=True, origin="review").exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="match.review", reason="転居前の住所と一致").exists()
        )
        self.assertTrue(AuditEvent.objects.filter(action="payer.merge").exists())

    def test_different_is_remembered_and_nothing_moves(self) -> None:
        self.post(verdict="different", reason="生年月日の別人")
        self.r.refresh_from_db()
        self.assertEqual(self.r.status, ReviewStatus.DIFFERENT)
        d = MatchDecision.objects.get()
        self.assertFalse(d.same)
        self.assertEqual(
            {(d.a_source, d.a_key), (d.b_source, d.b_key)},
            {(self.r.a_source, self.r.a_key), (self.r.b_source, self.r.b_key)},
        )
        self.assertEqual(self.b.installments.count(), 1)

    def test_later_stays_in_the_queue(self) -> None:
        self.post(verdict="later", reason="")
        self.r.refresh_from_db()
        self.assertEqual(self.r.status, ReviewStatus.LATER)
        self.assertContains(self.client.get("/matching/?tab=later"), "鈴木 一郎")

    def test_reason_required_and_a_double_submit_records_once(self) -> None:
        r = self.post(verdict="different", reason="")
        self.assertRedirects(r, f"/matching/{self.r.pk}/", fetch_redirect_response=False)
        self.assertContains(self.client.get(r["Location"]), "判断の理由を入力してください")
        self.post(verdict="different", reason="別人")
        r = self.post(verdict="same", reason="やはり同一人")
        self.assertContains(self.client.get(r["Location"]), "既に判断済みです")
        self.assertEqual(AuditEvent.objects.filter(action="match.review").count(), 1)
        self.assertEqual(self.b.installments.count(), 1)

    def test_next_open_pair_follows(self) -> None:
        nxt = review_between(make_payer("次 太郎"), make_payer("次 太郎"), weight=1.0)
        r = self.post(verdict="different", reason="別人")
        self.assertRedirects(r, f"/matching/{nxt.pk}/", fetch_redirect_response=False)

    def test_get_is_not_allowed_and_operators_are_refused(self) -> None:
        self.assertEqual(self.client.get(f"/matching/{self.r.pk}/decide").status_code, 405)
        self.login(self.olivia)
        self.assertEqual(self.post(verdict="same", reason="x").status_code, 403)
