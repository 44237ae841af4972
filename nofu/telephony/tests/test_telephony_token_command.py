"""nofu telephony_token create NAME | list | revoke NAME"""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from nofu.audit.models import AuditEvent
from nofu.telephony.actions import gateway_token_check
from nofu.telephony.models import GatewayToken
from nofu.test import BaseTestCase


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("telephony_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TokenCommandTests(BaseTestCase):
    def test_create_prints_the_token_once_and_keeps_a_hash(self) -> None:
        out, err = run("create", "pbx-main", "--note", "本番PBX")
        token = out.strip()
        self.assertTrue(token.startswith("nofu_tel_"))
        self.assertIn("今回しか表示されません", err)
        row = GatewayToken.objects.get(name="pbx-main")
        self.assertNotEqual(row.token_hash, token)
        self.assertEqual(gateway_token_check(token), row)
        audit = AuditEvent.objects.get(action="telephony.token_create")
        self.assertTrue(audit.actor_name.startswith("cli"))
        listed, _ = run("list")
        self.assertIn("pbx-main", listed)
        self.assertNotIn(token, listed)

    def test_a_name_is_used_once(self) -> None:
        run("create", "pbx-main")
        with self.assertRaisesMessage(CommandError, "既にあります"):
            run("create", "pbx-main")

    def test_revoke(self) -> None:
        token, _ = run("create", "pbx-main")
        out, _ = run("revoke", "pbx-main")
        self.assertIn("失効させました", out)
        self.assertIsNone(gateway_token_check(token.strip()))
        self.assertTrue(AuditEvent.objects.filter(action="telephony.token_revoke").exists())
        with self.assertRaisesMessage(CommandError, "ありません"):
            run("revoke", "nothing")
