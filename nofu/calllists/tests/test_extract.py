"""Extraction: each filter, the orders, and the amounts lists rank by."""

from __future__ import annotations

from datetime import date

from nofu.calllists.extract import OUTSIDE_CITY, Conditions, extract, preview
from nofu.calllists.models import ListOrder
from nofu.calllists.tests.helpers import batch, contact, jst, make_payer
from nofu.calls.models import ContactResult, Language, PaymentPromise, PromiseStatus
from nofu.payers.models import PhoneStatus
from nofu.test import BaseTestCase

AS_OF = date(2026, 6, 10)
NOW = jst(2026, 6, 10, 10)


def ids(c: Conditions) -> list[int]:
    return extract(c, as_of=AS_OF, now=NOW).rows["payer_id"].to_list()


class ExtractTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        b = batch()
        old, recent = date(2024, 1, 31), date(2026, 5, 31)
        cls.big = make_payer(
            "大口", owed=[("01", 2023, 300_000, old), ("10", 2024, 40_000, recent)], b=b
        )
        cls.mid = make_payer(
            "中口", owed=[("10", 2025, 90_000, recent)], address="千葉県千葉市緑区誉田町1-1", b=b
        )
        cls.small = make_payer(
            "少額",
            owed=[("15", 2025, 8_000, recent)],
            nationality="ベトナム",
            account_transfer=True,
            b=b,
        )
        cls.future = make_payer("未到来", owed=[("01", 2026, 70_000, date(2026, 7, 31))], b=b)
        cls.nophone = make_payer("番号なし", owed=[("01", 2024, 60_000, old)], phone=None, b=b)
        cls.badphone = make_payer(
            "不通", owed=[("01", 2024, 65_000, old)], phone_status=PhoneStatus.INVALID, b=b
        )
        cls.outside = make_payer(
            "市外", owed=[("02", 2024, 20_000, old)], address="東京都千代田区丸の内1-1", b=b
        )

    def test_default_is_overdue_with_a_valid_phone_by_total_owed(self) -> None:
        got = ids(Conditions())
        self.assertEqual(got, [self.big.pk, self.mid.pk, self.outside.pk, self.small.pk])
        ex = extract(Conditions(), as_of=AS_OF, now=NOW)
        self.assertEqual(ex.rows["owed"].to_list()[0], 340_000)
        self.assertEqual(ex.total_owed, 340_000 + 90_000 + 20_000 + 8_000)

    def test_subject_and_fiscal_year_narrow_the_installments_and_the_amount(self) -> None:
        ex = extract(Conditions(subjects=["10"]), as_of=AS_OF, now=NOW)
        self.assertEqual(ex.rows["payer_id"].to_list(), [self.mid.pk, self.big.pk])
        self.assertEqual(ex.rows["owed"].to_list(), [90_000, 40_000])  # NHI only
        self.assertEqual(ids(Conditions(fiscal_year_from=2025)), [self.mid.pk, self.small.pk])
        self.assertEqual(ids(Conditions(fiscal_year_to=2023)), [self.big.pk])

    def test_amounts_and_installment_counts(self) -> None:
        self.assertEqual(ids(Conditions(owed_min=50_000, owed_max=100_000)), [self.mid.pk])
        self.assertEqual(ids(Conditions(installments_min=2)), [self.big.pk])

    def test_not_yet_due_only_when_asked(self) -> None:
        self.assertNotIn(self.future.pk, ids(Conditions()))
        self.assertIn(self.future.pk, ids(Conditions(overdue_only=False)))

    def test_phone_filter(self) -> None:
        every = ids(Conditions(phone="any"))
        self.assertIn(self.nophone.pk, every)
        self.assertIn(self.badphone.pk, every)

    def test_ward_nationality_account_transfer(self) -> None:
        self.assertEqual(ids(Conditions(wards=["緑区"])), [self.mid.pk])
        self.assertEqual(ids(Conditions(wards=[OUTSIDE_CITY])), [self.outside.pk])
        self.assertEqual(ids(Conditions(nationality="foreign")), [self.small.pk])
        self.assertEqual(
            ids(Conditions(nationality="listed", nationalities=["ベトナム"])), [self.small.pk]
        )
        self.assertNotIn(self.small.pk, ids(Conditions(nationality="japan")))
        self.assertEqual(ids(Conditions(account_transfer="yes")), [self.small.pk])
        self.assertNotIn(self.small.pk, ids(Conditions(account_transfer="no")))

    def test_contacts_promises_languages_and_attempts(self) -> None:
        c = contact(self.mid, self.olivia, jst(2026, 6, 8), ContactResult.NO_ANSWER)
        contact(self.mid, self.olivia, jst(2026, 6, 9), ContactResult.NO_ANSWER)
        contact(
            self.small,
            self.olivia,
            jst(2026, 3, 1),
            ContactResult.REACHED_PAYER,
            language=Language.VIETNAMESE,
        )
        self.assertEqual(ids(Conditions(last_contact="never")), [self.big.pk, self.outside.pk])
        self.assertEqual(
            ids(Conditions(last_contact="not_within", last_contact_days=30)),
            [self.big.pk, self.outside.pk, self.small.pk],
        )
        self.assertEqual(
            ids(Conditions(last_contact="within", last_contact_days=30)), [self.mid.pk]
        )
        self.assertEqual(ids(Conditions(languages=["vi"])), [self.small.pk])
        self.assertEqual(ids(Conditions(attempts_min=2)), [self.mid.pk])
        self.assertNotIn(self.mid.pk, ids(Conditions(attempts_max=1)))
        PaymentPromise.objects.create(
            payer=self.big,
            contact=c,
            promised_on=date(2026, 5, 20),
            amount=10_000,
            status=PromiseStatus.BROKEN,
            settled_on=date(2026, 5, 30),
            created_by=self.olivia,
        )
        self.assertEqual(ids(Conditions(broken_promise="yes")), [self.big.pk])
        self.assertEqual(ids(Conditions(broken_promise="yes", broken_promise_days=5)), [])
        self.assertNotIn(self.big.pk, ids(Conditions(broken_promise="no")))

    def test_order_by_late_charge(self) -> None:
        ex = extract(Conditions(order=ListOrder.LATE_CHARGE), as_of=AS_OF, now=NOW)
        late = ex.rows["late_charge"].to_list()
        self.assertEqual(late, sorted(late, reverse=True))
        self.assertEqual(ex.rows["payer_id"].to_list()[0], self.big.pk)  # oldest, largest
        self.assertGreater(ex.total_late_charge, 0)
        with_late = extract(Conditions(order=ListOrder.OWED_WITH_LATE_CHARGE), as_of=AS_OF, now=NOW)
        sums = [
            a + b
            for a, b in zip(with_late.rows["owed"], with_late.rows["late_charge"], strict=True)
        ]
        self.assertEqual(sums, sorted(sums, reverse=True))

    def test_limit_and_preview(self) -> None:
        p = preview(Conditions(limit=2), as_of=AS_OF, now=NOW)
        self.assertEqual(p.count, 2)
        self.assertEqual(p.total_owed, 340_000 + 90_000)
        self.assertEqual([r["payer"].name for r in p.top], ["大口", "中口"])

    def test_conditions_survive_json_and_read_in_japanese(self) -> None:
        c = Conditions(subjects=["01", "10"], owed_min=50_000, wards=["緑区"], broken_promise="yes")
        self.assertEqual(Conditions.from_json(c.to_json()), c)
        text = "\n".join(c.describe())
        self.assertIn("科目：市県民税、国保料", text)
        self.assertIn("対象未納額：50,000円〜", text)
        self.assertIn("区：緑区", text)
        self.assertIn("並び順：未納額の多い順", text)
