"""In-memory index of records changed since the base was built.

Keeps the base immutable (and shareable between processes) while the register changes:
new or updated records live here with exact (unhashed) deletion variants in a dict, and
tombstones hide superseded base ordinals. The caller decides when to :meth:`merge`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kalibar.reference.fold import to_skeleton

from .config import EditBudget
from .hashing import deletion_variants


@dataclass(frozen=True)
class DeltaRecord:
    key: str
    folded: str
    skeleton: str
    attributes: dict[str, str | None]


class DeltaIndex:
    """Dict-based symmetric-delete index plus tombstones over the base."""

    def __init__(self, budget: EditBudget) -> None:
        self.budget = budget
        self.records: dict[str, DeltaRecord] = {}
        self.postings: dict[str, set[str]] = {}
        self.tombstones: set[int] = set()

    def __len__(self) -> int:
        return len(self.records)

    @property
    def size(self) -> int:
        """Changes held (records plus tombstones): what a merge threshold should watch."""
        return len(self.records) + len(self.tombstones)

    def _variants(self, skeleton: str) -> set[str]:
        return deletion_variants(skeleton, self.budget.for_length(len(skeleton)))

    def put(self, key: str, folded: str, attributes: dict[str, str | None]) -> None:
        self.drop(key)
        rec = DeltaRecord(key, folded, to_skeleton(folded), attributes)
        self.records[key] = rec
        if rec.skeleton:
            for v in self._variants(rec.skeleton):
                self.postings.setdefault(v, set()).add(key)

    def drop(self, key: str) -> bool:
        rec = self.records.pop(key, None)
        if rec is None:
            return False
        if rec.skeleton:
            for v in self._variants(rec.skeleton):
                keys = self.postings.get(v)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self.postings[v]
        return True

    def probe(self, variants: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for v in variants:
            keys = self.postings.get(v)
            if keys:
                out |= keys
        return out
