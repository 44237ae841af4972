"""Settings and errors of the matching engine (名寄せ).

The m probabilities below are the chance that two records of the *same* payer fall in a
comparison level; they are set from what the city's systems are known to do (a person
moves, a clerk mistypes a kanji), not learned, so a run is explainable and repeatable.
The u probabilities (chance for two *different* payers) are learned from the data: per
value from term frequencies where a level is an exact match (a common surname weighs
less than a rare one), from random pairs otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class MatchError(Exception):
    """Base of the engine's errors; messages are for the user (Japanese)."""


class MatchInputError(MatchError):
    """The records cannot be matched as given (a missing column, a duplicate key…)."""


class MatchModelError(MatchError):
    """A model does not fit the data or the engine version it is used with."""


# m probabilities per comparison and level. Level names are the ones in reasons.
DEFAULT_M: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.80,  # written name and reading both agree
        "exact_no_kana": 0.05,  # written names agree; one side has no reading
        "kana_no_kanji": 0.06,  # readings agree; one side has no written (kanji) name
        "kana_only": 0.03,  # readings agree, written names differ (mistyped, other script)
        "kanji_only": 0.01,  # written names agree, readings differ (a typo in the reading)
        "latin": 0.02,  # names in the alphabet agree (any order)
        "given_only": 0.006,  # given name agrees, family name differs (marriage)
        "fuzzy": 0.02,  # close but not equal (foreign readings, a slip)
        "different": 0.005,
    },
    "corp_name": {
        "exact": 0.85,
        "exact_no_kana": 0.05,
        "kana_no_kanji": 0.04,
        "kana_only": 0.02,
        "kanji_only": 0.01,
        "fuzzy": 0.02,
        "different": 0.01,
    },
    "corp_form": {
        "same": 0.90,  # same legal form on the same side (前株/後株)
        "other_side": 0.03,  # same form, written on the other side
        "other_form": 0.03,  # 株式会社 vs 有限会社
    },
    "birth_date": {"exact": 0.97},
    "sex": {"same": 0.99},
    "address": {
        "exact": 0.55,  # same block and same room (or neither has a room)
        "same_block": 0.15,  # same block, room differs or is missing on one side
        "same_town": 0.03,
        "different": 0.27,  # moves and old addresses
    },
    "phone": {
        "mobile": 0.45,  # a mobile (or personal) number is shared
        "landline": 0.15,  # only a landline is shared (households share those)
        "none_shared": 0.40,
    },
    "resident_no": {"different": 0.003},
    "nationality": {"same": 0.98, "different": 0.02},
}


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds are match weights in bits: log2 of the odds that a pair is one payer.

    A pair at or above `auto_threshold` is merged without asking; from
    `review_threshold` up to it, a supervisor decides; below, no link. A sure link also
    needs corroboration (place or phone, or a full identity with no phone to disagree),
    and two different 宛名番号 need a strong one (name, birth date and mobile or address).
    """

    auto_threshold: float = 3.0
    review_threshold: float = 0.0
    # Blocks larger than this at fit time are skipped (a shared office number).
    max_block_size: int = 200
    # Smallest u a term frequency may give: one typo must not look like a unique name.
    min_u: float = 1e-6
    # Similarity (0–1, Jaro–Winkler on characters) for the fuzzy name level.
    fuzzy_name: float = 0.88
    fuzzy_corp_name: float = 0.92
    # Profiles assumed beyond those seen when learning frequencies (see `fit_model`).
    pseudo_profiles: int = 10_000
    # Random pairs used to learn u probabilities of non-exact levels.
    u_sample_pairs: int = 200_000
    seed: int = 20250401
    # Nationality weight is capped: foreign names already say most of it.
    max_nationality_weight: float = 3.0
    m: dict[str, dict[str, float]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_M.items()}
    )
    workers: int = -1  # RapidFuzz threads (-1: all cores)

    def __post_init__(self) -> None:
        if not self.review_threshold <= self.auto_threshold:
            raise MatchModelError("しきい値は review_threshold ≤ auto_threshold にしてください。")
        for comparison, levels in self.m.items():
            for level, p in levels.items():
                if not 0.0 < p <= 1.0:
                    raise MatchModelError(
                        f"m確率 {comparison}.{level} は 0 より大きく 1 以下にしてください。"
                    )
