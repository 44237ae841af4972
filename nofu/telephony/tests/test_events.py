"""Recording call events once, and what they do to the operator's state."""

from __future__ import annotations

from datetime import timedelta

from nofu.telephony.events import EventConflict, EventIn, EventInvalid, parse_event, record_event
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind
from nofu.telephony.tests.helpers import OPEN, payer_with_phone, ready, set_state
from nofu.test import BaseTestCase

K = EventKind


class StateTransitionTests(BaseTestCase):
    def event(self, kind: str, when=OPEN, call_id="c1", agent=None, **kw):  # type: ignore[no-untyped-def]
        direction = Direction.OUTBOUND if kind == K.DIALED else Direction.INBOUND
        return record_event(
            EventIn(call_id=call_id, kind=kind, at=when, direction=direction, agent=agent, **kw),
            source="test",
        )

    def state(self) -> str:
        return AgentStatus.objects.get(user=self.olivia).state

    def test_answered_puts_the_operator_on_the_call_and_ended_into_wrap_up(self) -> None:
        ready(self.olivia)
        self.event(K.OFFERED, caller="0432455000")
        self.event(K.ANSWERED, OPEN + timedelta(seconds=8), agent=self.olivia, caller="0432455000")
        status = AgentStatus.objects.get(user=self.olivia)
        self.assertEqual((status.state, status.call_id), (AgentState.ON_CALL, "c1"))
        self.event(K.ENDED, OPEN + timedelta(minutes=3))  # the PBX need not repeat the agent
        status.refresh_from_db()
        self.assertEqual((status.state, status.call_id), (AgentState.WRAP_UP, "c1"))

    def test_an_answered_call_remembers_the_one_payer_of_the_number(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        ready(self.olivia)
        self.event(K.ANSWERED, agent=self.olivia, caller="0432455000")
        self.assertEqual(AgentStatus.objects.get(user=self.olivia).payer, payer)

    def test_dialed_puts_the_operator_on_the_call_without_a_prior_state(self) -> None:
        self.event(K.DIALED, call_id="o1", agent=self.olivia, callee="0432455000")
        self.assertEqual(self.state(), AgentState.ON_CALL)

    def test_the_end_of_another_call_does_not_touch_the_current_one(self) -> None:
        set_state(self.olivia, AgentState.ON_CALL, OPEN, call_id="c2")
        self.event(K.ENDED, OPEN + timedelta(seconds=5), call_id="c1", agent=self.olivia)
        self.assertEqual(self.state(), AgentState.ON_CALL)

    def test_a_late_event_does_not_pull_the_operator_back(self) -> None:
        set_state(self.olivia, AgentState.BREAK, OPEN + timedelta(minutes=10))
        self.event(K.ANSWERED, OPEN, agent=self.olivia)
        self.assertEqual(self.state(), AgentState.BREAK)

    def test_an_answer_arriving_after_the_end_of_its_call_is_ignored(self) -> None:
        ready(self.olivia)
        self.event(K.ENDED, OPEN + timedelta(minutes=2), agent=self.olivia)
        self.event(K.ANSWERED, OPEN + timedelta(minutes=1), agent=self.olivia)
        self.assertEqual(self.state(), AgentState.READY)

    def test_history_moves_nobody(self) -> None:
        ready(self.olivia)
        record_event(
            EventIn(call_id="h", kind=K.ANSWERED, at=OPEN, agent=self.olivia),
            source="test",
            update_agents=False,
        )
        self.assertEqual(self.state(), AgentState.READY)

    def test_queue_and_announcement_events_do_not_change_states(self) -> None:
        ready(self.olivia)
        for kind in (K.OFFERED, K.QUEUED, K.BUSY_MESSAGE, K.IVR_GUIDANCE, K.AFTER_HOURS):
            self.event(kind, agent=self.olivia)
        self.assertEqual(self.state(), AgentState.READY)


class RecordOnceTests(BaseTestCase):
    def test_same_call_kind_and_moment_is_stored_once(self) -> None:
        ev = parse_event({"call_id": "c1", "kind": "offered", "at": "2026-06-10T10:00:00+09:00"})
        first = record_event(ev, source="pbx")
        again = record_event(ev, source="pbx")
        self.assertTrue(first.created)
        self.assertFalse(again.created)
        self.assertEqual(first.event.pk, again.event.pk)
        self.assertEqual(CallEvent.objects.count(), 1)

    def test_same_event_id_is_stored_once_and_cannot_be_reused(self) -> None:
        data = {
            "call_id": "c1",
            "kind": "offered",
            "at": "2026-06-10T10:00:00+09:00",
            "event_id": "e1",
        }
        record_event(parse_event(data), source="pbx")
        self.assertFalse(record_event(parse_event(data), source="pbx").created)
        with self.assertRaises(EventConflict):
            record_event(parse_event({**data, "kind": "answered"}), source="pbx")
        # another phone system may use the same id for its own event
        other = record_event(parse_event({**data, "call_id": "c9"}), source="other-pbx")
        self.assertTrue(other.created)


class ParseTests(BaseTestCase):
    def test_every_problem_is_reported_at_once_in_japanese(self) -> None:
        with self.assertRaises(EventInvalid) as ctx:
            parse_event({"kind": "ringing", "at": "昨日", "talk_seconds": -1, "direction": "up"})
        errors = ctx.exception.errors
        self.assertEqual(set(errors), {"call_id", "kind", "at", "talk_seconds", "direction"})
        self.assertIn("通話ID", errors["call_id"])
        self.assertIn("offered", errors["kind"])
        self.assertIn("ISO 8601", errors["at"])
        self.assertIn("0以上", errors["talk_seconds"])

    def test_numbers_are_normalized_and_withheld_numbers_blank(self) -> None:
        ev = parse_event(
            {
                "call_id": "c",
                "kind": "offered",
                "at": "2026-06-10T10:00:00",
                "caller": "043-245-5000",
                "callee": "anonymous",
            }
        )
        self.assertEqual((ev.caller, ev.callee, ev.direction), ("0432455000", "", "in"))
        self.assertEqual(ev.at, OPEN)  # no offset: Asia/Tokyo

    def test_unknown_agent_payer_or_number_is_a_warning_not_a_loss(self) -> None:
        ev = parse_event(
            {
                "call_id": "c",
                "kind": "dialed",
                "at": "2026-06-10T10:00:00+09:00",
                "agent": "NOBODY",
                "payer_id": 99999,
                "callee": "12345",
            }
        )
        self.assertEqual(ev.direction, Direction.OUTBOUND)
        self.assertIsNone(ev.agent)
        self.assertEqual(len(ev.warnings), 3)
        self.assertEqual(ev.callee, "12345")

    def test_agent_by_staff_code_or_username(self) -> None:
        base = {"call_id": "c", "kind": "answered", "at": "2026-06-10T10:00:00+09:00"}
        self.assertEqual(parse_event({**base, "agent": "OLI01"}).agent, self.olivia)
        self.assertEqual(parse_event({**base, "agent": "olivia"}).agent, self.olivia)
