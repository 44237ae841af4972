"""The matching engine is a plain library: importing it must not need Django."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_matching_imports_and_runs_without_django() -> None:
    code = textwrap.dedent(
        """
        import sys

        class NoDjango:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("Django is not allowed here")
                return None

        sys.meta_path.insert(0, NoDjango())
        import nofu.lib.matching as m

        r = m.match_records([m.Record("国保返納金", "K1", "山田 太郎", kana="ヤマダ タロウ")])
        assert r.clusters.height == 1
        assert not any(k == "django" or k.startswith("django.") for k in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
