from __future__ import annotations

from nofu.calllists import actions
from nofu.calllists.extract import Conditions
from nofu.calllists.tests.helpers import frozen, jst, make_payer
from nofu.test import BaseTestCase


class IndexTests(BaseTestCase):
    def test_lists_with_their_latest_and_published_version(self) -> None:
        make_payer()
        with frozen(jst(2026, 6, 10)):
            v = actions.list_version_create(
                actor=self.mia, conditions=Conditions(), name="高額順", purpose="高額から"
            )
            actions.list_version_publish(actor=self.mia, version=v, audience="shared")
        self.login(self.mia)
        r = self.client.get("/lists/")
        self.assertContains(r, "高額順")
        self.assertContains(r, "第1版・共有キュー")
        self.login(self.olivia)
        self.assertEqual(self.client.get("/lists/").status_code, 403)
