"""/calls/mailing: the queue and the batch history, for managers."""

from __future__ import annotations

from nofu.calls import actions
from nofu.calls.actions import ReissueSpec
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import insts


def queue_one(case: WorkspaceCase) -> None:
    c = actions.contact_record(
        actor=case.olivia, payer=case.payer, kind="outbound", result="reached_payer"
    )
    actions.reissue_request(
        actor=case.olivia,
        payer=case.payer,
        contact=c,
        spec=ReissueSpec(installment_ids=tuple(i.pk for i in insts(case.payer))),
    )


class MailingTests(WorkspaceCase):
    def test_queue_shown_to_managers_only(self) -> None:
        queue_one(self)
        self.login(self.mia)
        r = self.client.get("/calls/mailing")
        self.assertContains(r, "発送待ち（1件）")
        self.assertContains(r, "山田 太郎")
        for user in (self.olivia, self.sam, self.chika):
            self.login(user)
            self.assertEqual(self.client.get("/calls/mailing").status_code, 403)
