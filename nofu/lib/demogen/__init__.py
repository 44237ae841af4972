"""Realistic synthetic data for nofu: Chiba City payers in the city's exchange formats.

A seeded population of residents (households, foreign residents, twins, namesakes, people
who married or moved) and corporations, what they owe the city, and the files the city's
three systems would export about them (data-exchange.md §1, §2), with the answer key
(truth.csv) and the labelled matching traps (traps.csv) for benchmarks. Django-free.

    cfg = GeneratorConfig(rows=10_000, seed=1)
    pop = generate_population(cfg)
    paths = write_call_target_files(pop, out_dir)
    write_payment_file(pop, out_dir / "収納データ.csv", start=..., end=...)
"""

from .model import (
    NHI_REFUND,
    SCHOOL_LUNCH,
    SOURCES,
    TRAPS_FILE,
    TRUTH_FILE,
    UNIFIED,
    Corporation,
    GeneratorConfig,
    Household,
    Person,
    Population,
    Receivable,
    Trap,
)
from .population import generate_population
from .render import COLUMNS
from .writer import (
    PAYMENT_COLUMNS,
    TRAP_COLUMNS,
    file_name,
    installment_payments,
    write_call_target_files,
    write_payment_file,
)

__all__ = [
    "COLUMNS",
    "NHI_REFUND",
    "PAYMENT_COLUMNS",
    "SCHOOL_LUNCH",
    "SOURCES",
    "TRAPS_FILE",
    "TRAP_COLUMNS",
    "TRUTH_FILE",
    "UNIFIED",
    "Corporation",
    "GeneratorConfig",
    "Household",
    "Person",
    "Population",
    "Receivable",
    "Trap",
    "file_name",
    "generate_population",
    "installment_payments",
    "write_call_target_files",
    "write_payment_file",
]
