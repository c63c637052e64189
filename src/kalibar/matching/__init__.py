"""Serial-number matching engine for firearm records (pure library: no web, ORM or DB).

Fold serials to a canonical skeleton, index deletion variants in one memory-mapped sorted
array (symmetric delete), verify with edit distances, rank with attribute agreement and
explain each candidate. See :class:`MatchEngine`.
"""

from kalibar.reference.fold import Folded, fold, prepare_prefixes, to_skeleton

from .config import Costs, EditBudget, MatchConfig
from .distance import EditOp, align, explain_ops, skeleton_distance
from .engine import Candidate, MatchEngine, Query

__all__ = [
    "Candidate",
    "Costs",
    "EditBudget",
    "EditOp",
    "Folded",
    "MatchConfig",
    "MatchEngine",
    "Query",
    "align",
    "explain_ops",
    "fold",
    "prepare_prefixes",
    "skeleton_distance",
    "to_skeleton",
]
