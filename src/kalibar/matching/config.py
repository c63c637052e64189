"""Tunable parameters of the matcher (edit budget, costs, ranking weights)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

ATTRIBUTES: tuple[str, ...] = ("make", "model", "calibre", "weapon_type")

#: Integer cost unit: one edit. Costs are kept as integers (hundredths of an edit) so the
#: index path and the brute-force path rank with bit-identical arithmetic.
UNIT = 100
#: Default wide budget (inside a make/model/calibre/type block).
_WIDE = ((0, 0), (5, 2), (8, 3))


@dataclass(frozen=True)
class EditBudget:
    """Maximum skeleton edits (Damerau/OSA, look-alikes free) allowed by serial length.

    ``steps`` are ``(min_length, edits)`` pairs, ascending. Default: 1–4 characters must
    match exactly (up to look-alikes) — one edit in a four-character serial would match
    a large share of the register; 5–7 characters allow 1 edit; 8+ allow 2. A pair is
    accepted when its distance is within the budget of *both* lengths (the stricter one),
    which is what lets the symmetric-delete index be exact: records are indexed with
    their own budget of deletions, queries probe with theirs.
    """

    steps: tuple[tuple[int, int], ...] = ((0, 0), (5, 1), (8, 2))

    def for_length(self, n: int) -> int:
        k = 0
        for min_len, edits in self.steps:
            if n >= min_len:
                k = edits
        return min(k, max(n - 1, 0)) if n else 0

    @property
    def max(self) -> int:
        return max(k for _, k in self.steps)


@dataclass(frozen=True)
class Costs:
    """Weighted-distance costs in edits (1.0 = an ordinary substitution/indel)."""

    lookalike: float = 0.3
    edit: float = 1.0
    #: Two adjacent characters swapped: one slip with few ways to happen (n - 1 places
    #: against about 9n substitutions of a digit), so cheaper than a substitution; kept
    #: at least two look-alikes (the equal-length shortcut of ``weighted_cost_units``).
    #: 0.7 raised two-error recall in both benchmarks (docs/performance.md).
    transposition: float = 0.7
    unknown: float = 1.0
    star_char: float = 0.5
    #: A reading other than the visual one (transliteration, digraphs, ...).
    reading: float = 0.1
    #: A make name or model designation set aside from the query's serial.
    set_aside: float = 0.1

    @cached_property
    def scaled(self) -> tuple[int, int, int, int, int]:
        """Costs as integers in hundredths of an edit (cached: used per candidate)."""
        vals = (self.lookalike, self.edit, self.transposition, self.unknown, self.star_char)
        return tuple(round(v * UNIT) for v in vals)  # type: ignore[return-value]

    @property
    def reading_units(self) -> int:
        return round(self.reading * UNIT)

    @property
    def set_aside_units(self) -> int:
        return round(self.set_aside * UNIT)


@dataclass(frozen=True)
class MatchConfig:
    """Everything that must be identical between build and query time (persisted)."""

    budget: EditBudget = field(default_factory=EditBudget)
    costs: Costs = field(default_factory=Costs)
    model_prefixes: tuple[str, ...] = ()
    serial_weight: float = 0.75
    #: Budget inside a block (records agreeing on every given make/model/calibre/type):
    #: two real errors in 5–7 characters, three from 8 on.
    wide_budget: EditBudget = field(default_factory=lambda: EditBudget(_WIDE))

    def to_json(self) -> dict[str, Any]:
        return {
            "budget": [list(s) for s in self.budget.steps],
            "costs": {k: v for k, v in self.costs.__dict__.items() if k != "scaled"},
            "model_prefixes": list(self.model_prefixes),
            "serial_weight": self.serial_weight,
            "wide_budget": [list(s) for s in self.wide_budget.steps],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchConfig:
        return cls(
            budget=EditBudget(tuple((int(a), int(b)) for a, b in data["budget"])),
            costs=Costs(**data["costs"]),
            model_prefixes=tuple(data["model_prefixes"]),
            serial_weight=float(data["serial_weight"]),
            wide_budget=EditBudget(tuple((int(a), int(b)) for a, b in data["wide_budget"]))
            if "wide_budget" in data
            else EditBudget(_WIDE),
        )
