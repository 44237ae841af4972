"""NOFU_CLOCK_AT: a training session in the evening (or a benchmark) runs the call lists as if
it were the given moment, and the clock keeps running from there."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

from django.test import SimpleTestCase

SCRIPT = """
import time, django
django.setup()
from nofu.calllists import clock
a = clock.now(); time.sleep(0.3); b = clock.now()
print(a.isoformat(), b.isoformat(), clock.today().isoformat())
"""


class ClockTests(SimpleTestCase):
    def run_clock(self, at: str | None) -> list[str]:
        env = {k: v for k, v in os.environ.items() if k != "NOFU_CLOCK_AT"}
        env["DJANGO_SETTINGS_MODULE"] = "nofu.settings"
        if at is not None:
            env["NOFU_CLOCK_AT"] = at
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.split()

    def test_starts_at_the_given_moment_in_tokyo_time_and_runs_on(self) -> None:
        a, b, today = self.run_clock("2026-11-20T10:30:00")
        start, later = datetime.fromisoformat(a), datetime.fromisoformat(b)
        self.assertEqual(start.utcoffset().total_seconds(), 9 * 3600)  # type: ignore[union-attr]
        self.assertEqual((start.hour, start.minute), (10, 30))
        self.assertGreaterEqual((later - start).total_seconds(), 0.3)
        self.assertEqual(today, "2026-11-20")

    def test_without_it_the_clock_is_the_real_one(self) -> None:
        a, _, _ = self.run_clock(None)
        delta = abs((datetime.fromisoformat(a) - datetime.now().astimezone()).total_seconds())
        self.assertLess(delta, 60)
