"""Shared set-up for benchmarks: a database of their own and generated data."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def use_database(url: str | None, name: str) -> str:
    """Points Django at a fresh benchmark database (never the app's own) and migrates it."""
    if url is None or url.startswith("sqlite"):
        path = OUT / f"{name}.sqlite3"
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        base, _, _db = url.rpartition("/")
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        url = f"{base}/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nofu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def use_database_again(url: str | None, name: str) -> str:
    """A second fresh database in the same process (for a child process to use)."""
    import subprocess as sp

    if url is None or url.startswith("sqlite"):
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        new = f"sqlite:///{path}"
    else:
        base, _, _db = url.rpartition("/")
        sp.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        sp.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        new = f"{base}/{name}"
    sp.run(
        [sys.executable, "-m", "nofu.cli", "migrate", "-v0"],
        check=True,
        env={**os.environ, "DATABASE_URL": new},
    )
    return new


def generated_files(rows: int, seed: int = 1) -> dict[str, Path]:
    """The demo generator's exchange files at this scale, made once and reused."""
    from nofu.lib.demogen import GeneratorConfig, generate_population, write_call_target_files

    folder = OUT / f"data-{rows}-{seed}"
    done = folder / ".done"
    names = ["統一滞納管理", "国保返納金", "給食費"]
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        cfg = GeneratorConfig(rows=rows, seed=seed, as_of=date(2026, 11, 24))
        write_call_target_files(generate_population(cfg), folder)
        done.touch()
    return {n: p for n in names for p in folder.glob(f"{n}*.csv")}


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(*parts: object) -> None:
    print(*parts, flush=True, file=sys.stdout)
