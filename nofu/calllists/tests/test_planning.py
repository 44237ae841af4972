"""The month's plan against the specification, and operating windows with planned sessions."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import SimpleTestCase

from nofu.calllists.planning import (
    Days,
    Slot,
    month_warnings,
    slot_of,
    suggest,
)
from nofu.calllists.tests.helpers import jst
from nofu.lib.business_calendar import SessionPlan

JUNE_NIGHTS = [date(2026, 6, d) for d in (2, 4, 9, 11, 16, 18, 23, 25)]


def codes(warnings) -> set[str]:  # type: ignore[no-untyped-def]
    return {w.code for w in warnings}


class MonthWarningsTests(SimpleTestCase):
    def test_a_plan_meeting_the_minimums_has_no_warning(self) -> None:
        w = month_warnings(
            2026, 6, nights=JUNE_NIGHTS, weekends=[date(2026, 6, 6), date(2026, 6, 7)]
        )
        self.assertEqual(w, [])

    def test_too_few_nights_says_how_many_are_missing(self) -> None:
        w = month_warnings(
            2026, 6, nights=JUNE_NIGHTS[:5], weekends=[date(2026, 6, 6), date(2026, 6, 7)]
        )
        self.assertEqual(codes(w), {"nights_short"})
        self.assertIn("3回足りません", w[0].message)

    def test_saturday_and_sunday_are_each_required(self) -> None:
        w = month_warnings(2026, 6, nights=JUNE_NIGHTS, weekends=[date(2026, 6, 6)])
        self.assertEqual(codes(w), {"no_sunday"})
        w = month_warnings(2026, 6, nights=JUNE_NIGHTS, weekends=[])
        self.assertEqual(codes(w), {"no_saturday", "no_sunday"})

    def test_a_night_on_a_holiday_or_city_closed_day_does_not_count(self) -> None:
        # 2026-05-04 みどりの日, 2026-05-07 closed by the city
        nights = [date(2026, 5, d) for d in (4, 7, 8, 11, 12, 13, 14, 15, 18)]
        w = month_warnings(
            2026,
            5,
            nights=nights,
            weekends=[date(2026, 5, 9), date(2026, 5, 10)],
            closed=[date(2026, 5, 7)],
        )
        self.assertEqual(codes(w), {"night_closed", "nights_short"})
        text = " ".join(x.message for x in w)
        self.assertIn("5月4日はみどりの日", text)
        self.assertIn("5月7日は市の休業日", text)
        self.assertIn("夜間稼働が7回", text)

    def test_weekend_session_in_the_year_end_closure_is_refused(self) -> None:
        december = [date(2026, 12, d) for d in (1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16)]
        w = month_warnings(
            2026,
            12,
            nights=december,
            weekends=[date(2026, 12, 5), date(2026, 12, 6)],
            intensive=True,
        )
        self.assertEqual(w, [])
        w = month_warnings(
            2027,
            1,
            nights=[date(2027, 1, d) for d in (5, 6, 7, 8, 12, 13, 14, 15)],
            weekends=[date(2027, 1, 2), date(2027, 1, 3)],
        )
        self.assertEqual(codes(w), {"weekend_closed", "no_saturday", "no_sunday"})
        self.assertIn("1月2日は年末年始", w[0].message)

    def test_intensive_month_wants_more_nights(self) -> None:
        w = month_warnings(
            2026,
            6,
            nights=JUNE_NIGHTS,
            weekends=[date(2026, 6, 6), date(2026, 6, 7)],
            intensive=True,
        )
        self.assertEqual(codes(w), {"intensive_nights"})
        self.assertIn("強化月間", w[0].message)

    def test_suggestion_meets_the_minimums(self) -> None:
        for year, month in [(2026, 6), (2026, 12), (2027, 1), (2026, 5)]:
            for intensive in (False, True):
                nights, weekends = suggest(year, month, intensive=intensive)
                self.assertEqual(
                    month_warnings(
                        year, month, nights=nights, weekends=weekends, intensive=intensive
                    ),
                    [],
                    (year, month, intensive),
                )


class DaysTests(SimpleTestCase):
    days = Days(SessionPlan.of(night=[date(2026, 6, 10)], weekend=[date(2026, 6, 13)]), frozenset())

    def test_operating_hours_follow_the_plan(self) -> None:
        d = self.days
        self.assertFalse(d.is_operating(jst(2026, 6, 10, 8, 59)))
        self.assertTrue(d.is_operating(jst(2026, 6, 10, 9, 0)))
        self.assertTrue(d.is_operating(jst(2026, 6, 10, 19, 59)))  # planned night
        self.assertFalse(d.is_operating(jst(2026, 6, 11, 18, 0)))  # no night planned
        self.assertTrue(d.is_operating(jst(2026, 6, 13, 10, 0)))  # planned Saturday
        self.assertFalse(d.is_operating(jst(2026, 6, 13, 16, 0)))
        self.assertFalse(d.is_operating(jst(2026, 6, 14, 11, 0)))  # Sunday not planned

    def test_slots(self) -> None:
        self.assertEqual(slot_of(jst(2026, 6, 10, 9, 30)), Slot.MORNING)
        self.assertEqual(slot_of(jst(2026, 6, 10, 13, 0)), Slot.AFTERNOON)
        self.assertEqual(slot_of(jst(2026, 6, 10, 18, 0)), Slot.NIGHT)
        self.assertEqual(slot_of(jst(2026, 6, 13, 11, 0)), Slot.WEEKEND)

    def test_next_open_in_another_time_of_day(self) -> None:
        d = self.days
        at = jst(2026, 6, 10, 10, 0)
        self.assertEqual(d.next_open(at), at)
        self.assertEqual(d.next_open(at, {Slot.MORNING}), jst(2026, 6, 10, 12, 0))
        self.assertEqual(d.next_open(at, {Slot.MORNING, Slot.AFTERNOON}), jst(2026, 6, 10, 17, 30))
        # after the only night: the Saturday session is the next evening-or-weekend chance
        self.assertEqual(
            d.next_open(jst(2026, 6, 10, 20, 0), {Slot.MORNING, Slot.AFTERNOON}),
            jst(2026, 6, 13, 10, 0),
        )
        self.assertIsNone(
            Days(SessionPlan(), frozenset()).next_open(
                at, {Slot.MORNING, Slot.AFTERNOON}, horizon_days=10
            )
        )
        self.assertEqual(d.next_open(jst(2026, 6, 12, 17, 30)), jst(2026, 6, 13, 10, 0))
        self.assertEqual(d.next_open(jst(2026, 6, 13, 16, 0)), jst(2026, 6, 15, 9, 0))
        self.assertGreater(d.next_open(at + timedelta(hours=11)), at)
