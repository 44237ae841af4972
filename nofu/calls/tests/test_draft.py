"""POST /calls/draft: the 交渉記事 as the form stands, for live refresh."""

from __future__ import annotations

from datetime import timedelta

from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import today


class DraftTests(WorkspaceCase):
    def test_plain_text_draft(self) -> None:
        self.login(self.olivia)
        d = today() + timedelta(days=3)
        r = self.client.post(
            "/calls/draft",
            {
                "payer": self.payer.pk,
                "kind": "outbound",
                "phone_number": "09012345678",
                "promise_date_1": d.isoformat(),
                "promise_amount_1": "5000",
            },
        )
        self.assertEqual(r["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("5,000円を納付すると約束", r.content.decode())

    def test_nonsense_choices_do_not_crash_the_draft(self) -> None:
        self.login(self.olivia)
        r = self.client.post(
            "/calls/draft",
            {
                "payer": self.payer.pk,
                "kind": "zzz",
                "new_phone": "090-1111-2222",
                "new_phone_kind": "x",
                "handover_department": "nowhere",
                "language": "xx",
                "inquiry_category": "??",
            },
        )
        self.assertEqual(r.status_code, 200)
