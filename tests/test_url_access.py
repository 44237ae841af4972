"""Walks every URL with every role and checks the answer against access.CAPABILITIES.

A new URL with a path parameter needs a sample in SAMPLES; a POST-only view goes in
POST_ONLY. The test fails until then, so no page escapes the access rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from nofu.accounts.access import can
from nofu.accounts.models import Role
from nofu.intake.models import BatchStatus, ImportBatch
from nofu.payers.models import Payer
from nofu.test import BaseTestCase, make_user

OPEN = {"login", "healthz"}
POST_ONLY = {
    "logout",
    "accounts:reset_password",
    "accounts:toggle_active",
    "intake:upload_files",
    "telephony:state",
    "telephony:dial",
    "telephony:hangup",
    "telephony:monitor",
    "telephony:simulator_ring",
    "telephony:simulator_burst",
}
POST_ONLY |= {  # the operator workspace
    "calls:next",
    "calls:skip",
    "calls:outcome",
    "calls:conversation",
    "calls:draft",
    "calls:complaint_resolve",
    "calls:mailing_print",
}
POST_ONLY |= {  # call lists
    "calllists:publish",
    "calllists:retire",
    "calllists:target",
    "calllists:mine_next",
    "calllists:mine_release",
}
POST_ONLY |= {"matching:decide"}  # 名寄せ確認
SKIP_PREFIXES = ("api:",)  # token-authenticated endpoints have their own tests


def walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from walk(p, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            yield f"{ns}{p.name}", prefix + str(p.pattern), p.callback


class UrlAccessTests(BaseTestCase):
    def setUp(self) -> None:
        payer = Payer.objects.create(name="見本 花子", birth_date=date(1980, 1, 1))
        target = make_user("target", Role.OPERATOR)  # what POST-only account views act on
        batch = ImportBatch.objects.create(
            file_name="x.csv", sha256="0" * 64, status=BatchStatus.REJECTED
        )
        self.samples = {
            "pk": {
                "payers:detail": payer.pk,
                "intake:batch": batch.pk,
                "intake:batch_errors": batch.pk,
                "accounts:reset_password": target.pk,
                "accounts:toggle_active": target.pk,
                "calls:complaint_resolve": 1,  # none exists: 404 for those allowed
                "calls:mailing_pdf": 1,
                "calllists:new_version": 1,  # none exists: 404 for those allowed
                "calllists:version": 1,
                "calllists:publish": 1,
                "calllists:retire": 1,
                "matching:pair": 1,  # none exists: 404 for those allowed
                "matching:decide": 1,
                "matching:split": payer.pk,
            },
            "year": {"charges:rate_edit": 2026, "calllists:sessions": 2026},
            "month": {"calllists:sessions": 6},
            "code": {"charges:subject_edit": "01"},
        }

    def url_for(self, name: str, pattern: str) -> str:
        def fill(m: re.Match[str]) -> str:
            param = m.group(2)
            try:
                return str(self.samples[param][name])
            except KeyError:
                self.fail(f"add a sample value for <{param}> of {name} in tests/test_url_access.py")

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern).lstrip("^").rstrip("$")

    def test_every_url_answers_every_role_as_the_rules_say(self) -> None:
        users = [self.olivia, self.sam, self.mia, self.chika]
        checked = 0
        for name, pattern, view in walk(get_resolver()):
            if name.startswith(SKIP_PREFIXES) or pattern.startswith("static"):
                continue
            url = self.url_for(name, pattern)
            capability = getattr(view, "required_capability", None)
            method = "post" if name in POST_ONLY else "get"
            for user in users:
                self.client.force_login(user)
                r = getattr(self.client, method)(url)
                allowed = capability is None or can(user, capability)
                if allowed:
                    self.assertNotEqual(r.status_code, 403, f"{user.role} {method} {url}")
                    self.assertLess(r.status_code, 500, f"{user.role} {method} {url}")
                else:
                    self.assertEqual(
                        r.status_code, 403, f"{user.role} {method} {url} should be refused"
                    )
                checked += 1
            if name not in OPEN:
                self.client.logout()
                r = getattr(self.client, method)(url)
                self.assertEqual(r.status_code, 302, f"anonymous {url}")
                self.assertTrue(r["Location"].startswith("/login/"), url)
        self.assertGreater(checked, 40)
