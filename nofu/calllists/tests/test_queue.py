"""The next-payer queue: hours, lists, callbacks, skips with reasons, retries, one at a time."""

from __future__ import annotations

from datetime import date, timedelta

from nofu.accounts.models import Role
from nofu.calllists import actions, queue
from nofu.calllists.extract import Conditions
from nofu.calllists.models import Audience, Callback, Lease, ListMember, MemberStatus
from nofu.calllists.tests.helpers import contact, frozen, jst, make_payer, plan
from nofu.calls import actions as calls_actions
from nofu.calls.models import ContactResult, PaymentPromise
from nofu.payers.models import Payment
from nofu.telephony.models import AgentState, AgentStatus
from nofu.test import BaseTestCase, make_user

WED = jst(2026, 6, 10, 10, 0)  # a Wednesday in June 2026


class QueueTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.oscar = make_user("oscar", Role.OPERATOR, "大島 オスカー")
        cls.payers = [
            make_payer(f"第{i}位", owed=[("01", 2024, 100_000 - i * 1000, date(2025, 1, 31))])
            for i in range(1, 6)
        ]

    def publish(self, conditions: Conditions | None = None, **kw):  # type: ignore[no-untyped-def]
        with frozen(WED):
            v = actions.list_version_create(
                actor=self.mia, conditions=conditions or Conditions(), name=kw.pop("name", "高額順")
            )
            return actions.list_version_publish(
                actor=self.mia, version=v, audience=kw.pop("audience", Audience.SHARED), **kw
            )

    def next(self, operator, at=WED):  # type: ignore[no-untyped-def]
        with frozen(at):
            return queue.next_payer(operator=operator)

    def release(self, operator, at=WED):  # type: ignore[no-untyped-def]
        with frozen(at):
            queue.release(operator=operator)

    def give_reasons_to_skip(self) -> None:
        """The first four payers may not be called now, each for another reason: paid in
        full, a promise running, a hold, a payment since the list was made."""
        p0, p1, p2, p3, _ = self.payers
        p0.total_unpaid = 0  # paid since the list was made
        p0.save()
        c = contact(p1, self.sam, jst(2026, 6, 1), ContactResult.REACHED_OTHER)
        PaymentPromise.objects.create(
            payer=p1, contact=c, promised_on=date(2026, 6, 15), amount=5_000, created_by=self.sam
        )
        with frozen(WED):
            actions.hold_set(
                actor=self.sam,
                payer=p2,
                start=date(2026, 6, 1),
                end=date(2026, 6, 30),
                reason="入院のため本人申出",
            )
        Payment.objects.create(
            source_system="統一滞納管理",
            receivable_key="K",
            installment=p3.installments.first(),
            paid_on=date(2026, 6, 8),
            amount=10_000,
            method="コンビニ",
            batch=p3.installments.first().batch,
        )

    def member(self, payer):  # type: ignore[no-untyped-def]
        return ListMember.objects.get(payer=payer)


class HoursTests(QueueTestCase):
    def test_nothing_outside_operating_hours(self) -> None:
        self.publish()
        self.assertIsNone(self.next(self.olivia, jst(2026, 6, 10, 8, 30)))
        self.assertIsNone(self.next(self.olivia, jst(2026, 6, 10, 18, 0)))  # no night planned
        self.assertIsNone(self.next(self.olivia, jst(2026, 6, 13, 11, 0)))  # Saturday, not planned
        with frozen(jst(2026, 6, 10, 18, 0)):
            self.assertIn("架電時間外", queue.why_none(operator=self.olivia))
        self.assertFalse(Lease.objects.exists())

    def test_planned_night_and_weekend_sessions_open_the_queue(self) -> None:
        self.publish()
        plan(nights=[date(2026, 6, 10)], weekends=[date(2026, 6, 13)])
        self.assertIsNotNone(self.next(self.olivia, jst(2026, 6, 10, 18, 0)))
        self.assertIsNotNone(self.next(self.oscar, jst(2026, 6, 13, 11, 0)))

    def test_city_closed_day(self) -> None:
        from nofu.calllists.models import ClosedDay

        self.publish()
        ClosedDay.objects.create(date=date(2026, 6, 10), reason="システム保守")
        self.assertIsNone(self.next(self.olivia))


class OfferTests(QueueTestCase):
    def test_offers_in_rank_order_and_never_the_same_payer_twice(self) -> None:
        self.publish()
        a = self.next(self.olivia)
        b = self.next(self.oscar)
        self.assertEqual(a.payer, self.payers[0])
        self.assertEqual(b.payer, self.payers[1])
        self.assertIn("高額順 1番目", a.reason)
        self.assertEqual(a.list_name, "高額順（第1版）")
        # the board sees who is calling whom
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).payer, self.payers[0])

    def test_sequential_interleaving_hands_out_each_payer_once(self) -> None:
        """Operators pulling in turn without releasing: all payers, each exactly once."""
        self.publish()
        ops = [self.olivia, self.oscar, self.sam] + [
            make_user(f"op{i}", Role.OPERATOR) for i in range(4)
        ]
        got = [self.next(op) for op in ops]
        payers = [o.payer.pk for o in got if o]
        self.assertEqual(len(payers), 5)
        self.assertEqual(len(set(payers)), 5)
        self.assertEqual(got[5:], [None, None])
        self.assertEqual(Lease.objects.count(), 5)
        # asking again releases the operator's own payer first, so it goes back in the queue
        again = self.next(self.olivia, WED + timedelta(minutes=1))
        self.assertIsNone(again)  # released without a call: 30 minutes' cool-down
        self.assertEqual(self.member(self.payers[0]).note, "見送り（6/10 10:01）")

    def test_release_without_a_call_comes_back_after_the_cooldown(self) -> None:
        self.publish()
        first = self.next(self.olivia).payer
        self.release(self.olivia)
        self.assertIsNone(AgentStatus.objects.get(user=self.olivia).payer)
        self.assertEqual(self.next(self.oscar).payer, self.payers[1])
        self.release(self.oscar)
        self.assertEqual(self.next(self.oscar, WED + timedelta(minutes=31)).payer, first)

    def test_a_payer_skipped_in_one_list_waits_in_the_others_too(self) -> None:
        self.publish(Conditions(limit=1), name="A", priority=1)
        self.publish(Conditions(limit=1), name="B", priority=2)  # the same payer
        self.assertEqual(self.next(self.olivia).list_name, "A（第1版）")
        self.release(self.olivia)
        self.assertIsNone(self.next(self.oscar))  # not from B either, for 30 minutes
        self.assertEqual(
            ListMember.objects.get(version__call_list__name="B").note, "見送り（6/10 10:00）"
        )
        self.assertEqual(self.next(self.oscar, WED + timedelta(minutes=31)).payer, self.payers[0])

    def test_a_list_published_later_carries_the_waits(self) -> None:
        self.publish(Conditions(limit=1), name="A")
        self.next(self.olivia)
        self.release(self.olivia)
        b = self.publish(Conditions(limit=1), name="B")
        m = ListMember.objects.get(version=b)
        self.assertEqual(m.next_at, WED + timedelta(minutes=30))
        self.assertEqual(m.note, "見送り（6/10 10:00）")

    def test_named_operators_only(self) -> None:
        self.publish(audience=Audience.NAMED, operators=[self.oscar])
        self.assertIsNone(self.next(self.olivia))
        self.assertIsNotNone(self.next(self.oscar))
        with frozen(WED):
            self.assertIn("リストがありません", queue.why_none(operator=self.olivia))

    def test_priority_across_lists_and_retired_lists(self) -> None:
        low = self.publish(Conditions(owed_max=96_000), name="少額", priority=5)
        high = self.publish(Conditions(owed_min=97_000), name="高額", priority=1)
        self.assertEqual(self.next(self.olivia).list_name, high.label)
        with frozen(WED):
            actions.list_version_retire(actor=self.mia, version=high)
        self.assertEqual(self.next(self.oscar).list_name, low.label)

    def test_a_new_version_replaces_the_published_one(self) -> None:
        v1 = self.publish()
        with frozen(WED):
            v2 = actions.list_version_create(
                actor=self.mia, conditions=Conditions(owed_max=97_000), call_list=v1.call_list
            )
            actions.list_version_publish(actor=self.mia, version=v2, audience=Audience.SHARED)
        v1.refresh_from_db()
        self.assertEqual(v1.status, "retired")
        self.assertEqual(self.next(self.olivia).payer, self.payers[2])  # 97,000: rank 1 of v2


class OutcomeTests(QueueTestCase):
    def test_no_answer_is_retried_in_another_time_of_day(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.next(self.olivia).payer
        contact(p, self.olivia, WED + timedelta(minutes=1), ContactResult.NO_ANSWER)
        self.release(self.olivia, WED + timedelta(minutes=2))
        m = self.member(p)
        self.assertEqual((m.status, m.attempts), (MemberStatus.PENDING, 1))
        self.assertEqual(m.next_at, jst(2026, 6, 10, 13, 1))
        self.assertIsNone(self.next(self.oscar, jst(2026, 6, 10, 11, 30)))
        again = self.next(self.oscar, jst(2026, 6, 10, 13, 5))
        self.assertEqual(again.payer, p)
        self.assertIn("前回：不在（6/10 10:01）", again.reason)

    def test_reached_and_promised_are_done(self) -> None:
        self.publish(Conditions(limit=2))
        a = self.next(self.olivia).payer
        c = contact(a, self.olivia, WED + timedelta(minutes=1), ContactResult.REACHED_PAYER)
        PaymentPromise.objects.create(
            payer=a, contact=c, promised_on=date(2026, 6, 20), amount=10_000, created_by=self.olivia
        )
        self.release(self.olivia)
        self.assertEqual(self.member(a).status, MemberStatus.DONE)
        self.assertIn("納付約束", self.member(a).note)

    def test_expired_lease_frees_the_payer_unless_still_on_the_call(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.next(self.olivia).payer
        AgentStatus.objects.filter(user=self.olivia).update(state=AgentState.ON_CALL)
        self.assertIsNone(self.next(self.oscar, WED + timedelta(minutes=20)))  # extended
        AgentStatus.objects.filter(user=self.olivia).update(state=AgentState.READY)
        later = WED + timedelta(minutes=40)
        self.assertIsNone(self.next(self.oscar, later))  # expired → settled: 30 min cool-down
        self.assertEqual(self.next(self.oscar, later + timedelta(minutes=31)).payer, p)
        self.assertIsNone(AgentStatus.objects.get(user=self.olivia).payer)


class SkipTests(QueueTestCase):
    def test_skips_and_deferrals_carry_reasons_the_manager_sees(self) -> None:
        v = self.publish()
        p0, p1, p2, p3, p4 = self.payers
        self.give_reasons_to_skip()
        offer = self.next(self.olivia)
        self.assertEqual(offer.payer, p4)
        notes = {m.payer_id: (m.status, m.note) for m in ListMember.objects.filter(version=v)}
        self.assertEqual(notes[p0.pk], (MemberStatus.DONE, "完納（未納なし）"))
        self.assertEqual(notes[p1.pk], (MemberStatus.PENDING, "納付約束中（6/15納付予定）"))
        self.assertEqual(notes[p2.pk][1], "架電停止（〜6/30：入院のため本人申出）")
        self.assertEqual(notes[p3.pk][1], "納付あり（6/8）")
        # the manager sees them on the version page
        self.login(self.mia)
        page = self.client.get(f"/lists/versions/{v.pk}").content.decode()
        self.assertIn("架電停止（〜6/30：入院のため本人申出）", page)
        self.assertIn("完納（未納なし）", page)

    def test_daily_cap_counts_calls_from_anywhere(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.payers[0]
        contact(p, self.sam, jst(2026, 6, 10, 9, 0), ContactResult.BUSY)
        contact(p, self.sam, jst(2026, 6, 10, 9, 30), ContactResult.BUSY)
        self.assertIsNone(self.next(self.olivia))
        self.assertEqual(self.member(p).note, "本日の架電上限（2回）")
        self.assertEqual(self.next(self.olivia, jst(2026, 6, 11, 9, 5)).payer, p)


class ManagerSettingsTests(QueueTestCase):
    """The manager's 架電の設定 (CallSettings) are the queue's rules."""

    def promise(self, payer, on: date) -> None:  # type: ignore[no-untyped-def]
        c = contact(payer, self.sam, jst(2026, 6, 1), ContactResult.REACHED_PAYER)
        PaymentPromise.objects.create(
            payer=payer, contact=c, promised_on=on, amount=5_000, created_by=self.sam
        )

    def settings(self, **kw) -> None:  # type: ignore[no-untyped-def]
        values = {
            "promise_max_days": 31,
            "promise_max_parts": 3,
            "promise_grace_days": 5,
            "return_call_days": 14,
        }
        calls_actions.call_settings_update(actor=self.mia, **{**values, **kw})

    def test_promise_wait_is_the_grace_days_of_the_settings(self) -> None:
        self.publish()
        p0 = self.payers[0]
        self.promise(p0, date(2026, 6, 5))  # 6/5 + 5 days of grace: not called on 6/10
        self.assertEqual(self.next(self.olivia).payer, self.payers[1])
        self.assertEqual(self.member(p0).note, "納付約束中（6/5納付予定）")

    def test_shorter_grace_days_call_a_promise_sooner(self) -> None:
        self.publish()
        p0 = self.payers[0]
        self.promise(p0, date(2026, 6, 5))
        self.settings(promise_grace_days=3)  # judged on 6/9: on 6/10 the payer is called again
        self.assertEqual(self.next(self.olivia).payer, p0)

    def test_daily_cap_of_the_settings(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.payers[0]
        contact(p, self.sam, jst(2026, 6, 10, 9, 0), ContactResult.BUSY)
        self.settings(max_calls_per_day=1)
        self.assertIsNone(self.next(self.olivia))
        self.assertEqual(self.member(p).note, "本日の架電上限（1回）")

    def test_weekly_cap_of_the_settings(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.payers[0]
        contact(p, self.sam, jst(2026, 6, 9, 9, 0), ContactResult.NO_ANSWER)
        self.settings(max_calls_per_day=1, max_calls_per_week=1)
        self.assertIsNone(self.next(self.olivia))
        self.assertEqual(self.member(p).note, "週の架電上限（直近7日で1回）")

    def test_retry_spacing_of_the_settings(self) -> None:
        self.publish(Conditions(limit=1))
        p = self.payers[0]
        contact(p, self.sam, jst(2026, 6, 10, 9, 0), ContactResult.NO_ANSWER)
        self.settings(retry_after_hours=5)  # 3 by default: the afternoon from 12:00
        self.assertIsNone(self.next(self.olivia))
        self.assertEqual(self.member(p).next_at, jst(2026, 6, 10, 14, 0))


class CallbackTests(QueueTestCase):
    def test_callbacks_come_first_at_their_time(self) -> None:
        self.publish()
        p = self.payers[4]
        with frozen(WED):
            cb = actions.callback_schedule(
                actor=self.oscar,
                payer=p,
                due_at=jst(2026, 6, 10, 14, 0),
                operator=self.oscar,
                note="給料日後に",
            )
        # before its time: the list as usual, and the payer is held back from the list
        self.assertNotEqual(self.next(self.oscar, jst(2026, 6, 10, 13, 0)).payer, p)
        self.release(self.oscar, jst(2026, 6, 10, 13, 0))
        # at its time: to the operator who promised it, not to others
        self.assertNotEqual(self.next(self.olivia, jst(2026, 6, 10, 14, 1)).payer, p)
        offer = self.next(self.oscar, jst(2026, 6, 10, 14, 2))
        self.assertEqual(offer.payer, p)
        self.assertEqual(offer.reason, "折り返し予約（14:00）：給料日後に")
        contact(p, self.oscar, jst(2026, 6, 10, 14, 3), ContactResult.REACHED_PAYER)
        self.release(self.oscar, jst(2026, 6, 10, 14, 10))
        cb.refresh_from_db()
        self.assertIsNotNone(cb.done_at)

    def test_overdue_callback_goes_to_anyone(self) -> None:
        p = self.payers[0]
        with frozen(WED):
            actions.callback_schedule(
                actor=self.oscar, payer=p, due_at=jst(2026, 6, 10, 14, 0), operator=self.oscar
            )
        self.assertIsNone(self.next(self.olivia, jst(2026, 6, 10, 14, 10)))
        self.assertEqual(self.next(self.olivia, jst(2026, 6, 10, 14, 31)).payer, p)

    def test_callback_outside_hours_is_refused(self) -> None:
        from django.core.exceptions import ValidationError

        with frozen(WED), self.assertRaises(ValidationError):
            actions.callback_schedule(
                actor=self.oscar, payer=self.payers[0], due_at=jst(2026, 6, 10, 19, 0)
            )
        self.assertFalse(Callback.objects.exists())


class HeldByHandTests(QueueTestCase):
    """An operator who opens a payer by hand holds them: the queue offers them to nobody
    else until the operator is done, and a colleague who opens them too is told."""

    def hold(self, operator, payer, at=WED):  # type: ignore[no-untyped-def]
        with frozen(at):
            return queue.payer_hold(operator=operator, payer=payer)

    def test_a_payer_opened_by_hand_is_not_offered_to_others(self) -> None:
        self.publish()
        self.assertIsNone(self.hold(self.olivia, self.payers[0]))
        self.assertEqual(self.next(self.oscar).payer, self.payers[1])  # first one is skipped
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).payer, self.payers[0])
        # a colleague opening the same payer is told who has them, and takes nothing
        self.assertEqual(self.hold(self.sam, self.payers[0]), "大野 オリビア")
        self.assertEqual(Lease.objects.get(payer=self.payers[0]).operator, self.olivia)
        # opening it again (a reload) keeps it
        self.assertIsNone(self.hold(self.olivia, self.payers[0]))
        # done with it: the queue may offer it again
        self.release(self.olivia)
        self.assertFalse(Lease.objects.filter(payer=self.payers[0]).exists())
        self.assertEqual(self.next(self.sam).payer, self.payers[0])

    def test_opening_another_payer_settles_the_offer_in_hand(self) -> None:
        self.publish()
        offered = self.next(self.olivia).payer
        self.assertIsNone(self.hold(self.olivia, self.payers[3]))
        self.assertEqual(set(Lease.objects.values_list("payer", flat=True)), {self.payers[3].pk})
        self.assertIn("見送り", self.member(offered).note)  # back in the list after the cool-down

    def test_an_expired_hold_of_someone_who_left_is_taken_over(self) -> None:
        self.publish()
        self.hold(self.olivia, self.payers[0])
        later = WED + timedelta(minutes=queue.LEASE_MINUTES + 1)
        self.assertIsNone(self.hold(self.oscar, self.payers[0], at=later))
        self.assertEqual(Lease.objects.get(payer=self.payers[0]).operator, self.oscar)
