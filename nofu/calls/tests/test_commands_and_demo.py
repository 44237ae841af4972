"""`nofu settle_promises`, the demo history and the label sheets."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command
from django.test import SimpleTestCase
from reportlab.pdfbase import pdfmetrics

from nofu.accounts.models import Role, User
from nofu.calls import actions
from nofu.calls.actions import PromiseLine
from nofu.calls.demo import demo_history_create
from nofu.calls.labels import WINDOW_W, japanese_font, labels_pdf, wrap
from nofu.calls.models import ContactEvent, MailingBatch, PaymentPromise
from nofu.calls.tests.helpers import make_payer, today
from nofu.telephony.answer_rate import answer_rate
from nofu.telephony.models import CallEvent, EventKind
from nofu.test import BaseTestCase


class SettleCommandTests(BaseTestCase):
    def test_settles_as_of_the_date(self) -> None:
        payer = make_payer()
        c = actions.contact_record(
            actor=self.olivia, payer=payer, kind="outbound", result="reached_payer"
        )
        actions.promise_create(
            actor=self.olivia, payer=payer, contact=c, lines=[PromiseLine(today(), 1000)]
        )
        out = StringIO()
        call_command(
            "settle_promises", "--date", (today() + timedelta(days=30)).isoformat(), stdout=out
        )
        self.assertIn("不履行 1件", out.getvalue())
        self.assertEqual(PaymentPromise.objects.get().status, "broken")


class DemoHistoryTests(BaseTestCase):
    def test_history_over_the_db_payers_once(self) -> None:
        for k in range(6):
            make_payer(f"見本 {k}", phones=(f"09011110{k:03d}",))
        s = demo_history_create(days=5, seed=3, today=date(2026, 11, 24))
        self.assertEqual(s.days, 5)
        self.assertGreater(s.outbound, 0)
        self.assertGreater(s.inbound, 0)
        self.assertGreaterEqual(User.objects.filter(role=Role.OPERATOR).count(), 3)
        kinds = set(ContactEvent.objects.values_list("kind", flat=True))
        self.assertLessEqual({"outbound", "inbound"}, kinds)
        self.assertTrue(all(e.at.date() < date(2026, 11, 24) for e in ContactEvent.objects.all()))
        # every answered inbound call has the phone system's events, by the same operator,
        # and some callers gave up in the queue: the answer rate has content, near the contract
        inbound = ContactEvent.objects.filter(kind__in=["inbound", "return_call"])
        answered = dict(
            CallEvent.objects.filter(kind=EventKind.ANSWERED).values_list("call_id", "agent_id")
        )
        self.assertTrue(inbound.exists())
        self.assertTrue(all(answered.get(c.call_id) == c.operator_id for c in inbound))
        rate = answer_rate(date(2026, 11, 1), date(2026, 11, 23))
        self.assertEqual(rate.answered, inbound.count())
        self.assertGreater(rate.offered, rate.answered)
        self.assertTrue(0.85 < (rate.rate or 0) < 0.99, rate)
        n = ContactEvent.objects.count()
        self.assertTrue(demo_history_create(days=5, seed=3, today=date(2026, 11, 24)).skipped)
        self.assertEqual(ContactEvent.objects.count(), n)
        self.assertEqual(MailingBatch.objects.count(), s.batches)


class LabelTests(SimpleTestCase):
    def test_one_page_per_envelope(self) -> None:
        inst = SimpleNamespace(
            subject_code="01", fiscal_year=2025, installment="1", due_date=date(2025, 6, 30)
        )
        env = SimpleNamespace(
            payer=SimpleNamespace(payer_no="N00000001"),
            postal_code="2600026",
            address="千葉市中央区千葉港1-1",
            building="",
            addressee="山田 太郎",
            flyer=True,
            seq=1,
            installments=[inst],
        )
        pdf = labels_pdf([env, env], batch_no=1, printed_on=date(2026, 11, 24))
        self.assertEqual(len(re.findall(rb"/Type /Page\b(?!s)", pdf)), 2)

    def test_wrap_fits_the_window_and_keeps_punctuation_off_line_starts(self) -> None:
        font = japanese_font()
        lines = wrap(
            "千葉県千葉市美浜区中瀬二丁目6番地1 ワールドビジネスガーデンマリブウエスト、ほか。",
            font,
            10.5,
            WINDOW_W - 16,
        )
        self.assertGreater(len(lines), 1)
        self.assertFalse(any(line.startswith(("、", "。")) for line in lines))
        # the cover letter's sentence: 「・コンビニ」 must not start the second line
        text = (
            "お申し出のありました納付書をお送りします。納期限を過ぎておりますので、"
            "お早めに金融機関・コンビニエンスストア等でお納めください。"
        )
        at = text.index("・")
        width = pdfmetrics.stringWidth(text[:at], font, 10.5) + 1  # 「・」 would be next
        lines = wrap(text, font, 10.5, width)
        self.assertEqual("".join(lines), text)
        self.assertFalse(any(line.startswith("・") for line in lines))
