"""The simulated phone's outcomes: answered, queued, busy, abandoned, after hours."""

from __future__ import annotations

from datetime import timedelta

from nofu.accounts.models import Role
from nofu.telephony.answer_rate import answer_rate
from nofu.telephony.gateway import GatewayError
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, EventKind
from nofu.telephony.simulator import (
    ABANDONED,
    AFTER_HOURS,
    ANSWERED,
    QUEUED,
    simulate_burst,
    simulate_inbound,
    tick,
)
from nofu.telephony.tests.helpers import OPEN, WEDNESDAY, at, payer_with_phone, ready, set_state
from nofu.test import BaseTestCase, make_user

K = EventKind


def kinds(call_id: str) -> list[str]:
    return list(
        CallEvent.objects.filter(call_id=call_id)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


class SimulateInboundTests(BaseTestCase):
    def test_a_ready_operator_answers_and_the_payer_is_found(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia)
        call = simulate_inbound("043-245-5000", at=OPEN)
        self.assertEqual((call.outcome, call.agent, call.payers), (ANSWERED, self.olivia, [payer]))
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.IVR_GUIDANCE, K.ANSWERED])
        status = AgentStatus.objects.get(user=self.olivia)
        self.assertEqual((status.state, status.call_id), (AgentState.ON_CALL, call.call_id))

    def test_the_operator_ready_longest_gets_the_call(self) -> None:
        ready(self.sam, since=OPEN - timedelta(minutes=1))
        ready(self.olivia, since=OPEN - timedelta(minutes=9))
        self.assertEqual(simulate_inbound("0432455000", at=OPEN).agent, self.olivia)
        self.assertEqual(simulate_inbound("0432455001", at=OPEN).agent, self.sam)
        self.assertEqual(simulate_inbound("0432455002", at=OPEN).outcome, QUEUED)

    def test_nobody_ready_queues_then_busy_message_then_abandoned(self) -> None:
        set_state(self.olivia, AgentState.BREAK, OPEN - timedelta(minutes=5))
        call = simulate_inbound("0432455000", at=OPEN, patience=60, busy_after=20)
        self.assertEqual(call.outcome, QUEUED)
        tick(OPEN + timedelta(seconds=10))
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.QUEUED])
        tick(OPEN + timedelta(seconds=30))
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.QUEUED, K.BUSY_MESSAGE])
        tick(OPEN + timedelta(seconds=61))
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.QUEUED, K.BUSY_MESSAGE, K.ABANDONED])
        abandoned = CallEvent.objects.get(call_id=call.call_id, kind=K.ABANDONED)
        self.assertEqual((abandoned.at, abandoned.wait_seconds), (OPEN + timedelta(seconds=60), 60))
        self.assertEqual(tuple(answer_rate(WEDNESDAY, WEDNESDAY)), (0, 1))

    def test_a_waiting_call_goes_to_the_first_operator_to_become_ready(self) -> None:
        first = simulate_inbound("0432455000", at=OPEN, patience=120)
        second = simulate_inbound("0432455001", at=OPEN + timedelta(seconds=5), patience=120)
        ready(self.olivia, since=OPEN + timedelta(seconds=40))
        tick(OPEN + timedelta(seconds=45))
        answered = CallEvent.objects.get(kind=K.ANSWERED)
        self.assertEqual(
            (answered.call_id, answered.agent, answered.wait_seconds),
            (first.call_id, self.olivia, 45),
        )
        # it waited past the busy announcement, which is written when it played
        self.assertEqual(kinds(first.call_id), [K.OFFERED, K.QUEUED, K.BUSY_MESSAGE, K.ANSWERED])
        self.assertEqual(kinds(second.call_id), [K.OFFERED, K.QUEUED, K.BUSY_MESSAGE])
        self.assertEqual(tuple(answer_rate(WEDNESDAY, WEDNESDAY)), (1, 2))

    def test_a_caller_who_already_hung_up_is_not_delivered(self) -> None:
        call = simulate_inbound("0432455000", at=OPEN, patience=30)
        ready(self.olivia, since=OPEN + timedelta(minutes=5))
        tick(OPEN + timedelta(minutes=5))
        self.assertEqual(kinds(call.call_id)[-1], K.ABANDONED)
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.READY)

    def test_outside_hours_the_after_hours_announcement_plays(self) -> None:
        ready(self.olivia, since=at(WEDNESDAY, 17, 0))
        call = simulate_inbound("0432455000", at=at(WEDNESDAY, 19, 0))
        self.assertEqual(call.outcome, AFTER_HOURS)
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.AFTER_HOURS, K.ENDED])
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).state, AgentState.READY)
        self.assertEqual(tuple(answer_rate(WEDNESDAY, WEDNESDAY)), (0, 0))

    def test_weekends_are_after_hours_unless_forced_for_a_demo(self) -> None:
        saturday = at(WEDNESDAY + timedelta(days=3), 11)
        self.assertEqual(simulate_inbound("0432455000", at=saturday).outcome, AFTER_HOURS)
        ready(self.olivia, since=saturday - timedelta(minutes=1))
        self.assertEqual(
            simulate_inbound("0432455000", at=saturday, force_open=True).outcome, ANSWERED
        )

    def test_a_withheld_number_can_call_and_garbage_cannot(self) -> None:
        ready(self.olivia)
        call = simulate_inbound("", at=OPEN)
        self.assertEqual((call.outcome, call.number, call.payers), (ANSWERED, "", []))
        with self.assertRaises(GatewayError):
            simulate_inbound("not a number", at=OPEN)

    def test_history_with_a_given_agent_ends_the_call_and_moves_nobody(self) -> None:
        call = simulate_inbound(
            "0432455000", at=OPEN, agent=self.olivia, wait_seconds=40, talk_seconds=200, live=False
        )
        self.assertEqual(
            kinds(call.call_id), [K.OFFERED, K.QUEUED, K.BUSY_MESSAGE, K.ANSWERED, K.ENDED]
        )
        ended = CallEvent.objects.get(call_id=call.call_id, kind=K.ENDED)
        self.assertEqual(ended.talk_seconds, 200)
        self.assertTrue(ended.recording_ref)
        self.assertFalse(AgentStatus.objects.filter(user=self.olivia).exists())

    def test_history_without_an_agent_is_abandoned_at_once(self) -> None:
        call = simulate_inbound("0432455000", at=OPEN, patience=15, live=False)
        self.assertEqual(call.outcome, ABANDONED)
        self.assertEqual(kinds(call.call_id), [K.OFFERED, K.QUEUED, K.ABANDONED])


class BurstTests(BaseTestCase):
    def test_history_over_a_day_is_consistent_and_reproducible(self) -> None:
        make_user("oscar", Role.OPERATOR)
        for i in range(5):
            payer_with_phone(f"見本 {i}", f"04324550{i:02d}")
        calls = simulate_burst(
            120, start=at(WEDNESDAY, 8), end=at(WEDNESDAY, 18), live=False, seed=7
        )
        outcomes = {c.outcome for c in calls}
        self.assertTrue({ANSWERED, AFTER_HOURS} <= outcomes, outcomes)
        answered, offered = answer_rate(WEDNESDAY, WEDNESDAY)
        self.assertEqual(offered, sum(c.outcome != AFTER_HOURS for c in calls))
        self.assertEqual(answered, sum(c.outcome == ANSWERED for c in calls))
        self.assertFalse(AgentStatus.objects.exists())  # history moves nobody
        # an operator never takes two calls at once
        for agent in (self.olivia,):
            spans = []
            for c in calls:
                if c.agent == agent:
                    a = CallEvent.objects.get(call_id=c.call_id, kind=K.ANSWERED).at
                    e = CallEvent.objects.get(call_id=c.call_id, kind=K.ENDED).at
                    spans.append((a, e))
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                self.assertLessEqual(end, start)

    def test_live_burst_rings_the_ready_and_queues_the_rest(self) -> None:
        ready(self.olivia)
        calls = simulate_burst(3, live=True, force_open=True, seed=1)
        self.assertEqual([c.outcome for c in calls], [ANSWERED, QUEUED, QUEUED])


class TickTests(BaseTestCase):
    def test_nothing_due_changes_nothing(self) -> None:
        simulate_inbound("0432455000", at=OPEN, patience=60, busy_after=20)
        before = CallEvent.objects.count()
        self.assertEqual(tick(OPEN + timedelta(seconds=5)), 0)
        self.assertEqual(CallEvent.objects.count(), before)

    def test_one_ready_operator_takes_one_call(self) -> None:
        simulate_inbound("0432455000", at=OPEN, patience=120)
        simulate_inbound("0432455001", at=OPEN, patience=120)
        ready(self.olivia, since=OPEN + timedelta(seconds=1))
        self.assertEqual(tick(OPEN + timedelta(seconds=2)), 1)
        self.assertEqual(CallEvent.objects.filter(kind=K.ANSWERED).count(), 1)
