"""応答率 exactly as 第2章 Ⅱ.5 defines it, from the phone system's events."""

from __future__ import annotations

from datetime import date

from nofu.calls.models import ContactEvent, ContactKind, ContactResult
from nofu.reports.figures import answer_stats, answer_stats_by_day, inbound_calls
from nofu.reports.tests.scenario import at
from nofu.telephony.models import CallEvent, Direction, EventKind
from nofu.test import BaseTestCase

E = EventKind
WED = date(2025, 12, 3)


def call(call_id: str, *events: tuple[str, object], direction: str = Direction.INBOUND) -> None:
    for kind, when in events:
        CallEvent.objects.create(call_id=call_id, kind=kind, direction=direction, at=when)


class AnswerRateTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call("a", (E.OFFERED, at(WED, 9)), (E.ANSWERED, at(WED, 9, 0, 5)))
        call("b", (E.OFFERED, at(WED, 9, 30)), (E.IVR_GUIDANCE, at(WED, 9, 30, 1)))  # IVR
        call(
            "c",
            (E.OFFERED, at(WED, 10)),
            (E.BUSY_MESSAGE, at(WED, 10, 0, 1)),
            (E.ENDED, at(WED, 10, 1)),
        )
        call(  # the busy message, then a person answered: answered
            "d",
            (E.OFFERED, at(WED, 10, 30)),
            (E.BUSY_MESSAGE, at(WED, 10, 30, 1)),
            (E.QUEUED, at(WED, 10, 30, 20)),
            (E.ANSWERED, at(WED, 10, 32)),
        )
        call(
            "e",
            (E.OFFERED, at(WED, 11)),
            (E.QUEUED, at(WED, 11, 0, 1)),
            (E.ABANDONED, at(WED, 11, 2)),
        )
        call("f", (E.OFFERED, at(WED, 18)), (E.AFTER_HOURS, at(WED, 18, 0, 1)))  # after hours
        call("g", (E.OFFERED, at(WED, 8, 29)), (E.ABANDONED, at(WED, 8, 29, 30)))  # before 8:30
        call("h", (E.OFFERED, at(WED, 8, 30)), (E.ANSWERED, at(WED, 8, 30, 10)))  # 8:30 is open
        call("i", (E.OFFERED, at(WED, 17, 30)), (E.ABANDONED, at(WED, 17, 31)))  # 17:30 is not
        call(
            "j", (E.OFFERED, at(WED, 12)), (E.AFTER_HOURS, at(WED, 12, 0, 1))
        )  # closed, said the PBX
        call(
            "k",
            (E.DIALED, at(WED, 14)),
            (E.ANSWERED, at(WED, 14, 0, 9)),
            direction=Direction.OUTBOUND,
        )
        # a national holiday and the year-end closure: closed
        holiday, year_end = date(2025, 11, 3), date(2025, 12, 29)
        call("l", (E.OFFERED, at(holiday, 10)), (E.ABANDONED, at(holiday, 10, 1)))
        call("m", (E.OFFERED, at(year_end, 10)), (E.ABANDONED, at(year_end, 10, 1)))
        # a Saturday the center worked (it answered a call) and a Sunday it did not
        sat, sun = date(2025, 12, 6), date(2025, 12, 7)
        call("n", (E.OFFERED, at(sat, 11)), (E.ANSWERED, at(sat, 11, 0, 4)))
        call("o", (E.OFFERED, at(sat, 11, 30)), (E.ABANDONED, at(sat, 11, 31)))
        call("p", (E.OFFERED, at(sat, 16, 30)), (E.ABANDONED, at(sat, 16, 31)))  # after 16:00
        call("q", (E.OFFERED, at(sun, 11)), (E.ABANDONED, at(sun, 11, 1)))
        # a Saturday with only a recorded contact (a session), where the one call was lost
        sat2 = date(2025, 12, 20)
        ContactEvent.objects.create(
            kind=ContactKind.OUTBOUND,
            result=ContactResult.NO_ANSWER,
            at=at(sat2, 10, 30),
            operator=cls.olivia,
            note="土曜開庁",
        )
        call("r", (E.OFFERED, at(sat2, 11)), (E.ABANDONED, at(sat2, 11, 1)))  # fmt: skip

    def test_a_weekday(self) -> None:
        s = answer_stats(WED, WED)
        # offered a, b, c, d, e, h; answered a, b (IVR), d, h
        self.assertEqual((s.offered, s.answered, s.ivr), (6, 4, 1))
        self.assertEqual((s.busy, s.abandoned, s.after_hours), (1, 1, 4))
        self.assertAlmostEqual(s.rate, 4 / 6)

    def test_the_busy_message_is_not_an_answer_but_ivr_guidance_is(self) -> None:
        by_id = {c.call_id: c for c in inbound_calls(WED, WED)}
        self.assertFalse(by_id["c"].answered)
        self.assertEqual(by_id["c"].label, "混雑時アナウンス（応答に含めない）")
        self.assertTrue(by_id["b"].answered)
        self.assertEqual(by_id["b"].label, "応答（IVRガイダンス）")
        self.assertTrue(by_id["d"].answered)
        self.assertNotIn("k", by_id)  # outbound calls are not 受電

    def test_after_hours_calls_are_excluded(self) -> None:
        by_id = {c.call_id: c for c in inbound_calls(WED, WED)}
        for call_id in "fgij":
            self.assertFalse(by_id[call_id].within_hours, call_id)
            self.assertEqual(by_id[call_id].label, "時間外（除外）")
        self.assertTrue(by_id["h"].within_hours)

    def test_closed_days_and_weekend_sessions(self) -> None:
        days = answer_stats_by_day(date(2025, 11, 1), date(2025, 12, 31))
        self.assertEqual(days[date(2025, 11, 3)].offered, 0)  # 文化の日
        self.assertEqual(days[date(2025, 11, 3)].after_hours, 1)
        self.assertEqual(days[date(2025, 12, 29)].offered, 0)  # 年末年始
        sat = days[date(2025, 12, 6)]
        self.assertEqual((sat.offered, sat.answered, sat.after_hours), (2, 1, 1))
        self.assertEqual(days[date(2025, 12, 7)].offered, 0)  # no session on that Sunday
        sat2 = days[date(2025, 12, 20)]
        self.assertEqual((sat2.offered, sat2.answered), (1, 0))  # worked, but the call was lost
        total = answer_stats(date(2025, 11, 1), date(2025, 12, 31))
        self.assertEqual((total.offered, total.answered), (6 + 2 + 1, 4 + 1))
