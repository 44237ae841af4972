"""Caller lookup and return-call (返電) recognition."""

from __future__ import annotations

from datetime import timedelta

from nofu.calls.models import ContactEvent, ContactKind, ContactResult
from nofu.payers.models import PhoneStatus
from nofu.telephony.lookup import lookup_caller, recent_dial
from nofu.telephony.models import CallEvent, Direction, EventKind
from nofu.telephony.tests.helpers import OPEN, payer_with_phone
from nofu.test import BaseTestCase


class LookupCallerTests(BaseTestCase):
    def test_any_way_of_writing_the_number_finds_the_payer(self) -> None:
        hanako = payer_with_phone("千葉 花子", "0432455000")
        for written in (
            "043-245-5000",
            "０４３（２４５）５０００",
            "+81 43 245 5000",
            "TEL:0432455000",
        ):
            self.assertEqual(lookup_caller(written), [hanako], written)

    def test_shared_number_gives_every_payer_confirmed_first(self) -> None:
        first = payer_with_phone("稲毛 一郎", "09012345678")
        second = payer_with_phone("稲毛 二郎", "09012345678", status=PhoneStatus.CONFIRMED)
        self.assertEqual(lookup_caller("090-1234-5678"), [second, first])

    def test_number_marked_wrong_for_a_payer_does_not_point_to_them(self) -> None:
        payer_with_phone("誤番 太郎", "09011112222", status=PhoneStatus.INVALID)
        self.assertEqual(lookup_caller("09011112222"), [])

    def test_unknown_withheld_and_garbage_numbers_find_nobody(self) -> None:
        payer_with_phone("千葉 花子", "0432455000")
        for number in ("09099998888", "", None, "非通知", "abc"):
            self.assertEqual(lookup_caller(number), [], number)


class ReturnCallTests(BaseTestCase):
    def dialed(self, number: str, when, payer=None) -> None:  # type: ignore[no-untyped-def]
        CallEvent.objects.create(
            call_id=f"out-{when:%H%M%S%f}",
            kind=EventKind.DIALED,
            direction=Direction.OUTBOUND,
            at=when,
            callee=number,
            agent=self.olivia,
            payer=payer,
        )

    def test_a_number_we_dialled_last_week_is_a_return_call(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        self.dialed("0432455000", OPEN - timedelta(days=6), payer)
        back = recent_dial("043-245-5000", at=OPEN)
        assert back is not None
        self.assertEqual(back.operator, self.olivia)
        self.assertEqual(back.payer_id, payer.pk)
        self.assertEqual(back.via, "dialed")

    def test_outside_fourteen_days_it_is_not(self) -> None:
        self.dialed("0432455000", OPEN - timedelta(days=14, seconds=1))
        self.assertIsNone(recent_dial("0432455000", at=OPEN))
        self.dialed("0432455000", OPEN - timedelta(days=13, hours=23))
        self.assertIsNotNone(recent_dial("0432455000", at=OPEN))

    def test_an_inbound_call_from_the_number_is_not_dialling_it(self) -> None:
        CallEvent.objects.create(
            call_id="in-1",
            kind=EventKind.OFFERED,
            direction=Direction.INBOUND,
            at=OPEN - timedelta(days=1),
            caller="0432455000",
        )
        self.assertIsNone(recent_dial("0432455000", at=OPEN))

    def test_an_outbound_contact_record_counts_and_the_latest_wins(self) -> None:
        payer = payer_with_phone("千葉 花子", "0432455000")
        self.dialed("0432455000", OPEN - timedelta(days=5))
        ContactEvent.objects.create(
            payer=payer,
            kind=ContactKind.OUTBOUND,
            result=ContactResult.NO_ANSWER,
            at=OPEN - timedelta(days=2),
            operator=self.sam,
            phone_number="0432455000",
            note="不在",
        )
        back = recent_dial("0432455000", at=OPEN)
        assert back is not None
        self.assertEqual((back.via, back.operator), ("contact", self.sam))

    def test_an_inbound_contact_record_does_not_count(self) -> None:
        ContactEvent.objects.create(
            kind=ContactKind.INBOUND,
            result=ContactResult.HANDLED,
            at=OPEN - timedelta(days=2),
            operator=self.sam,
            phone_number="0432455000",
            note="問合せ",
        )
        self.assertIsNone(recent_dial("0432455000", at=OPEN))


class ReturnCallSettingTests(BaseTestCase):
    def test_the_managers_setting_decides_how_far_back(self) -> None:
        from nofu.calls.models import CallSettings

        CallSettings.objects.create(pk=1, return_call_days=3)
        CallEvent.objects.create(
            call_id="out-1",
            kind=EventKind.DIALED,
            direction=Direction.OUTBOUND,
            at=OPEN - timedelta(days=4),
            callee="0432455000",
        )
        self.assertIsNone(recent_dial("0432455000", at=OPEN))
        self.assertIsNotNone(recent_dial("0432455000", at=OPEN, days=14))
