"""payer_merge and payer_split: everything moves, nothing is lost, totals and audit right."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from nofu.audit.models import AuditEvent
from nofu.calllists.models import Callback, CallHold
from nofu.calls.models import (
    Complaint,
    ContactEvent,
    Handover,
    PaymentPromise,
    SlipReissue,
)
from nofu.calls.tests.helpers import make_payer
from nofu.matching.models import MatchDecision, PayerChange
from nofu.payers.actions import payer_merge, payer_split
from nofu.payers.models import Address, Installment, Payer, Phone, PhoneStatus
from nofu.test import BaseTestCase


def contact(payer: Payer, operator, installments=()) -> ContactEvent:  # type: ignore[no-untyped-def]
    c = ContactEvent.objects.create(
        payer=payer, kind="outbound", result="reached_payer", at=timezone.now(),
        operator=operator, note="本人と話した",
    )  # fmt: skip
    c.installments.set(installments)
    return c


def works(payer: Payer, user, installments=()) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One of everything the call center records about a payer."""
    c = contact(payer, user, installments)
    promise = PaymentPromise.objects.create(
        payer=payer, contact=c, promised_on=timezone.localdate(), amount=1000, created_by=user
    )
    promise.installments.set(installments)
    reissue = SlipReissue.objects.create(
        payer=payer,
        contact=c,
        address="千葉市中央区千葉港1-1",
        addressee=payer.name,
        created_by=user,
    )
    reissue.installments.set(installments)
    handover = Handover.objects.create(
        payer=payer, contact=c, department="nhi", reason="other", detail="相談", created_by=user
    )
    complaint = Complaint.objects.create(payer=payer, contact=c, content="苦情", created_by=user)
    return {"contact": c, "promise": promise, "reissue": reissue, "handover": handover,
            "complaint": complaint}  # fmt: skip


class MergeTests(BaseTestCase):
    def setUp(self) -> None:
        self.keep = make_payer("山田 太郎", phones=("09012345678", "0432221111"))
        self.other = make_payer(
            "山田 太郎", phones=("09012345678", "08099998888"),
            installments=(("02", 2025, "1", 7000),), address="千葉市緑区平山町1-1",
        )  # fmt: skip
        Phone.objects.filter(payer=self.other, number="09012345678").update(
            status=PhoneStatus.CONFIRMED, first_seen=date(2020, 1, 1)
        )
        self.things = works(self.other, self.olivia, self.other.installments.all())
        Callback.objects.create(
            payer=self.other, due_at=timezone.now() + timedelta(days=1), created_by=self.olivia
        )
        CallHold.objects.create(
            payer=self.other, start=date(2026, 1, 1), end=date(2026, 2, 1), reason="入院",
            created_by=self.sam,
        )  # fmt: skip

    def test_everything_moves_and_totals_are_right(self) -> None:
        before = self.keep.total_unpaid + self.other.total_unpaid
        kept = payer_merge(actor=self.sam, keep=self.keep, other=self.other, reason="同一人と確認")
        self.assertEqual(kept.installments.count(), 3)
        self.assertEqual(kept.total_unpaid, before)
        self.assertEqual(kept.open_installments, 3)
        for name, obj in self.things.items():
            obj.refresh_from_db()
            self.assertEqual(obj.payer_id, kept.pk, name)
        self.assertEqual(Callback.objects.get().payer_id, kept.pk)
        self.assertEqual(CallHold.objects.get().payer_id, kept.pk)
        # phones: one shared number folded into one row (confirmed, earliest date), one moved
        phones = {p.number: p for p in kept.phones.all()}
        self.assertEqual(set(phones), {"09012345678", "0432221111", "08099998888"})
        self.assertEqual(phones["09012345678"].status, PhoneStatus.CONFIRMED)
        self.assertEqual(phones["09012345678"].first_seen, date(2020, 1, 1))
        self.assertEqual(Address.objects.filter(payer=kept).count(), 2)
        # the payer merged away is kept, empty, and says where it went
        self.other.refresh_from_db()
        self.assertEqual((self.other.total_unpaid, self.other.installments.count()), (0, 0))
        change = PayerChange.objects.get(kind="merge")
        self.assertEqual((change.payer, change.other, change.actor), (kept, self.other, self.sam))

    def test_audited_and_remembered_as_the_same_person(self) -> None:
        payer_merge(actor=self.sam, keep=self.keep, other=self.other, reason="同一人と確認")
        event = AuditEvent.objects.get(action="payer.merge")
        self.assertEqual(
            (event.actor, event.reason, event.target_id),
            (self.sam, "同一人と確認", str(self.keep.pk)),
        )
        keys = set(Installment.objects.values_list("receivable_key", flat=True))
        decided = MatchDecision.objects.filter(same=True)
        self.assertEqual(decided.count(), 2)  # the first record with each other one
        self.assertTrue({d.b_key for d in decided} | {d.a_key for d in decided} <= keys)

    def test_refused_without_reason_twice_or_with_itself(self) -> None:
        with self.assertRaisesMessage(ValidationError, "統合の理由を入力してください。"):
            payer_merge(actor=self.sam, keep=self.keep, other=self.other, reason=" ")
        with self.assertRaises(ValidationError):
            payer_merge(actor=self.sam, keep=self.keep, other=self.keep, reason="x")
        payer_merge(actor=self.sam, keep=self.keep, other=self.other, reason="同一人")
        with self.assertRaisesMessage(ValidationError, "既に"):
            payer_merge(actor=self.sam, keep=self.keep, other=self.other, reason="同一人")
        self.assertEqual(AuditEvent.objects.filter(action="payer.merge").count(), 1)


class SplitTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer(
            "鈴木 一郎", phones=("09011112222",),
            installments=(("01", 2025, "1", 30000), ("01", 2025, "2", 20000), ("15", 2025, "4", 4500)),
        )  # fmt: skip
        self.lunch = Installment.objects.get(payer=self.payer, subject_code="15")
        self.lunch.phone1 = "08033334444"
        self.lunch.name = "鈴木 一朗"
        self.lunch.save()
        Phone.objects.create(
            payer=self.payer, number="08033334444", kind="mobile", origin="city_data",
            source_system="給食費", first_seen=date(2025, 1, 1), last_seen=date(2025, 1, 1),
        )  # fmt: skip
        self.about_lunch = works(self.payer, self.olivia, [self.lunch])
        self.about_tax = works(
            self.payer, self.olivia, self.payer.installments.exclude(pk=self.lunch.pk)
        )

    def test_chosen_installments_and_what_is_only_about_them_move(self) -> None:
        new = payer_split(
            actor=self.sam, payer=self.payer, installment_ids=[self.lunch.pk], reason="別人の給食費"
        )
        self.assertEqual(list(new.installments.all()), [self.lunch])
        self.assertEqual(new.name, "鈴木 一朗")
        self.assertEqual(new.total_unpaid, 4500)
        self.payer.refresh_from_db()
        self.assertEqual(self.payer.total_unpaid, 50000)
        for name, obj in self.about_lunch.items():
            obj.refresh_from_db()
            self.assertEqual(obj.payer_id, new.pk, name)
        for name, obj in self.about_tax.items():
            obj.refresh_from_db()
            self.assertEqual(obj.payer_id, self.payer.pk, name)
        self.assertEqual(list(new.phones.values_list("number", flat=True)), ["08033334444"])
        self.assertEqual(list(self.payer.phones.values_list("number", flat=True)), ["09011112222"])

    def test_audited_and_remembered_as_different_people(self) -> None:
        new = payer_split(
            actor=self.sam, payer=self.payer, installment_ids=[self.lunch.pk], reason="別人の給食費"
        )
        event = AuditEvent.objects.get(action="payer.split")
        self.assertEqual((event.actor, event.reason), (self.sam, "別人の給食費"))
        self.assertIn(new.payer_no, event.summary)
        decisions = MatchDecision.objects.filter(same=False)
        self.assertTrue(decisions.exists())
        for d in decisions:
            self.assertIn(self.lunch.receivable_key, (d.a_key, d.b_key))
        self.assertEqual(PayerChange.objects.get(kind="split").other, new)

    def test_refusals(self) -> None:
        everything = list(self.payer.installments.values_list("pk", flat=True))
        with self.assertRaisesMessage(ValidationError, "1件以上残して"):
            payer_split(actor=self.sam, payer=self.payer, installment_ids=everything, reason="x")
        with self.assertRaisesMessage(ValidationError, "選んでください"):
            payer_split(actor=self.sam, payer=self.payer, installment_ids=[], reason="x")
        with self.assertRaisesMessage(ValidationError, "理由"):
            payer_split(
                actor=self.sam, payer=self.payer, installment_ids=[self.lunch.pk], reason=""
            )
        stranger = make_payer("他人")
        with self.assertRaises(ValidationError):
            payer_split(
                actor=self.sam, payer=self.payer,
                installment_ids=[stranger.installments.first().pk], reason="x",
            )  # fmt: skip
        self.assertEqual(Payer.objects.count(), 2)
