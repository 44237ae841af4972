"""Offers answered together (PostgreSQL): concurrent requests of one process share one
transaction (`queue._Batch`), and every rule of the queue still holds.

The queue's own tests run again with every offer going through a batch; a batch of many
requests is tested directly (distinct payers, rules applied, held offers settled) and with
real threads asking at once.
"""

from __future__ import annotations

import threading
import time
import unittest
from collections import Counter
from datetime import date, timedelta
from typing import Any
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from nofu.accounts.models import Role
from nofu.calllists import queue
from nofu.calllists.extract import Conditions
from nofu.calllists.models import Lease, ListMember, MemberStatus, PayerWait
from nofu.calllists.tests import test_queue
from nofu.calllists.tests.helpers import contact, frozen, jst, make_payer
from nofu.calllists.tests.test_concurrency import _pull_together, _setup
from nofu.calls.models import ContactResult
from nofu.telephony.models import AgentStatus
from nofu.test import make_user

PG = connection.vendor == "postgresql"
WED = test_queue.WED


def _through_batch(self: Any, operator: Any, at: Any = WED) -> queue.Offer | None:
    with frozen(at):
        return queue._batch.offer(operator)


class _Strict:
    """Every request through a batch (even alone), and a batch that fails fails the test
    (the app would run each request on its own)."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        for p in (
            mock.patch.object(queue.log, "exception", side_effect=AssertionError("batch failed")),
            mock.patch.object(queue, "BATCH_MIN", 1),  # a batch of one too
        ):
            p.start()
            self.addCleanup(p.stop)  # type: ignore[attr-defined]


def _asks(operators: list[Any]) -> list[queue._Ask]:
    return [queue._Ask(op, threading.Event()) for op in operators]


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedOfferTests(_Strict, test_queue.OfferTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedOutcomeTests(_Strict, test_queue.OutcomeTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedSkipTests(_Strict, test_queue.SkipTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedSettingsTests(_Strict, test_queue.ManagerSettingsTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedCallbackTests(_Strict, test_queue.CallbackTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class BatchedHoursTests(_Strict, test_queue.HoursTests):
    next = _through_batch


@unittest.skipUnless(PG, "batches are PostgreSQL's")
class ManyAtOnceTests(test_queue.QueueTestCase):
    """One batch answering several operators."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ops = [make_user(f"b{i}", Role.OPERATOR) for i in range(4)]
        cls.more = [
            make_payer(f"第{i}位", owed=[("01", 2024, 90_000 - i * 1000, date(2025, 1, 31))])
            for i in range(6, 12)
        ]

    def test_distinct_payers_in_rank_order_and_the_rules_applied(self) -> None:
        v = self.publish()
        p0, p1, p2, p3, p4 = self.payers
        self.give_reasons_to_skip()
        asks = _asks(self.ops)
        with frozen(WED):
            queue._offer_many(asks)
        self.assertEqual([a.alone for a in asks], [False] * 4)
        got = [a.offer.payer for a in asks]  # type: ignore[union-attr]
        self.assertEqual(got, [p4, *self.more[:3]])
        self.assertEqual(asks[0].offer.reason, "高額順 5番目・対象未納額 95,000円")  # type: ignore[union-attr]
        self.assertEqual(asks[0].offer.list_name, "高額順（第1版）")  # type: ignore[union-attr]
        leases = dict(Lease.objects.values_list("operator_id", "payer_id"))
        self.assertEqual(leases, {op.pk: p.pk for op, p in zip(self.ops, got, strict=True)})
        shown = dict(AgentStatus.objects.values_list("user_id", "payer_id"))
        self.assertEqual({op.pk: shown[op.pk] for op in self.ops}, leases)
        notes = {m.payer_id: (m.status, m.note) for m in ListMember.objects.filter(version=v)}
        self.assertEqual(notes[p0.pk], (MemberStatus.DONE, "完納（未納なし）"))
        self.assertEqual(notes[p1.pk], (MemberStatus.PENDING, "納付約束中（6/15納付予定）"))
        self.assertEqual(notes[p2.pk][1], "架電停止（〜6/30：入院のため本人申出）")
        self.assertEqual(notes[p3.pk][1], "納付あり（6/8）")

    def test_the_held_offers_are_settled_as_one_at_a_time(self) -> None:
        self.publish()
        asks = _asks(self.ops)
        with frozen(WED):
            queue._offer_many(asks)
        first = [a.offer.payer for a in asks]  # type: ignore[union-attr]
        contact(first[0], self.ops[0], WED + timedelta(minutes=1), ContactResult.NO_ANSWER)
        asks = _asks(self.ops)
        with frozen(WED + timedelta(minutes=2)):
            queue._offer_many(asks)
        second = [a.offer.payer for a in asks if a.offer]  # type: ignore[union-attr]
        self.assertEqual(len(second), 4)
        self.assertFalse(set(first) & set(second))
        m = self.member(first[0])
        self.assertEqual((m.status, m.attempts), (MemberStatus.PENDING, 1))
        self.assertEqual(m.next_at, jst(2026, 6, 10, 13, 1))  # another time of day
        self.assertEqual(self.member(first[1]).note, "見送り（6/10 10:02）")
        self.assertTrue(PayerWait.objects.filter(payer=first[1]).exists())
        self.assertEqual(Lease.objects.count(), 4)

    def test_what_a_batch_cannot_answer_is_left_to_the_request(self) -> None:
        self.publish(Conditions(limit=2))
        asks = _asks(self.ops)
        with frozen(WED):
            queue._offer_many(asks)
        self.assertEqual([a.alone for a in asks], [False, False, True, True])
        self.assertEqual(Lease.objects.count(), 2)
        with frozen(WED):  # on its own: nothing left now
            self.assertIsNone(queue._next_payer_one(asks[2].operator))

    def test_the_same_operator_twice_asks_after_the_first(self) -> None:
        self.publish()
        same = _asks([self.ops[0], self.ops[0], self.ops[1]])
        with frozen(WED):
            queue._offer_many(same)
        self.assertEqual([a.alone for a in same], [False, True, False])
        self.assertEqual(Lease.objects.count(), 2)


@unittest.skipUnless(PG, "real concurrent sessions: PostgreSQL only")
class ThreadsAskingAtOnceTests(_Strict, TransactionTestCase):
    def test_requests_asking_at_once_are_answered_together_and_never_share(self) -> None:
        operators = _setup(12, 60)
        sizes: list[int] = []
        real = queue._offer_many

        def slow_first(asks: list[queue._Ask]) -> None:
            sizes.append(len(asks))
            if len(sizes) == 1:
                time.sleep(0.2)  # the others arrive meanwhile: the next batch has them all
            real(asks)

        for rnd in range(3):
            sizes.clear()
            with mock.patch.object(queue, "_offer_many", slow_first):
                got = _pull_together(operators, WED + timedelta(minutes=rnd))
            offered = [p for p in got.values() if p is not None]
            self.assertEqual([p for p, n in Counter(offered).items() if n > 1], [])
            self.assertEqual(len(offered), len(operators))
            self.assertGreater(max(sizes), 1, "requests were answered together")
            leases = dict(Lease.objects.values_list("operator_id", "payer_id"))
            self.assertEqual(leases, got)
