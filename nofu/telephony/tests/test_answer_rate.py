"""The answer rate as 第2章 Ⅱ.5 defines it: answered / offered within operating hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from nofu.calls.models import ContactEvent, ContactKind, ContactResult
from nofu.lib.business_calendar import SessionPlan
from nofu.telephony.answer_rate import answer_rate, inbound_calls
from nofu.telephony.models import CallEvent, Direction, EventKind
from nofu.telephony.tests.helpers import WEDNESDAY, at
from nofu.test import BaseTestCase

K = EventKind
SATURDAY = date(2026, 6, 13)
_ids = count()


class AnswerRateTests(BaseTestCase):
    def call(self, offered: datetime, *kinds: str, step: int = 5) -> str:
        """One inbound call: `offered` then the given events, `step` seconds apart."""
        call_id = f"c{next(_ids)}"
        when = offered
        for kind in (K.OFFERED, *kinds):
            CallEvent.objects.create(
                call_id=call_id, kind=kind, direction=Direction.INBOUND, at=when
            )
            when += timedelta(seconds=step)
        return call_id

    def rate(self, start=WEDNESDAY, end=WEDNESDAY, **kw):  # type: ignore[no-untyped-def]
        return tuple(answer_rate(start, end, **kw))

    def test_a_person_answering_counts(self) -> None:
        self.call(at(WEDNESDAY, 10), K.ANSWERED, K.ENDED)
        self.assertEqual(self.rate(), (1, 1))

    def test_ivr_guidance_counts_as_answered_even_without_a_person(self) -> None:
        self.call(at(WEDNESDAY, 10), K.IVR_GUIDANCE, K.ENDED)
        self.assertEqual(self.rate(), (1, 1))

    def test_the_busy_announcement_is_not_an_answer(self) -> None:
        self.call(at(WEDNESDAY, 10), K.QUEUED, K.BUSY_MESSAGE, K.ABANDONED)
        self.call(at(WEDNESDAY, 11), K.BUSY_MESSAGE, K.ENDED)
        self.assertEqual(self.rate(), (0, 2))

    def test_busy_then_answered_by_a_person_is_answered(self) -> None:
        self.call(at(WEDNESDAY, 10), K.QUEUED, K.BUSY_MESSAGE, K.ANSWERED, K.ENDED)
        self.assertEqual(self.rate(), (1, 1))

    def test_queued_then_abandoned_is_offered_but_not_answered(self) -> None:
        self.call(at(WEDNESDAY, 10), K.QUEUED, K.ABANDONED)
        self.call(at(WEDNESDAY, 10, 1), K.ABANDONED)
        self.call(at(WEDNESDAY, 10, 2), K.ANSWERED)
        self.assertEqual(self.rate(), (1, 3))

    def test_after_hours_announcement_is_excluded_from_both(self) -> None:
        self.call(at(WEDNESDAY, 10), K.AFTER_HOURS, K.ENDED)  # even inside the calendar's hours
        self.call(at(WEDNESDAY, 18), K.AFTER_HOURS, K.ENDED)
        self.call(at(WEDNESDAY, 11), K.ANSWERED)
        self.assertEqual(self.rate(), (1, 1))

    def test_inbound_hours_are_830_to_1730_by_the_offer_time(self) -> None:
        self.call(at(WEDNESDAY, 8, 29, 59), K.ABANDONED)  # before hours: excluded
        self.call(at(WEDNESDAY, 8, 30), K.ABANDONED)  # the first second counts
        self.call(at(WEDNESDAY, 17, 29, 59), K.QUEUED, K.ANSWERED, step=60)  # answered after 17:30
        self.call(at(WEDNESDAY, 17, 30), K.ANSWERED)  # 17:30 itself is closed
        self.assertEqual(self.rate(), (1, 2))

    def test_holidays_and_year_end_are_outside_hours(self) -> None:
        self.call(at(date(2026, 5, 4), 10), K.ABANDONED)  # みどりの日
        self.call(at(date(2026, 12, 29), 10), K.ABANDONED)  # 年末年始
        self.assertEqual(self.rate(date(2026, 5, 1), date(2026, 12, 31)), (0, 0))

    def test_weekend_counts_only_on_a_session_day_within_10_to_16(self) -> None:
        # no session evident: a Saturday call is outside hours
        self.call(at(SATURDAY, 11), K.ABANDONED)
        self.assertEqual(self.rate(SATURDAY, SATURDAY), (0, 0))
        # the center answered that Saturday: its 10:00–16:00 calls count
        self.call(at(SATURDAY, 12), K.ANSWERED)
        self.call(at(SATURDAY, 9, 59), K.ANSWERED)  # before the session
        self.assertEqual(self.rate(SATURDAY, SATURDAY), (1, 2))

    def test_a_recorded_contact_also_shows_a_weekend_session(self) -> None:
        self.call(at(SATURDAY, 11), K.BUSY_MESSAGE, K.ABANDONED)
        ContactEvent.objects.create(
            kind=ContactKind.OUTBOUND,
            result=ContactResult.NO_ANSWER,
            at=at(SATURDAY, 10, 30),
            operator=self.olivia,
            note="不在",
        )
        self.assertEqual(self.rate(SATURDAY, SATURDAY), (0, 1))

    def test_an_explicit_session_plan_decides_the_weekend(self) -> None:
        self.call(at(SATURDAY, 11), K.ABANDONED)
        plan = SessionPlan.of(weekend=[SATURDAY])
        self.assertEqual(self.rate(SATURDAY, SATURDAY, plan=plan), (0, 1))

    def test_extra_closed_days_are_outside_hours(self) -> None:
        self.call(at(WEDNESDAY, 10), K.ANSWERED)
        self.assertEqual(self.rate(extra_closed={WEDNESDAY}), (0, 0))

    def test_outbound_calls_are_not_counted(self) -> None:
        CallEvent.objects.create(
            call_id="out", kind=K.DIALED, direction=Direction.OUTBOUND, at=at(WEDNESDAY, 10)
        )
        self.assertEqual(self.rate(), (0, 0))

    def test_a_call_belongs_to_the_day_it_was_offered(self) -> None:
        thursday = WEDNESDAY + timedelta(days=1)
        # offered on Wednesday, answered after midnight (an odd PBX, but the rule holds)
        cid = self.call(at(WEDNESDAY, 17, 0), K.QUEUED)
        CallEvent.objects.create(
            call_id=cid, kind=K.ANSWERED, direction=Direction.INBOUND, at=at(thursday, 0, 5)
        )
        self.assertEqual(self.rate(WEDNESDAY, WEDNESDAY), (1, 1))
        self.assertEqual(self.rate(thursday, thursday), (0, 0))

    def test_a_call_without_an_offered_event_is_dated_by_its_first(self) -> None:
        CallEvent.objects.create(
            call_id="x", kind=K.ANSWERED, direction=Direction.INBOUND, at=at(WEDNESDAY, 10)
        )
        self.assertEqual(self.rate(), (1, 1))

    def test_datetimes_are_half_open_and_dates_whole_days(self) -> None:
        self.call(at(WEDNESDAY, 10), K.ANSWERED)
        self.call(at(WEDNESDAY, 11), K.ABANDONED)
        self.assertEqual(self.rate(at(WEDNESDAY, 10), at(WEDNESDAY, 11)), (1, 1))
        self.assertEqual(self.rate(at(WEDNESDAY, 10, 0, 1), at(WEDNESDAY, 12)), (0, 1))
        self.assertEqual(self.rate(WEDNESDAY - timedelta(days=1), WEDNESDAY), (1, 2))

    def test_the_rate_itself(self) -> None:
        for _ in range(9):
            self.call(at(WEDNESDAY, 10), K.ANSWERED)
        self.call(at(WEDNESDAY, 10), K.BUSY_MESSAGE, K.ABANDONED)
        result = answer_rate(WEDNESDAY, WEDNESDAY)
        self.assertEqual(result.rate, 0.9)
        self.assertIsNone(answer_rate(SATURDAY, SATURDAY).rate)

    def test_the_classified_calls_are_there_to_show(self) -> None:
        cid = self.call(at(WEDNESDAY, 18), K.ABANDONED)
        [c] = inbound_calls(WEDNESDAY, WEDNESDAY)
        self.assertEqual((c.call_id, c.within_hours, c.answered), (cid, False, False))
