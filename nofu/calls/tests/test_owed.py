"""/calls/owed: the operator's late-charge calculator for the day the payer will pay."""

from __future__ import annotations

import re
from datetime import timedelta

from nofu.audit.models import AuditEvent
from nofu.calls import owed as owed_module
from nofu.calls.owed import payer_owed
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.helpers import make_payer, today
from nofu.charges.models import YearRate
from nofu.charges.services import LoadedRules
from nofu.lib.business_calendar import closed_reason, is_business_day
from nofu.lib.entaikin import compute


def cell(html: str, ident: str) -> int:
    m = re.search(rf'id="{ident}">([\d,]+)円', html)
    assert m, f"no #{ident} in the panel"
    return int(m.group(1).replace(",", ""))


def expected_charge(payer, until) -> int:  # type: ignore[no-untyped-def]
    """The calculator library called directly, as the CLI does."""
    loaded = LoadedRules.load()
    total = 0
    for inst in payer.installments.all():
        r = compute(
            int(inst.unpaid_at_handover),
            inst.due_date,
            max(until, inst.due_date),
            rules=loaded.rule_for(inst.subject_code),
            rates=loaded.rates,
        )
        total += r.charge_remaining
    return total


def rates_through_next_year() -> None:
    """A chosen day may fall in next year: its rate as a manager would enter it."""
    latest = YearRate.objects.order_by("-year").first()
    assert latest is not None
    for year in range(latest.year + 1, today().year + 2):
        YearRate.objects.create(
            year=year,
            special_base=latest.special_base,
            first_rate=latest.first_rate,
            later_rate=latest.later_rate,
        )


class OwedOnTests(WorkspaceCase):
    def setUp(self) -> None:
        super().setUp()
        owed_module._rules = None  # rules are cached a minute per process
        self.addCleanup(setattr, owed_module, "_rules", None)
        rates_through_next_year()
        self.login(self.olivia)

    def get(self, on: str) -> str:
        r = self.client.get("/calls/owed", {"payer": self.payer.pk, "on": on})
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def test_a_later_payment_day_shows_that_days_charge_per_installment_and_total(self) -> None:
        on = today() + timedelta(days=45)
        html = self.get(on.isoformat())
        self.assertIn(f"{on.month}/{on.day}に納付した場合", html)
        late_on = cell(html, "owed-late-on")
        self.assertEqual(late_on, expected_charge(self.payer, on))
        self.assertGreater(late_on, expected_charge(self.payer, today()))
        self.assertEqual(cell(html, "owed-total-on"), 50_000 + late_on)
        self.assertEqual(cell(html, "owed-total"), 50_000 + expected_charge(self.payer, today()))
        self.assertTrue(
            AuditEvent.objects.filter(action="payer.view", summary__contains="納付で試算").exists()
        )

    def test_the_panel_agrees_with_the_workspace_for_today(self) -> None:
        self.take()
        page = self.client.get("/calls/").content.decode()
        self.assertIn('id="owed-on-form"', page)
        panel = self.get(today().isoformat())
        self.assertEqual(cell(page, "owed-total"), cell(panel, "owed-total-on"))

    def test_a_day_in_the_past_or_not_a_date_is_refused_with_a_message(self) -> None:
        html = self.get((today() - timedelta(days=1)).isoformat())
        self.assertIn("本日以降の日付を指定してください", html)
        self.assertNotIn('id="owed-late-on"', html)
        html = self.get("12/10")
        self.assertIn("日付として読めません", html)
        html = self.get((today() + timedelta(days=4 * 366)).isoformat())
        self.assertIn("3年以内", html)

    def test_a_closed_day_is_flagged(self) -> None:
        day = today() + timedelta(days=1)
        while is_business_day(day):
            day += timedelta(days=1)
        html = self.get(day.isoformat())
        self.assertIn(f"{closed_reason(day)}のため金融機関窓口は休み", html)

    def test_a_year_without_a_rate_shows_not_computable_instead_of_failing(self) -> None:
        next_year = today().year + 1
        YearRate.objects.filter(year__gte=next_year).delete()
        on = today().replace(year=next_year, month=1, day=15)
        html = self.get(on.isoformat())
        self.assertIn("計算不可", html)
        self.assertIn("延滞金を計算できない期があります", html)
        self.assertIn(str(next_year), html.split('id="owed-errors"')[1])
        # today's column is still there
        self.assertEqual(cell(html, "owed-total"), 50_000 + expected_charge(self.payer, today()))

    def test_the_workspace_shows_not_computable_when_this_years_rate_is_missing(self) -> None:
        YearRate.objects.filter(year=today().year).delete()
        self.take()
        r = self.client.get("/calls/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "計算不可")
        self.assertContains(r, "延滞金を計算できない期があります")

    def test_unknown_payer_is_404(self) -> None:
        self.assertEqual(self.client.get("/calls/owed", {"payer": "999999"}).status_code, 404)
        self.assertEqual(self.client.get("/calls/owed", {"payer": "x"}).status_code, 404)

    def test_another_payer_of_the_center_can_be_computed(self) -> None:
        other = make_payer("佐藤 花子", installments=(("01", 2024, "1", 80000),))
        r = self.client.get("/calls/owed", {"payer": other.pk, "on": today().isoformat()})
        self.assertContains(r, "80,000円")


class ThreeWaysAgreeTests(WorkspaceCase):
    """The operator's panel, the bulk computation the call lists order by and the CLI give
    the same charge for the same installment and day (issue 6's "done when")."""

    def test_panel_bulk_and_cli_agree(self) -> None:
        from io import StringIO

        import numpy as np
        from django.core.management import call_command

        from nofu.charges.services import late_charges

        owed_module._rules = None
        self.addCleanup(setattr, owed_module, "_rules", None)
        rates_through_next_year()
        payer = make_payer(
            "高橋 一郎",
            installments=(
                ("01", 2024, "1", 480_000),
                ("02", 2024, "2", 65_000),
                ("10", 2025, "3", 123_456),
                ("01", 2025, "4", 2_500),
            ),
        )
        on = today() + timedelta(days=20)
        panel = payer_owed(payer, today=today(), on=on)
        insts = sorted(payer.installments.all(), key=lambda i: i.pk)
        bulk = late_charges(
            np.array([i.unpaid_at_handover for i in insts]),
            np.array([i.due_date for i in insts], dtype="datetime64[D]"),
            [i.subject_code for i in insts],
            on,
        )
        for inst, from_bulk in zip(insts, bulk.tolist(), strict=True):
            out = StringIO()
            call_command(
                "entaikin",
                "--amount", str(inst.unpaid_at_handover),
                "--due", inst.due_date.isoformat(),
                "--paid", on.isoformat(),
                "--subject", inst.subject_code,
                stdout=out,
            )  # fmt: skip
            from_cli = int(re.search(r"延滞金 ([\d,]+)円\s*$", out.getvalue())[1].replace(",", ""))  # type: ignore[index]
            from_panel = panel.by_id[inst.pk].late_charge_on
            self.assertEqual((from_panel, from_bulk), (from_cli, from_cli), inst.subject_code)
        self.assertGreater(panel.late_charge_on or 0, 0)
