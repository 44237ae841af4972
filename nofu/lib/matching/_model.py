"""The learned part of the engine: term frequencies, readings, family names, stop lists.

A model is fitted once on a population and then frozen: matching new records against
known payers with the same model gives exactly what a full run with that model gives,
because every feature, candidate pair and score depends only on the two records and
the model (never on which other records happen to be in the batch).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .config import MatchModelError

MODEL_VERSION = 1

# Comparisons whose exact level is weighed by the frequency of the agreed value.
TF_COLUMNS: tuple[str, ...] = (
    "nm",
    "kl",
    "kl_giv",
    "lat",
    "dob",
    "addr_room",
    "addr",
    "phone",
    "nat",
)


@dataclass
class MatchModel:
    """What the engine learned from a population; pass it on to match more records."""

    n_profiles: int  # profiles seen plus the pseudo profiles of the config
    prior: float  # log2 odds that two random profiles are one payer
    u: dict[str, dict[str, float]]  # non-exact levels, from random pairs
    tf: dict[str, pl.DataFrame]  # column → (value, u)
    readings: pl.DataFrame  # nm → kn: the reading most often written with a name
    part_readings: pl.DataFrame  # (part, kanji) → kana for family/given names
    families: frozenset[str]  # family names in kanji seen written apart from the given name
    kana_families: frozenset[str]
    stop: dict[str, frozenset[str]] = field(default_factory=dict)  # blocking rule → skipped keys
    version: int = MODEL_VERSION

    # --- persistence: JSON for the small parts, Parquet for the tables ----------------

    def save(self, folder: str | Path) -> None:
        """Write the model to a folder (created if needed)."""
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "version": self.version,
            "n_profiles": self.n_profiles,
            "prior": self.prior,
            "u": self.u,
            "families": sorted(self.families),
            "kana_families": sorted(self.kana_families),
            "stop": {k: sorted(v) for k, v in self.stop.items()},
        }
        (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        for name, frame in self.tf.items():
            frame.write_parquet(path / f"tf_{name}.parquet")
        self.readings.write_parquet(path / "readings.parquet")
        self.part_readings.write_parquet(path / "part_readings.parquet")

    @classmethod
    def load(cls, folder: str | Path) -> MatchModel:
        path = Path(folder)
        try:
            meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MatchModelError(f"名寄せモデルを読めません: {path}") from exc
        if meta.get("version") != MODEL_VERSION:
            raise MatchModelError("名寄せモデルの版が合いません。学習し直してください。")
        return cls(
            n_profiles=meta["n_profiles"],
            prior=meta["prior"],
            u=meta["u"],
            tf={c: pl.read_parquet(path / f"tf_{c}.parquet") for c in TF_COLUMNS},
            readings=pl.read_parquet(path / "readings.parquet"),
            part_readings=pl.read_parquet(path / "part_readings.parquet"),
            families=frozenset(meta["families"]),
            kana_families=frozenset(meta["kana_families"]),
            stop={k: frozenset(v) for k, v in meta["stop"].items()},
        )


def prior_of(n_profiles: int) -> float:
    """About one true partner per profile among n: odds 1/n."""
    n = max(n_profiles, 2)
    return math.log2(1.0 / (n - 1))


def term_frequencies(values: pl.Series, n: int | None = None) -> pl.DataFrame:
    """(value, u): the chance that a random profile holds this value (of n profiles)."""
    n = max(len(values) if n is None else n, 1)
    return term_frequencies_lazy(values.to_frame().lazy(), values.name, n).collect()


def term_frequencies_lazy(frame: pl.LazyFrame, column: str, n: int) -> pl.LazyFrame:
    """`term_frequencies` of one column of a lazy frame, with n given."""
    return (
        frame.select(pl.col(column).alias("value"))
        .filter(pl.col("value") != "")
        .group_by("value")
        .len(name="count")
        .with_columns((pl.col("count") / max(n, 1)).alias("u"))
        .select("value", "u")
        .sort("value")
    )


def learn_readings(profiles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Readings seen with written names, so a record with no reading can still be read.

    Kanji-only records (the reading left blank) are compared through the reading the
    same written name carries elsewhere; the most frequent one wins, ties by order.
    """
    people = profiles.filter(~pl.col("corp") & (pl.col("lat") == "") & ~pl.col("kn_from_name"))

    def best(df: pl.DataFrame, key: list[str], value: str) -> pl.DataFrame:
        return (
            df.group_by([*key, value])
            .agg(pl.len().alias("n"))
            .sort([*key, "n", value], descending=[False] * len(key) + [True, False])
            .unique(key, keep="first")
            .select(*key, value)
            .sort(key)
        )

    full = best(people.filter((pl.col("nm") != "") & (pl.col("kn") != "")), ["nm"], "kn")
    parts = pl.concat(
        [
            people.filter((pl.col("nm_fam") != "") & (pl.col("kn_fam") != "")).select(
                pl.lit("fam").alias("part"),
                pl.col("nm_fam").alias("kanji"),
                pl.col("kn_fam").alias("kana"),
            ),
            people.filter((pl.col("nm_giv") != "") & (pl.col("kn_giv") != "")).select(
                pl.lit("giv").alias("part"),
                pl.col("nm_giv").alias("kanji"),
                pl.col("kn_giv").alias("kana"),
            ),
        ]
    )
    return full, best(parts, ["part", "kanji"], "kana")


def learn_families(profiles: pl.DataFrame) -> tuple[frozenset[str], frozenset[str]]:
    """Family names seen written apart from the given name, to split names written solid."""
    people = profiles.filter(~pl.col("corp") & (pl.col("lat") == ""))
    fam = people.filter(pl.col("nm_fam") != "")["nm_fam"].unique().to_list()
    kfam = people.filter(pl.col("kn_fam") != "")["kn_fam"].unique().to_list()
    return frozenset(fam), frozenset(kfam)
