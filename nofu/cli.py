"""The `nofu` console command: Django's management commands under one name.

`nofu import FILE...`, `nofu match ...`, `nofu entaikin ...`, `nofu report ...` are
management commands of the apps; `nofu runserver`, `nofu migrate` work as usual.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nofu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nofu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
