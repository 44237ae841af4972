from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nofu.lib.business_calendar import (
    OPERATING_HOURS,
    SessionKind,
    SessionPlan,
    Work,
    add_business_days,
    business_days_between,
    closed_reason,
    is_business_day,
    is_operating,
    next_business_day,
    nth_business_day_of_month,
    operating_windows,
    previous_business_day,
    shift_due_date,
)

dates = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))


class TestClosedDays:
    def test_weekends_are_closed(self) -> None:
        assert closed_reason(date(2026, 3, 7)) == "土曜日"
        assert closed_reason(date(2026, 3, 8)) == "日曜日"
        assert is_business_day(date(2026, 3, 9))

    def test_national_holiday_and_substitute_holiday(self) -> None:
        assert closed_reason(date(2026, 1, 12)) == "成人の日"
        # 2026-05-03 (Sun) 憲法記念日 → 05-06 is the substitute holiday.
        assert not is_business_day(date(2026, 5, 4))
        assert not is_business_day(date(2026, 5, 5))
        assert "振替休日" in (closed_reason(date(2026, 5, 6)) or "")
        assert is_business_day(date(2026, 5, 7))

    def test_year_end_closure(self) -> None:
        for d in [date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 2)]:
            assert not is_business_day(d), d
        assert closed_reason(date(2025, 12, 29)) == "年末年始"
        assert is_business_day(date(2025, 12, 26))  # Friday
        assert is_business_day(date(2026, 1, 5))  # Monday

    def test_extra_closed_days(self) -> None:
        extra = {date(2026, 3, 10)}
        assert closed_reason(date(2026, 3, 10), extra) == "市の休業日"
        assert next_business_day(date(2026, 3, 9), extra) == date(2026, 3, 11)


class TestDueDates:
    def test_holiday_moves_due_date(self) -> None:
        assert shift_due_date(date(2026, 5, 3)) == date(2026, 5, 7)

    def test_weekend_and_year_end(self) -> None:
        assert shift_due_date(date(2026, 2, 28)) == date(2026, 3, 2)  # Saturday
        assert shift_due_date(date(2025, 12, 31)) == date(2026, 1, 5)

    def test_business_day_unchanged(self) -> None:
        assert shift_due_date(date(2021, 5, 31)) == date(2021, 5, 31)

    @given(dates)
    def test_shift_is_idempotent_and_lands_on_a_business_day(self, d: date) -> None:
        s = shift_due_date(d)
        assert s >= d and is_business_day(s) and shift_due_date(s) == s
        assert all(not is_business_day(d + timedelta(i)) for i in range((s - d).days))


class TestCounting:
    def test_next_and_previous(self) -> None:
        assert next_business_day(date(2026, 3, 6)) == date(2026, 3, 9)
        assert previous_business_day(date(2026, 3, 9)) == date(2026, 3, 6)

    def test_add_business_days(self) -> None:
        assert add_business_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
        assert add_business_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from Saturday
        assert add_business_days(date(2026, 3, 9), -1) == date(2026, 3, 6)
        assert add_business_days(date(2026, 3, 7), 0) == date(2026, 3, 7)
        assert add_business_days(date(2026, 4, 30), 3) == date(2026, 5, 8)

    def test_between(self) -> None:
        assert business_days_between(date(2026, 3, 6), date(2026, 3, 13)) == 5
        assert business_days_between(date(2026, 3, 13), date(2026, 3, 6)) == -5
        assert business_days_between(date(2026, 3, 6), date(2026, 3, 6)) == 0

    @given(dates, st.integers(min_value=-40, max_value=40))
    def test_between_inverts_add(self, d: date, n: int) -> None:
        assert business_days_between(d, add_business_days(d, n)) == n

    def test_monthly_report_deadline(self) -> None:
        # 2026-05: 1 (Fri), then 7, 8, 11, 12 after Golden Week.
        assert nth_business_day_of_month(2026, 5, 1) == date(2026, 5, 1)
        assert nth_business_day_of_month(2026, 5, 5) == date(2026, 5, 12)
        # 2026-01: 1–3 closed, 5 (Mon) is first; 12 is 成人の日.
        assert nth_business_day_of_month(2026, 1, 5) == date(2026, 1, 9)
        assert nth_business_day_of_month(2026, 1, 6) == date(2026, 1, 13)

    def test_nth_business_day_bounds(self) -> None:
        with pytest.raises(ValueError):
            nth_business_day_of_month(2026, 5, 0)
        with pytest.raises(ValueError, match="稼働日がありません"):
            nth_business_day_of_month(2026, 5, 25)


class TestOperatingHours:
    plan = SessionPlan.of(night=[date(2026, 3, 10)], weekend=[date(2026, 3, 14)])

    def test_hours_are_data(self) -> None:
        kinds = [w.kind for w in OPERATING_HOURS[Work.OUTBOUND]]
        assert kinds == [SessionKind.REGULAR, SessionKind.NIGHT, SessionKind.WEEKEND]

    def test_outbound_weekday(self) -> None:
        assert not is_operating(datetime(2026, 3, 9, 8, 59), Work.OUTBOUND)
        assert is_operating(datetime(2026, 3, 9, 9, 0), Work.OUTBOUND)
        assert is_operating(datetime(2026, 3, 9, 17, 29), Work.OUTBOUND)
        assert not is_operating(datetime(2026, 3, 9, 17, 30), Work.OUTBOUND)

    def test_inbound_starts_earlier(self) -> None:
        assert is_operating(datetime(2026, 3, 9, 8, 30), Work.INBOUND)
        assert not is_operating(datetime(2026, 3, 9, 8, 30), Work.OUTBOUND)

    def test_night_session_only_when_planned(self) -> None:
        at = datetime(2026, 3, 10, 19, 0)
        assert is_operating(at, Work.OUTBOUND, self.plan)
        assert not is_operating(at, Work.OUTBOUND)
        assert not is_operating(datetime(2026, 3, 10, 20, 0), Work.OUTBOUND, self.plan)
        assert not is_operating(at, Work.INBOUND, self.plan)  # no night inbound hours

    def test_weekend_session_only_when_planned(self) -> None:
        sat = datetime(2026, 3, 14, 11, 0)
        assert is_operating(sat, Work.OUTBOUND, self.plan)
        assert is_operating(sat, Work.INBOUND, self.plan)
        assert not is_operating(datetime(2026, 3, 14, 9, 30), Work.OUTBOUND, self.plan)
        assert not is_operating(datetime(2026, 3, 15, 11, 0), Work.OUTBOUND, self.plan)

    def test_holiday_has_no_hours(self) -> None:
        assert operating_windows(date(2026, 5, 6), Work.OUTBOUND, self.plan) == []
        plan = SessionPlan.of(night=[date(2026, 5, 6)])
        assert not is_operating(datetime(2026, 5, 6, 18, 0), Work.OUTBOUND, plan)

    def test_aware_datetime_is_read_in_tokyo(self) -> None:
        utc = datetime(2026, 3, 9, 0, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 JST
        assert is_operating(utc, Work.OUTBOUND)
