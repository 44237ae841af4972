"""名寄せ: find every payer across the city's systems, and never merge two people.

Django-free. Records (one per installment row, or any row naming a payer) are
normalized, grouped into profiles, paired by several blocking rules, compared field
by field (Fellegi–Sunter weights with term frequencies), and clustered without ever
joining two conflicting identities. Uncertain pairs go to a review queue.

    result = match_records(records)              # a population; fits a model
    later = match_incremental(result, new_rows)  # the same answer as a full run
    result.save(folder); MatchResult.load(folder)  # keep the state between imports

`result.clusters` (source, key, cluster) gives each record its payer; `result.links` the
sure links with weight, probability and Japanese reasons; `result.review` the uncertain
pairs of payers for a supervisor. `Decision`s (same / different) are obeyed by every run.
"""

from ._features import FIELDS, JAPANESE_HEADERS, Record, records_frame
from ._model import MatchModel
from .api import Decision, MatchResult, fit_model, match_incremental, match_records
from .config import MatchConfig, MatchError, MatchInputError, MatchModelError

__all__ = [
    "FIELDS",
    "JAPANESE_HEADERS",
    "Decision",
    "MatchConfig",
    "MatchError",
    "MatchInputError",
    "MatchModel",
    "MatchModelError",
    "MatchResult",
    "Record",
    "fit_model",
    "match_incremental",
    "match_records",
    "records_frame",
]
