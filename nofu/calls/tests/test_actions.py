"""The workspace's actions: each rule, each refusal, one audit row, no double records."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError

from nofu.audit.models import AuditEvent
from nofu.calls import actions
from nofu.calls.actions import Conversation, HandoverSpec, PhoneSpec, PromiseLine, ReissueSpec
from nofu.calls.models import (
    CallSettings,
    Complaint,
    ComplaintStatus,
    ContactEvent,
    ContactKind,
    ContactResult,
    Handover,
    PaymentPromise,
    SlipReissue,
)
from nofu.calls.tests.helpers import insts, make_payer, pay, today
from nofu.payers.models import PhoneOrigin, PhoneStatus
from nofu.test import BaseTestCase


class ContactRecordTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()

    def test_no_answer_is_one_row_with_a_drafted_note_and_audit(self) -> None:
        e = actions.contact_record(
            actor=self.olivia,
            payer=self.payer,
            kind=ContactKind.OUTBOUND,
            result=ContactResult.NO_ANSWER,
            phone_number="090-1234-5678",
        )
        self.assertEqual(e.phone_number, "09012345678")
        self.assertIn("090-1234-5678へ架電したが応答なし", e.note)
        self.assertTrue(AuditEvent.objects.filter(action="contact.record").exists())

    def test_same_key_twice_records_once(self) -> None:
        for _ in range(2):
            actions.contact_record(
                actor=self.olivia,
                payer=self.payer,
                kind=ContactKind.OUTBOUND,
                result=ContactResult.BUSY,
                idempotency_key="k1",
            )
        self.assertEqual(ContactEvent.objects.count(), 1)

    def test_dead_number_marks_the_phone_invalid(self) -> None:
        actions.contact_record(
            actor=self.olivia,
            payer=self.payer,
            kind=ContactKind.OUTBOUND,
            result=ContactResult.INVALID_NUMBER,
            phone_number="09012345678",
        )
        self.assertEqual(self.payer.phones.get().status, PhoneStatus.INVALID)

    def test_reaching_the_payer_confirms_the_number(self) -> None:
        actions.contact_record(
            actor=self.olivia,
            payer=self.payer,
            kind=ContactKind.OUTBOUND,
            result=ContactResult.REACHED_PAYER,
            phone_number="09012345678",
        )
        self.assertEqual(self.payer.phones.get().status, PhoneStatus.CONFIRMED)

    def test_outbound_needs_a_payer_and_an_outbound_result(self) -> None:
        with self.assertRaises(ValidationError):
            actions.contact_record(
                actor=self.olivia, payer=None, kind="outbound", result="no_answer"
            )
        with self.assertRaises(ValidationError):
            actions.contact_record(
                actor=self.olivia, payer=self.payer, kind="outbound", result="handled"
            )

    def test_unknown_inbound_caller_can_be_recorded(self) -> None:
        e = actions.contact_record(
            actor=self.olivia,
            payer=None,
            kind=ContactKind.INBOUND,
            result=ContactResult.HANDLED,
            inquiry_category="payment_methods",
        )
        self.assertIsNone(e.payer)
        self.assertIn("ウ 納付方法", e.note)


class PromiseTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()
        self.contact = actions.contact_record(
            actor=self.olivia,
            payer=self.payer,
            kind="outbound",
            result="reached_payer",
            phone_number="09012345678",
        )

    def promise(self, *lines: PromiseLine, ids: tuple[int, ...] = ()) -> list[PaymentPromise]:
        return actions.promise_create(
            actor=self.olivia,
            payer=self.payer,
            contact=self.contact,
            lines=list(lines),
            installment_ids=ids,
        )

    def test_a_plan_is_several_numbered_promises(self) -> None:
        d = today()
        made = self.promise(
            PromiseLine(d + timedelta(days=20), 20000), PromiseLine(d + timedelta(days=5), 30000)
        )
        self.assertEqual(
            [(p.plan_seq, p.plan_count, p.amount) for p in made], [(1, 2, 30000), (2, 2, 20000)]
        )
        self.assertEqual(made[0].installments.count(), 2)

    def test_past_date_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            self.promise(PromiseLine(today() - timedelta(days=1), 1000))
        self.assertIn("過去の日付です", cm.exception.messages[0])
        self.assertFalse(PaymentPromise.objects.exists())

    def test_beyond_the_managers_limit_is_refused_with_handover_advice(self) -> None:
        CallSettings.objects.create(pk=1, promise_max_days=10)
        with self.assertRaises(ValidationError) as cm:
            self.promise(PromiseLine(today() + timedelta(days=11), 1000))
        self.assertIn("10日以内", cm.exception.messages[0])
        self.assertIn("取り次いで", cm.exception.messages[0])

    def test_too_many_parts_is_the_citys_decision(self) -> None:
        d = today()
        with self.assertRaises(ValidationError) as cm:
            self.promise(*[PromiseLine(d + timedelta(days=k + 1), 1000) for k in range(4)])
        self.assertTrue(any("市の承認" in m for m in cm.exception.messages))

    def test_amount_above_owed_on_chosen_installments_is_refused(self) -> None:
        from nofu.calls.owed import payer_owed

        first = insts(self.payer)[0]
        owed = payer_owed(self.payer, today=today()).by_id[first.pk]
        self.assertGreater(owed.late_charge, 0)  # 200 days overdue
        with self.assertRaises(ValidationError) as cm:
            self.promise(PromiseLine(today() + timedelta(days=3), owed.total + 1), ids=(first.pk,))
        self.assertIn("超えています", " ".join(cm.exception.messages))
        made = self.promise(PromiseLine(today(), owed.total), ids=(first.pk,))
        self.assertEqual(made[0].unpaid_at_promise, owed.total)

    def test_zero_amount_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            self.promise(PromiseLine(today(), 0))

    def test_paid_up_installment_cannot_be_promised(self) -> None:
        from nofu.calls.owed import payer_owed

        first = insts(self.payer)[0]
        pay(first, 30000, today())
        left = payer_owed(self.payer, today=today()).by_id[first.pk]
        self.assertEqual(left.principal, 0)
        self.assertGreater(left.late_charge, 0)  # the late charge is still owed: promisable
        pay(first, left.late_charge, today())
        with self.assertRaises(ValidationError) as cm:
            self.promise(PromiseLine(today(), 100), ids=(first.pk,))
        self.assertIn("完納済み", " ".join(cm.exception.messages))


class ReissueTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()
        self.contact = actions.contact_record(
            actor=self.olivia, payer=self.payer, kind="outbound", result="reached_payer"
        )

    def reissue(self, **kw) -> SlipReissue:  # type: ignore[no-untyped-def]
        ids = kw.pop("ids", tuple(i.pk for i in insts(self.payer)))
        return actions.reissue_request(
            actor=self.olivia,
            payer=self.payer,
            contact=self.contact,
            spec=ReissueSpec(installment_ids=ids, **kw),
        )

    def test_to_registered_address_with_flyer(self) -> None:
        r = self.reissue()
        self.assertEqual(r.address, "千葉市中央区千葉港1-1")
        self.assertTrue(r.flyer_enclosed)
        self.assertEqual(r.installments.count(), 2)

    def test_to_another_address_without_flyer(self) -> None:
        r = self.reissue(
            to_registered=False,
            postal_code="２６１－０００１",
            address="千葉市美浜区幸町1-1",
            addressee="山田 花子",
            flyer_declined=True,
        )
        self.assertEqual(
            (r.postal_code, r.addressee, r.flyer_enclosed), ("2610001", "山田 花子", False)
        )

    def test_paid_installment_is_refused(self) -> None:
        first = insts(self.payer)[0]
        pay(first, 30000, today())
        with self.assertRaises(ValidationError) as cm:
            self.reissue(ids=(first.pk,))
        self.assertIn("完納済みのため、納付書を再発行できません", cm.exception.messages[0])

    def test_another_address_needs_an_address(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            self.reissue(to_registered=False, postal_code="123")
        self.assertEqual(
            cm.exception.messages,
            ["送付先住所を入力してください。", "郵便番号は7桁で入力してください。"],
        )

    def test_no_second_request_while_one_is_queued(self) -> None:
        self.reissue()
        with self.assertRaises(ValidationError) as cm:
            self.reissue()
        self.assertIn("既に発送待ち", cm.exception.messages[0])


class HandoverComplaintPhoneTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()
        self.contact = actions.contact_record(
            actor=self.olivia, payer=self.payer, kind="outbound", result="reached_payer"
        )

    def test_handover_needs_department_reason_and_content(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            actions.handover_create(
                actor=self.olivia,
                payer=self.payer,
                contact=self.contact,
                department="",
                reason="",
                detail="",
            )
        self.assertEqual(len(cm.exception.messages), 3)
        h = actions.handover_create(
            actor=self.olivia,
            payer=self.payer,
            contact=self.contact,
            department="nhi",
            reason="instalment",
            detail="月5,000円の分納を希望",
        )
        self.assertEqual(Handover.objects.get().pk, h.pk)

    def test_complaint_goes_open_and_only_a_supervisor_resolves_it(self) -> None:
        c = actions.complaint_create(
            actor=self.olivia, payer=self.payer, contact=self.contact, content="電話が多すぎる"
        )
        self.assertEqual(c.status, ComplaintStatus.OPEN)
        with self.assertRaises(PermissionDenied):
            actions.complaint_resolve(actor=self.olivia, complaint=c, resolution="x")
        with self.assertRaises(ValidationError):
            actions.complaint_resolve(actor=self.sam, complaint=c, resolution=" ")
        actions.complaint_resolve(actor=self.sam, complaint=c, resolution="SVが折り返し謝罪")
        c.refresh_from_db()
        self.assertEqual((c.status, c.handled_by), (ComplaintStatus.RESOLVED, self.sam))
        with self.assertRaises(ValidationError):
            actions.complaint_resolve(actor=self.sam, complaint=c, resolution="again")

    def test_empty_complaint_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            actions.complaint_create(actor=self.olivia, payer=None, contact=None, content="")
        self.assertFalse(Complaint.objects.exists())

    def test_phone_learned_on_a_call(self) -> None:
        ph = actions.phone_add(
            actor=self.olivia, payer=self.payer, number="０４３－２２２－３３３３"
        )
        self.assertEqual(
            (ph.number, ph.kind, ph.origin, ph.status),
            ("0432223333", "fixed", PhoneOrigin.HEARD, PhoneStatus.CONFIRMED),
        )
        r = actions.phone_add(
            actor=self.olivia, payer=self.payer, number="08011112222", origin=PhoneOrigin.RESEARCH
        )
        self.assertEqual((r.origin, r.status), ("research", "unknown"))

    def test_bad_phone_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as cm:
            actions.phone_add(actor=self.olivia, payer=self.payer, number="12345")
        self.assertIn("桁数", cm.exception.messages[0])

    def test_mark_invalid(self) -> None:
        ph = actions.phone_mark_invalid(actor=self.olivia, payer=self.payer, number="090-1234-5678")
        self.assertEqual(ph.status, PhoneStatus.INVALID)


class ConversationTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()

    def conv(self, **kw) -> Conversation:  # type: ignore[no-untyped-def]
        return Conversation(
            kind="outbound", result="reached_payer", phone_number="09012345678", **kw
        )

    def test_everything_at_once_in_one_record(self) -> None:
        i1, i2 = insts(self.payer)
        conv = self.conv(
            promise_lines=[PromiseLine(today() + timedelta(days=7), 30000)],
            promise_installment_ids=[i1.pk],
            reissue=ReissueSpec(installment_ids=(i2.pk,)),
            account_transfer_recommended=True,
            handovers=[HandoverSpec("tax_collection", "reduction", "失業による減免の相談")],
            complaint="以前の電話で失礼な対応をされた",
            new_phones=[PhoneSpec("080-1111-2222", "work")],
            operator_words="給料日の後に払う",
        )
        e = actions.conversation_record(
            actor=self.olivia, payer=self.payer, conv=conv, idempotency_key="c1"
        )
        self.assertEqual(e.promises.count(), 1)
        self.assertEqual(e.reissues.count(), 1)
        self.assertEqual(e.handovers.count(), 1)
        self.assertEqual(e.complaints.count(), 1)
        self.assertTrue(self.payer.phones.filter(number="08011112222", kind="work").exists())
        self.assertIn("30,000円を納付すると約束", e.note)
        self.assertIn("納税管理課へ取り次いだ", e.note)
        again = actions.conversation_record(
            actor=self.olivia, payer=self.payer, conv=conv, idempotency_key="c1"
        )
        self.assertEqual(again.pk, e.pk)
        self.assertEqual(PaymentPromise.objects.count(), 1)

    def test_all_problems_reported_and_nothing_written(self) -> None:
        i1, _ = insts(self.payer)
        pay(i1, 30000, today())
        conv = self.conv(
            promise_lines=[PromiseLine(today() - timedelta(days=1), 999999)],
            reissue=ReissueSpec(installment_ids=(i1.pk,)),
        )
        with self.assertRaises(ValidationError) as cm:
            actions.conversation_record(actor=self.olivia, payer=self.payer, conv=conv)
        text = " ".join(cm.exception.messages)
        self.assertIn("過去の日付", text)
        self.assertIn("超えています", text)
        self.assertIn("再発行できません", text)
        self.assertFalse(ContactEvent.objects.exists())

    def test_edited_note_is_kept_as_written(self) -> None:
        e = actions.conversation_record(
            actor=self.olivia, payer=self.payer, conv=self.conv(note="本人と通話。後日連絡。")
        )
        self.assertEqual(e.note, "本人と通話。後日連絡。")


class SettlementTests(BaseTestCase):
    def setUp(self) -> None:
        self.payer = make_payer()
        self.i1, self.i2 = insts(self.payer)
        CallSettings.objects.create(pk=1, promise_grace_days=3)

    def promised(self, *lines: PromiseLine) -> list[PaymentPromise]:
        c = actions.contact_record(
            actor=self.olivia, payer=self.payer, kind="outbound", result="reached_payer"
        )
        return actions.promise_create(
            actor=self.olivia,
            payer=self.payer,
            contact=c,
            lines=list(lines),
            installment_ids=[self.i1.pk],
        )

    def test_kept_partly_and_broken(self) -> None:
        d = today()
        (p,) = self.promised(PromiseLine(d, 30000))
        pay(self.i1, 30000, d + timedelta(days=2))
        s = actions.promise_settle_due(today=d + timedelta(days=3))
        self.assertEqual(s.settled, 0)  # date + grace not yet passed
        s = actions.promise_settle_due(today=d + timedelta(days=4))
        p.refresh_from_db()
        self.assertEqual((s.kept, p.status, p.paid_amount), (1, "kept", 30000))

    def test_plan_counts_payments_toward_earlier_parts_first(self) -> None:
        d = today()
        a, b = self.promised(PromiseLine(d, 10000), PromiseLine(d + timedelta(days=10), 10000))
        pay(self.i1, 15000, d + timedelta(days=1))
        actions.promise_settle_due(today=d + timedelta(days=30))
        a.refresh_from_db()
        b.refresh_from_db()
        self.assertEqual((a.status, a.paid_amount), ("kept", 10000))
        self.assertEqual((b.status, b.paid_amount), ("partly_kept", 5000))

    def test_no_payment_is_broken_and_found_for_follow_up(self) -> None:
        from nofu.calls.queries import broken_promises_for_follow_up

        (p,) = self.promised(PromiseLine(today(), 5000))
        pay(self.i2, 5000, today())  # another installment: does not count
        actions.promise_settle_due(today=today() + timedelta(days=5))
        p.refresh_from_db()
        self.assertEqual(p.status, "broken")
        self.assertEqual(list(broken_promises_for_follow_up()), [p])
        self.assertTrue(AuditEvent.objects.filter(action="promise.settle").exists())
        again = actions.promise_settle_due(today=today() + timedelta(days=6))
        self.assertEqual(again.settled, 0)


class MailingTests(BaseTestCase):
    def test_batch_prints_queued_reissues_and_writes_a_mail_contact_per_envelope(self) -> None:
        payer = make_payer()
        c = actions.contact_record(
            actor=self.olivia, payer=payer, kind="outbound", result="reached_payer"
        )
        actions.reissue_request(
            actor=self.olivia,
            payer=payer,
            contact=c,
            spec=ReissueSpec(installment_ids=tuple(i.pk for i in insts(payer))),
        )
        batch = actions.mailing_batch_create(actor=self.mia, idempotency_key="m1")
        self.assertTrue(bytes(batch.pdf).startswith(b"%PDF"))
        self.assertEqual((batch.items, batch.payers), (1, 1))
        self.assertEqual(SlipReissue.objects.get().status, "printed")
        mail = ContactEvent.objects.get(kind="mail")
        self.assertEqual(mail.mailing_batch, batch)
        self.assertEqual(mail.mailing_batch.reissues.get().address, "千葉市中央区千葉港1-1")
        self.assertIn("発送した（口座振替案内を同封", mail.note)
        self.assertEqual(
            actions.mailing_batch_create(actor=self.mia, idempotency_key="m1").pk, batch.pk
        )
        with self.assertRaises(ValidationError):
            actions.mailing_batch_create(actor=self.mia)


class SettingsTests(BaseTestCase):
    def test_update_and_refuse_nonsense(self) -> None:
        s = actions.call_settings_update(
            actor=self.mia,
            promise_max_days=14,
            promise_max_parts=2,
            promise_grace_days=7,
            return_call_days=10,
        )
        self.assertEqual(CallSettings.current().promise_max_days, 14)
        self.assertEqual(s.updated_by, self.mia)
        with self.assertRaises(ValidationError):
            actions.call_settings_update(
                actor=self.mia,
                promise_max_days=0,
                promise_max_parts=2,
                promise_grace_days=7,
                return_call_days=10,
            )


class FollowUpTests(BaseTestCase):
    def test_followed_up_or_repromised_promises_drop_out(self) -> None:
        from nofu.calls.queries import broken_promises_for_follow_up

        payer = make_payer()
        c = actions.contact_record(
            actor=self.olivia, payer=payer, kind="outbound", result="reached_payer"
        )
        (p,) = actions.promise_create(
            actor=self.olivia, payer=payer, contact=c, lines=[PromiseLine(today(), 1000)]
        )
        PaymentPromise.objects.filter(pk=p.pk).update(
            status="broken", settled_on=today() - timedelta(days=1)
        )
        ContactEvent.objects.filter(pk=c.pk).update(at=c.at - timedelta(days=10))
        self.assertEqual(list(broken_promises_for_follow_up()), [p])
        actions.contact_record(actor=self.olivia, payer=payer, kind="outbound", result="no_answer")
        self.assertEqual(list(broken_promises_for_follow_up()), [])  # called since
        ContactEvent.objects.filter(result="no_answer").delete()
        actions.promise_create(
            actor=self.olivia,
            payer=payer,
            contact=c,
            lines=[PromiseLine(today() + timedelta(days=3), 1000)],
        )
        self.assertEqual(list(broken_promises_for_follow_up()), [])  # a new promise is open
