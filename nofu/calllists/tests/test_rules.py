"""When a payer may be called (decide) and what an offer's outcome means (outcome)."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import SimpleTestCase

from nofu.calllists.models import MemberStatus
from nofu.calllists.planning import Days
from nofu.calllists.rules import Contact, Facts, Policy, decide, outcome
from nofu.calllists.tests.helpers import jst
from nofu.calls.models import ContactKind, ContactResult
from nofu.lib.business_calendar import SessionPlan

# June 2026: nights on Wed 10th and Thu 11th, a Saturday session on the 13th
DAYS = Days(
    SessionPlan.of(night=[date(2026, 6, 10), date(2026, 6, 11)], weekend=[date(2026, 6, 13)]),
    frozenset(),
)
NOW = jst(2026, 6, 10, 10, 0)  # Wednesday morning
OUT = ContactKind.OUTBOUND
NA = ContactResult.NO_ANSWER


def facts(*contacts: Contact, **kw) -> Facts:  # type: ignore[no-untyped-def]
    return Facts(
        payer_id=1,
        total_unpaid=10_000,
        contacts=sorted(contacts, key=lambda c: c.at, reverse=True),
        **kw,
    )


class DecideTests(SimpleTestCase):
    def test_a_fresh_payer_may_be_called(self) -> None:
        self.assertTrue(decide(facts(), NOW, DAYS).ok)

    def test_paid_in_full_leaves_the_list(self) -> None:
        d = decide(Facts(payer_id=1, total_unpaid=0), NOW, DAYS)
        self.assertEqual((d.ok, d.final, d.reason), (False, MemberStatus.DONE, "完納（未納なし）"))

    def test_hold_defers_to_the_day_after_it_ends_with_its_reason(self) -> None:
        d = decide(facts(hold_end=date(2026, 6, 12), hold_reason="入院中"), NOW, DAYS)
        self.assertTrue(d.deferred)
        self.assertEqual(d.reason, "架電停止（〜6/12：入院中）")
        self.assertEqual(d.retry_at, jst(2026, 6, 13, 10, 0))  # the Saturday session

    def test_open_promise_defers_past_its_date_and_grace(self) -> None:
        d = decide(
            facts(promise_on=date(2026, 6, 15)), NOW, DAYS, policy=Policy(promise_grace_days=7)
        )
        self.assertTrue(d.deferred)
        self.assertEqual(d.reason, "納付約束中（6/15納付予定）")
        self.assertEqual(d.retry_at, jst(2026, 6, 23, 9, 0))  # 15 + 7 days grace, next morning

    def test_a_recent_payment_is_not_chased(self) -> None:
        d = decide(facts(paid_on=date(2026, 6, 5)), NOW, DAYS)
        self.assertTrue(d.deferred)
        self.assertIn("納付あり（6/5）", d.reason)
        self.assertTrue(decide(facts(paid_on=date(2026, 5, 1)), NOW, DAYS).ok)

    def test_no_valid_phone_leaves_the_list(self) -> None:
        d = decide(facts(valid_phone=False), NOW, DAYS)
        self.assertEqual((d.final, d.reason), (MemberStatus.SKIPPED, "有効な電話番号なし"))

    def test_a_scheduled_callback_wins_over_the_list(self) -> None:
        d = decide(facts(callback_at=jst(2026, 6, 10, 15, 0)), NOW, DAYS)
        self.assertTrue(d.deferred)
        self.assertIn("折り返し予約あり（6/10 15:00）", d.reason)

    def test_reached_since_the_list_was_made_is_done(self) -> None:
        talk = Contact(jst(2026, 6, 9, 11), ContactKind.INBOUND, ContactResult.HANDLED)
        d = decide(facts(talk), NOW, DAYS, listed_since=jst(2026, 6, 8))
        self.assertEqual(d.final, MemberStatus.DONE)
        self.assertIn("本人と接触済（6/9 11:00 受電）", d.reason)
        self.assertTrue(decide(facts(talk), NOW, DAYS, listed_since=jst(2026, 6, 9, 12)).ok)

    def test_daily_cap(self) -> None:
        c1 = Contact(jst(2026, 6, 10, 9, 0), OUT, ContactResult.REACHED_OTHER)
        c2 = Contact(jst(2026, 6, 10, 9, 5), OUT, ContactResult.BUSY)
        # two calls today: the cap (2) is reached whatever their result
        d = decide(facts(c1, c2), NOW, DAYS)
        self.assertTrue(d.deferred)
        self.assertEqual(d.reason, "本日の架電上限（2回）")
        self.assertEqual(d.retry_at, jst(2026, 6, 11, 9, 0))

    def test_weekly_cap(self) -> None:
        week = [Contact(jst(2026, 6, d, 9), OUT, NA) for d in (4, 5, 8, 9)]
        d = decide(facts(*week), jst(2026, 6, 10, 18, 0), DAYS)
        self.assertTrue(d.deferred)
        self.assertEqual(d.reason, "週の架電上限（直近7日で4回）")
        self.assertEqual(d.retry_at, jst(2026, 6, 11, 9, 0))  # the 4th-newest (6/4 9:00) + 7 days

    def test_no_answer_needs_spacing_and_a_different_time_of_day(self) -> None:
        last = Contact(jst(2026, 6, 10, 9, 0), OUT, NA)
        d = decide(facts(last), jst(2026, 6, 10, 11, 0), DAYS)  # 2 h later: too soon
        self.assertTrue(d.deferred)
        self.assertIn("前回不在（6/10 09:00）", d.reason)
        self.assertEqual(d.retry_at, jst(2026, 6, 10, 12, 0))  # 3 h spacing, and afternoon
        self.assertTrue(decide(facts(last), jst(2026, 6, 10, 13, 0), DAYS).ok)
        # the next morning is a different day but the same time of day: wait for the afternoon
        d = decide(facts(last), jst(2026, 6, 11, 9, 30), DAYS)
        self.assertTrue(d.deferred)
        self.assertIn("別の時間帯", d.reason)
        self.assertEqual(d.retry_at, jst(2026, 6, 11, 12, 0))

    def test_two_daytime_no_answers_wait_for_the_night_or_weekend_session(self) -> None:
        a = Contact(jst(2026, 6, 9, 10, 0), OUT, NA)
        b = Contact(jst(2026, 6, 9, 14, 0), OUT, ContactResult.VOICEMAIL)
        d = decide(facts(a, b), jst(2026, 6, 10, 10, 0), DAYS)
        self.assertTrue(d.deferred)
        self.assertEqual(d.retry_at, jst(2026, 6, 10, 17, 30))  # the planned night
        self.assertIn("夜間・土日", d.reason)
        self.assertTrue(decide(facts(a, b), jst(2026, 6, 10, 18, 0), DAYS).ok)

    def test_busy_line_may_be_retried_soon_in_the_same_time_of_day(self) -> None:
        busy = Contact(jst(2026, 6, 10, 9, 30), OUT, ContactResult.BUSY)
        self.assertTrue(decide(facts(busy), jst(2026, 6, 10, 9, 50), DAYS).ok)
        self.assertTrue(decide(facts(busy), jst(2026, 6, 10, 9, 40), DAYS).deferred)

    def test_message_left_waits_two_days(self) -> None:
        msg = Contact(jst(2026, 6, 9, 10, 0), OUT, ContactResult.REACHED_OTHER)
        d = decide(facts(msg), NOW, DAYS)
        self.assertTrue(d.deferred)
        self.assertEqual(d.retry_at, jst(2026, 6, 11, 10, 0))


class OutcomeTests(SimpleTestCase):
    def o(self, *contacts: Contact, promised: bool = False, attempts: int = 0, valid: bool = True):  # type: ignore[no-untyped-def]
        return outcome(
            contacts=list(contacts),
            promised=promised,
            attempts=attempts,
            valid_phone=valid,
            now=NOW,
            days=DAYS,
        )

    def test_promise_or_conversation_is_done(self) -> None:
        self.assertEqual(
            self.o(Contact(NOW, OUT, ContactResult.REACHED_PAYER), promised=True).status,
            MemberStatus.DONE,
        )
        r = self.o(Contact(NOW, OUT, ContactResult.REACHED_PAYER))
        self.assertEqual((r.status, r.attempts), (MemberStatus.DONE, 1))
        self.assertEqual(
            self.o(Contact(NOW, OUT, ContactResult.REFUSED)).note, "拒否（6/10 10:00）"
        )

    def test_released_without_a_call_comes_back_later(self) -> None:
        r = self.o()
        self.assertEqual(r.status, MemberStatus.PENDING)
        self.assertEqual(r.next_at, NOW + timedelta(minutes=30))
        self.assertEqual(r.attempts, 0)

    def test_no_answer_retries_in_another_time_of_day(self) -> None:
        r = self.o(Contact(NOW, OUT, NA))
        self.assertEqual(r.status, MemberStatus.PENDING)
        self.assertEqual(r.next_at, jst(2026, 6, 10, 13, 0))  # 3 h later, in the afternoon
        self.assertEqual(r.attempts, 1)

    def test_too_many_unanswered_calls_end_the_member(self) -> None:
        r = self.o(Contact(NOW, OUT, NA), attempts=5)
        self.assertEqual(r.status, MemberStatus.SKIPPED)
        self.assertIn("不在6回で終了", r.note)

    def test_dead_number_without_another_leaves_the_list(self) -> None:
        r = self.o(Contact(NOW, OUT, ContactResult.INVALID_NUMBER), valid=False)
        self.assertEqual((r.status, r.note), (MemberStatus.SKIPPED, "有効な電話番号なし"))
