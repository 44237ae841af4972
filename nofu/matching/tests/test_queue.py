"""The review queue page: best score first, tabs, supervisors and managers only."""

from __future__ import annotations

from nofu.audit.models import AuditEvent
from nofu.calls.tests.helpers import make_payer
from nofu.matching.models import ReviewStatus
from nofu.matching.tests.helpers import review_between
from nofu.test import BaseTestCase


class QueueTests(BaseTestCase):
    def setUp(self) -> None:
        self.low = review_between(make_payer("低井 一"), make_payer("低井 一"), weight=0.4)
        self.high = review_between(make_payer("高田 二郎"), make_payer("高田 次郎"), weight=2.9)
        done = review_between(make_payer("済 三"), make_payer("済 三"))
        done.status = ReviewStatus.DIFFERENT
        done.save()

    def test_open_pairs_best_score_first_with_reasons(self) -> None:
        self.login(self.sam)
        r = self.client.get("/matching/")
        self.assertEqual(list(r.context["page"]), [self.high, self.low])
        html = r.content.decode()
        self.assertLess(html.index("高田 二郎"), html.index("低井 一"))
        self.assertContains(r, "生年月日")
        self.assertContains(r, "未判断 2")
        self.assertNotContains(r, "済 三")
        self.assertTrue(AuditEvent.objects.filter(action="match.queue", actor=self.sam).exists())

    def test_decided_tab(self) -> None:
        self.login(self.mia)
        r = self.client.get("/matching/?tab=decided")
        self.assertContains(r, "済 三")
        self.assertContains(r, "別人")

    def test_operators_and_city_staff_are_refused(self) -> None:
        for user in (self.olivia, self.chika):
            self.login(user)
            self.assertEqual(self.client.get("/matching/").status_code, 403)
