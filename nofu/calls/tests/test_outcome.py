"""POST /calls/outcome: one keystroke records a common outcome, then the queue moves on."""

from __future__ import annotations

from nofu.calls.models import ContactEvent
from nofu.calls.tests.base import WorkspaceCase
from nofu.payers.models import PhoneStatus


class OutcomeTests(WorkspaceCase):
    def post(self, result: str, **kw: str):  # type: ignore[no-untyped-def]
        data = {
            "payer": self.payer.pk,
            "result": result,
            "phone_number": "09012345678",
            "idem": "o1",
            **kw,
        }
        return self.client.post("/calls/outcome", data, follow=True)

    def test_no_answer_recorded_released_and_confirmed(self) -> None:
        self.login(self.olivia)
        self.take()
        r = self.post("no_answer")
        self.assertContains(r, "山田 太郎：不在を記録しました。")
        e = ContactEvent.objects.get()
        self.assertEqual(
            (e.kind, e.result, e.operator, e.phone_number),
            ("outbound", "no_answer", self.olivia, "09012345678"),
        )
        self.assertEqual(self.released, [self.olivia])

    def test_double_click_records_once(self) -> None:
        self.login(self.olivia)
        self.post("busy")
        self.post("busy")
        self.assertEqual(ContactEvent.objects.count(), 1)

    def test_wrong_number_marks_it_invalid(self) -> None:
        self.login(self.olivia)
        self.post("invalid_number")
        self.assertEqual(self.payer.phones.get().status, PhoneStatus.INVALID)

    def test_someone_else_defaults_to_family(self) -> None:
        self.login(self.olivia)
        self.post("reached_other", counterpart="")
        self.assertEqual(ContactEvent.objects.get().counterpart, "family")

    def test_nonsense_result_is_refused_in_japanese(self) -> None:
        self.login(self.olivia)
        r = self.post("handled")
        self.assertContains(r, "架電結果を選んでください。")
        self.assertFalse(ContactEvent.objects.exists())

    def test_garbage_payer_is_not_found_not_a_crash(self) -> None:
        self.login(self.olivia)
        r = self.client.post("/calls/outcome", {"payer": "abc", "result": "busy"})
        self.assertEqual(r.status_code, 404)
        r = self.client.post("/calls/conversation", {"payer": "1 OR 1", "action": "save"})
        self.assertEqual(r.status_code, 404)
