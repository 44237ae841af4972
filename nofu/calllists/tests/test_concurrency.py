"""A payer is offered to exactly one operator at a time.

On PostgreSQL with real concurrent sessions: threads, each with its own database
connection, call `next_payer` at the same moment (a barrier), several rounds, with the
same payers in two published lists so the unique lease is what stops a double offer.
On SQLite the same guarantee is tested by interleaving operators in one thread
(test_queue.OfferTests.test_sequential_interleaving_hands_out_each_payer_once, and below),
since SQLite's write lock serializes every offer anyway.
"""

from __future__ import annotations

import threading
import unittest
from collections import Counter
from datetime import date, timedelta

from django.db import connection, connections
from django.test import TransactionTestCase

from nofu.accounts.models import Role
from nofu.calllists import actions, queue
from nofu.calllists.extract import Conditions
from nofu.calllists.models import Audience, Lease
from nofu.calllists.tests.helpers import batch, frozen, jst, make_payer
from nofu.test import make_user

WED = jst(2026, 6, 10, 10, 0)
OPERATORS = 24
PAYERS = 80


def _setup(n_ops: int = OPERATORS, n_payers: int = PAYERS) -> list:  # type: ignore[type-arg]
    """n_payers payers in two shared lists (the same payers in both), n_ops operators."""
    b = batch()
    for i in range(n_payers):
        make_payer(f"並行{i}", owed=[("01", 2024, 500_000 - i * 100, date(2025, 1, 31))], b=b)
    mia = make_user("mia", Role.MANAGER)
    with frozen(WED):
        for name in ("全員A", "全員B"):  # the same payers in two lists
            v = actions.list_version_create(actor=mia, conditions=Conditions(), name=name)
            actions.list_version_publish(actor=mia, version=v, audience=Audience.SHARED)
    return [make_user(f"op{i:02d}", Role.OPERATOR) for i in range(n_ops)]


def _pull_together(operators: list, at) -> dict[int, int | None]:  # type: ignore[no-untyped-def, type-arg]
    """Every operator calls next_payer at once, each on its own connection."""
    barrier = threading.Barrier(len(operators))
    got: dict[int, int | None] = {}
    errors: list[BaseException] = []

    def work(op) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            offer = queue.next_payer(operator=op)
            got[op.pk] = offer.payer.pk if offer else None
        except BaseException as e:  # noqa: BLE001 — reported by the main thread
            errors.append(e)
        finally:
            connections.close_all()

    with frozen(at):
        threads = [threading.Thread(target=work, args=(op,)) for op in operators]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    return got


@unittest.skipUnless(connection.vendor == "postgresql", "real concurrent sessions: PostgreSQL only")
class ConcurrentOffersPostgresTests(TransactionTestCase):
    def test_concurrent_operators_never_share_a_payer(self) -> None:
        operators = _setup()
        seen_rounds = []
        for rnd in range(3):
            got = _pull_together(operators, WED + timedelta(minutes=rnd))
            offered = [p for p in got.values() if p is not None]
            dupes = [p for p, n in Counter(offered).items() if n > 1]
            self.assertEqual(dupes, [], f"round {rnd}: a payer was offered twice")
            self.assertEqual(len(offered), OPERATORS, f"round {rnd}: everyone got a payer")
            leases = dict(Lease.objects.values_list("operator_id", "payer_id"))
            self.assertEqual(leases, {op: p for op, p in got.items() if p is not None})
            seen_rounds.append(set(offered))
        # each next call released the previous payer (cool-down), so rounds do not repeat
        self.assertFalse(seen_rounds[0] & seen_rounds[1])
        self.assertFalse(seen_rounds[1] & seen_rounds[2])


class InterleavedOffersTests(TransactionTestCase):
    """The same scenario, one operator after the other (any database)."""

    def test_interleaved_operators_never_share_a_payer(self) -> None:
        operators = _setup()
        for rnd in range(3):
            offered = []
            with frozen(WED + timedelta(minutes=rnd)):
                for op in operators:
                    offer = queue.next_payer(operator=op)
                    offered.append(offer.payer.pk)
            self.assertEqual(len(set(offered)), OPERATORS)
            self.assertEqual(Lease.objects.count(), OPERATORS)
