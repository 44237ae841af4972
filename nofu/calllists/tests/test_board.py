"""The live board: its figures (from the records), the page, and the event stream."""

from __future__ import annotations

import json
from datetime import date, timedelta
from unittest import mock

from nofu.calllists import board, views
from nofu.calllists.models import AnnualTarget, ClosedDay
from nofu.calllists.tests.helpers import contact, frozen, jst, make_payer
from nofu.calls.models import Complaint, ComplaintStatus, ContactResult, PaymentPromise
from nofu.telephony.models import AgentState, AgentStatus, CallEvent, Direction, EventKind
from nofu.test import BaseTestCase

NOW = jst(2026, 6, 10, 11, 0)


class PaceTests(BaseTestCase):
    def test_yearly_target_becomes_a_daily_pace_and_a_forecast(self) -> None:
        p = make_payer()
        # 2026-04-01 .. 2026-06-09: 46 business days (Golden Week holidays excluded)
        for i in range(90):
            contact(
                p, self.olivia, jst(2026, 4, 1, 10) + timedelta(hours=i), ContactResult.NO_ANSWER
            )
        contact(p, self.olivia, jst(2026, 6, 10, 9, 30), ContactResult.NO_ANSWER)
        pace = board.pace(NOW)
        self.assertEqual(pace.fiscal_year, 2026)
        self.assertEqual(pace.target, 80_000)
        self.assertEqual((pace.done_before_today, pace.done), (90, 91))
        self.assertEqual(pace.days_elapsed, 46)
        self.assertEqual(pace.days_elapsed + pace.days_left, 241)  # business days of FY2026
        self.assertEqual(pace.needed_per_day, -(-(80_000 - 90) // pace.days_left))
        self.assertAlmostEqual(pace.pace_per_day, 90 / 46)
        self.assertEqual(pace.forecast, round(90 + 90 / 46 * 195))
        self.assertEqual(pace.shortfall, 80_000 - pace.forecast)

    def test_managers_target_and_city_closed_days_count(self) -> None:
        AnnualTarget.objects.create(fiscal_year=2026, outbound_calls=40_000)
        base = board.pace(NOW)
        ClosedDay.objects.create(date=date(2026, 7, 1), reason="保守")
        pace = board.pace(NOW)
        self.assertEqual(pace.target, 40_000)
        self.assertEqual(pace.days_left, base.days_left - 1)
        self.assertIsNone(board.pace(jst(2026, 4, 1, 9)).forecast)  # no history yet


class SnapshotTests(BaseTestCase):
    def test_operators_work_inbound_and_escalations(self) -> None:
        p = make_payer("通話 中子")
        AgentStatus.objects.create(
            user=self.olivia, state=AgentState.ON_CALL, since=NOW - timedelta(minutes=4), payer=p
        )
        AgentStatus.objects.create(
            user=self.sam, state=AgentState.BREAK, since=NOW - timedelta(minutes=10)
        )
        c = contact(p, self.olivia, NOW - timedelta(minutes=30), ContactResult.REACHED_PAYER)
        contact(p, self.olivia, NOW - timedelta(minutes=50), ContactResult.NO_ANSWER)
        contact(p, self.olivia, NOW - timedelta(days=1), ContactResult.NO_ANSWER)  # yesterday
        PaymentPromise.objects.create(
            payer=p, contact=c, promised_on=date(2026, 6, 20), amount=30_000, created_by=self.olivia
        )
        for cid, queued, done in (
            ("c1", 90, None),
            ("c2", 30, None),
            ("c3", 200, EventKind.ANSWERED),
        ):
            CallEvent.objects.create(
                call_id=cid,
                kind=EventKind.OFFERED,
                direction=Direction.INBOUND,
                at=NOW - timedelta(seconds=queued + 5),
            )
            CallEvent.objects.create(
                call_id=cid,
                kind=EventKind.QUEUED,
                direction=Direction.INBOUND,
                at=NOW - timedelta(seconds=queued),
            )
            if done:
                CallEvent.objects.create(
                    call_id=cid,
                    kind=done,
                    direction=Direction.INBOUND,
                    at=NOW - timedelta(seconds=queued - 20),
                )
        Complaint.objects.create(payer=p, content="対応が遅いとのお叱り", created_by=self.olivia)
        Complaint.objects.create(
            content="解決済み", status=ComplaintStatus.RESOLVED, created_by=self.olivia
        )

        with frozen(NOW):
            b = board.snapshot(NOW)
        ops = {o["name"]: o for o in b["operators"]}
        olivia = ops["大野 オリビア"]
        self.assertEqual((olivia["state_label"], olivia["minutes"]), ("通話中", 4))
        self.assertEqual(olivia["payer"]["name"], "通話 中子")
        self.assertEqual(olivia["calls_today"], 2)
        self.assertEqual(ops["佐藤 サム"]["state_label"], "休憩")
        self.assertEqual(b["state_counts"]["on_call"], 1)
        self.assertEqual(
            (b["work"]["calls"], b["work"]["reached"], b["work"]["promises"]), (2, 1, 1)
        )
        self.assertEqual(b["work"]["promised_amount"], 30_000)
        self.assertEqual(b["work"]["target"], b["pace"]["needed_per_day"])
        self.assertEqual((b["inbound"]["waiting"], b["inbound"]["longest_wait"]), (2, 90))
        self.assertEqual(b["inbound"]["longest_wait_text"], "1分30秒")
        self.assertEqual(b["escalations"]["open"], 1)
        self.assertEqual(b["escalations"]["items"][0]["content"], "対応が遅いとのお叱り")
        self.assertTrue(b["operating"])
        self.assertEqual(b["hours_today"], "09:00〜17:30")
        json.dumps(b, ensure_ascii=False, default=str)  # the stream can send it


class BoardPageTests(BaseTestCase):
    def test_supervisors_and_managers_only(self) -> None:
        for user, status in (
            (self.sam, 200),
            (self.mia, 200),
            (self.olivia, 403),
            (self.chika, 403),
        ):
            self.login(user)
            self.assertEqual(self.client.get("/lists/board").status_code, status, user)
            self.assertEqual(self.client.get("/lists/board/stream").status_code, status, user)

    def test_page_renders_the_figures_and_subscribes_to_the_stream(self) -> None:
        self.login(self.sam)
        with frozen(NOW):
            r = self.client.get("/lists/board")
        self.assertContains(r, "リアルタイムボード")
        self.assertContains(r, 'data-stream="/lists/board/stream"')
        self.assertContains(r, "board-initial")

    def test_stream_sends_the_board_as_server_sent_events(self) -> None:
        self.login(self.sam)
        AgentStatus.objects.create(user=self.olivia, state=AgentState.READY, since=NOW)
        with frozen(NOW), mock.patch.object(views, "STREAM_SECONDS", 0):
            r = self.client.get("/lists/board/stream")
            self.assertEqual(r["Content-Type"], "text/event-stream; charset=utf-8")
            body = b"".join(r.streaming_content).decode()
        self.assertTrue(body.startswith("retry: 2000\n\n"))
        event = body.split("event: board\ndata: ", 1)[1].split("\n\n", 1)[0]
        data = json.loads(event)
        self.assertEqual(data["operators"][0]["state_label"], "待機")
