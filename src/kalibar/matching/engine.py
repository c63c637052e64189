"""Public matching API: build/open an index, keep it current, query it, explain results.

Both :meth:`MatchEngine.query` and :meth:`MatchEngine.exhaustive_query` accept exactly the
pairs whose skeleton OSA distance is within the budget of both lengths, and rank them
with the same function; they differ only in how candidates are found (index probes vs
scanning every record), which is what the property tests compare.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .config import ATTRIBUTES, MatchConfig
from .delta import DeltaIndex
from .distance import EditOp, align, explain_ops, skeleton_distance, weighted_cost_units
from .fold import Folded, fold, fold_fast, prepare_prefixes, to_skeleton
from .hashing import deletion_variants, hash_strings
from .index import BaseIndex
from .rank import Normaliser, attribute_agreement, combine, normalise, serial_score


@dataclass(frozen=True)
class Query:
    serial: str
    make: str | None = None
    model: str | None = None
    calibre: str | None = None
    weapon_type: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One ranked match. ``ordinal`` is the base ordinal (-1 for not-yet-merged records);
    ``serial`` is the record's folded serial; ``cost`` the weighted serial distance in
    edits; ``edits`` the skeleton (budget) distance; ``ops`` index ``serial`` for
    highlighting."""

    key: str
    ordinal: int
    score: float
    serial: str
    cost: float
    edits: int
    explanation: tuple[str, ...]
    ops: tuple[EditOp, ...]
    attributes: Mapping[str, str | None] = field(default_factory=dict)


@dataclass
class _Prepared:
    folded: Folded
    attrs: dict[str, str | None]
    k: int
    variants: set[str]


# key, ordinal, folded, attributes (None: fetch from base when needed), edits
_Hit = tuple[str, int, str, dict[str, str | None] | None, int]
RecordIn = tuple[str, ...] | Sequence[str | None]
_POOL_ENGINE: MatchEngine | None = None


class MatchEngine:
    """Base index + delta; see the module docstring for the acceptance contract."""

    def __init__(
        self,
        base: BaseIndex | None = None,
        config: MatchConfig | None = None,
        normalisers: Mapping[str, Normaliser] | None = None,
    ) -> None:
        self.config = base.config if base is not None else (config or MatchConfig())
        self.base = base if base is not None else BaseIndex.build(self.config, [], [], {})
        self.delta = DeltaIndex(self.config.budget)
        self.normalisers = dict(normalisers or {})
        self._prefixes = prepare_prefixes(self.config.model_prefixes)
        self._skeletons: list[str] | None = None

    # -- construction ------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        records: Iterable[RecordIn],
        config: MatchConfig | None = None,
        normalisers: Mapping[str, Normaliser] | None = None,
    ) -> MatchEngine:
        """Records are ``(key, serial, make, model, calibre, weapon_type)``; attributes
        may be omitted or None."""
        config = config or MatchConfig()
        prefixes = prepare_prefixes(config.model_prefixes)
        norm = dict(normalisers or {})
        rows = [tuple(r) + (None,) * (6 - len(r)) for r in records]
        cols = list(zip(*rows, strict=True)) if rows else [()] * 6
        keys = [str(k) for k in cols[0]]
        folded = [fold_fast(str(s), prefixes) for s in cols[1]]
        attrs: dict[str, list[str | None]] = {}
        for name, values in zip(ATTRIBUTES, cols[2:6], strict=True):
            if norm:
                fn = norm.get(name)
                attrs[name] = [normalise({name: v}, {name: fn} if fn else {})[name] for v in values]
            else:
                attrs[name] = [v or None for v in values]
        return cls(BaseIndex.build(config, keys, folded, attrs), normalisers=norm)

    @classmethod
    def open(
        cls, path: str | Path, normalisers: Mapping[str, Normaliser] | None = None
    ) -> MatchEngine:
        """Open a saved index memory-mapped (pages shared between processes)."""
        return cls(BaseIndex.open(Path(path)), normalisers=normalisers)

    def save(self, path: str | Path) -> None:
        """Persist the base; pending delta changes are merged in first."""
        if self.delta.size:
            self.merge()
        self.base.save(Path(path))

    def __len__(self) -> int:
        return len(self.base) - len(self.delta.tombstones) + len(self.delta)

    # -- delta maintenance -------------------------------------------------------------
    def _base_ordinal(self, key: str) -> int | None:
        o = self.base.keys.ordinal(key)
        return None if o is None or o in self.delta.tombstones else o

    def __contains__(self, key: str) -> bool:
        return key in self.delta.records or self._base_ordinal(key) is not None

    def add(self, key: str, serial: str, make: str | None = None, model: str | None = None,
            calibre: str | None = None, weapon_type: str | None = None) -> None:  # fmt: skip
        """Add a new record (KeyError if the key exists)."""
        if key in self:
            raise KeyError(f"record {key!r} already indexed")
        self.update(key, serial, make, model, calibre, weapon_type)

    def update(self, key: str, serial: str, make: str | None = None, model: str | None = None,
               calibre: str | None = None, weapon_type: str | None = None) -> None:  # fmt: skip
        """Insert or replace a record; the base copy (if any) is tombstoned."""
        o = self._base_ordinal(key)
        if o is not None:
            self.delta.tombstones.add(o)
        values = {"make": make, "model": model, "calibre": calibre, "weapon_type": weapon_type}
        self.delta.put(key, fold_fast(serial, self._prefixes), normalise(values, self.normalisers))

    def remove(self, key: str) -> None:
        """Remove a record (KeyError if unknown)."""
        o = self._base_ordinal(key)
        dropped = self.delta.drop(key)
        if o is not None:
            self.delta.tombstones.add(o)
        elif not dropped:
            raise KeyError(key)

    def merge(self) -> None:
        """Rebuild the base from live base records plus the delta (caller-triggered)."""
        base, dead = self.base, self.delta.tombstones
        live = [i for i in range(len(base)) if i not in dead]
        keys = [base.keys.key(i) for i in live]
        folded = [base.folded(i) for i in live]
        attrs: dict[str, list[str | None]] = {
            a: [base.vocab[a][int(base.codes[a][i])] for i in live] for a in base.codes
        }
        for rec in self.delta.records.values():
            keys.append(rec.key)
            folded.append(rec.folded)
            for a in ATTRIBUTES:
                attrs.setdefault(a, [None] * (len(keys) - 1)).append(rec.attributes.get(a))
        self.base = BaseIndex.build(self.config, keys, folded, attrs)
        self.delta = DeltaIndex(self.config.budget)
        self._skeletons = None

    # -- querying ----------------------------------------------------------------------
    def _prepare(self, q: Query) -> _Prepared:
        f = fold(q.serial, self._prefixes)
        budget = self.config.budget
        k = budget.max if f.has_star else budget.for_length(len(f.skeleton))
        attrs = normalise(
            {"make": q.make, "model": q.model, "calibre": q.calibre,
             "weapon_type": q.weapon_type}, self.normalisers)  # fmt: skip
        variants = deletion_variants(f.skeleton, k) if f.skeleton else set()
        return _Prepared(f, attrs, k, variants)

    def _accept(self, p: _Prepared, skel: str) -> int | None:
        kp = min(p.k, self.config.budget.for_length(len(skel)))
        d = skeleton_distance(p.folded.skeleton, skel, kp)
        return d if d <= kp else None

    def _verify(self, p: _Prepared, ordinals: Iterable[int], delta: Iterable[str]) -> list[_Hit]:
        hits: list[_Hit] = []
        dead = self.delta.tombstones
        for o in ordinals:
            if o in dead:
                continue
            f = self.base.folded(o)
            d = self._accept(p, to_skeleton(f))
            if d is not None:
                hits.append((self.base.keys.key(o), o, f, None, d))
        for key in delta:
            rec = self.delta.records[key]
            d = self._accept(p, rec.skeleton)
            if d is not None:
                hits.append((key, -1, rec.folded, rec.attributes, d))
        return hits

    def _rank(self, p: _Prepared, hits: list[_Hit], limit: int) -> list[Candidate]:
        c = self.config.costs.scaled
        qf = p.folded.folded
        use_attrs = any(v is not None for v in p.attrs.values())
        scored = []
        for key, o, f, attrs, d in hits:
            units = weighted_cost_units(qf, f, c)
            s = serial_score(units, len(qf), len(f))
            if attrs is None and use_attrs:
                attrs = self.base.attributes(o)
            a = attribute_agreement(p.attrs, attrs)[0] if attrs is not None else None
            scored.append((-combine(s, a, self.config.serial_weight), units, key, (o, f, attrs, d)))
        scored.sort(key=lambda t: t[:3])
        out = []
        for neg, _, key, (o, f, attrs, d) in scored[:limit]:
            if attrs is None:
                attrs = self.base.attributes(o)
            cost, ops = align(qf, f, self.config.costs)
            _, attr_lines = attribute_agreement(p.attrs, attrs)
            lines = explain_ops(ops) + list(p.folded.steps) + attr_lines
            out.append(Candidate(key, o, -neg, f, cost, d, tuple(lines), tuple(ops), attrs))
        return out

    def query(self, serial: str, make: str | None = None, model: str | None = None,
              calibre: str | None = None, weapon_type: str | None = None,
              limit: int = 10) -> list[Candidate]:  # fmt: skip
        """Top ``limit`` records within the edit budget, best first."""
        p = self._prepare(Query(serial, make, model, calibre, weapon_type))
        if not p.variants:
            return []
        ords = self.base.probe(hash_strings(p.variants))
        hits = self._verify(p, ords.tolist(), self.delta.probe(p.variants))
        return self._rank(p, hits, limit)

    def query_batch(
        self, queries: Sequence[Query | str], limit: int = 10, workers: int = 1
    ) -> list[list[Candidate]]:
        """Many queries at once: hashing and probing are vectorised across the batch;
        ``workers > 1`` forks processes that share the (memory-mapped) index pages."""
        qs = [Query(q) if isinstance(q, str) else q for q in queries]
        if workers > 1 and len(qs) > 1000:
            global _POOL_ENGINE
            _POOL_ENGINE = self
            step = -(-len(qs) // (workers * 4))
            chunks = [(qs[i : i + step], limit) for i in range(0, len(qs), step)]
            with mp.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_pool_batch, chunks)
            return [r for part in parts for r in part]
        return self._batch(qs, limit)

    def _batch(self, qs: list[Query], limit: int) -> list[list[Candidate]]:
        prepared = [self._prepare(q) for q in qs]
        variants = [v for p in prepared for v in p.variants]
        owner = np.repeat(np.arange(len(prepared)), [len(p.variants) for p in prepared])
        owners, ords = self.base.probe_batch(hash_strings(variants), owner)
        bounds = np.searchsorted(owners, np.arange(len(prepared) + 1))
        ord_list = ords.tolist()
        results = []
        for i, p in enumerate(prepared):
            own = ord_list[bounds[i] : bounds[i + 1]]
            hits = self._verify(p, own, self.delta.probe(p.variants)) if p.variants else []
            results.append(self._rank(p, hits, limit))
        return results

    def exhaustive_query(self, serial: str, make: str | None = None, model: str | None = None,
                         calibre: str | None = None, weapon_type: str | None = None,
                         limit: int = 10) -> list[Candidate]:  # fmt: skip
        """Brute-force reference: same acceptance and ranking over every live record."""
        p = self._prepare(Query(serial, make, model, calibre, weapon_type))
        if not p.folded.skeleton:
            return []
        if self._skeletons is None:
            self._skeletons = [to_skeleton(f) for f in self.base.all_folded()]
        dists = process.cdist([p.folded.skeleton], self._skeletons, scorer=OSA.distance,
                              score_cutoff=p.k, dtype=np.int32)[0]  # fmt: skip
        ords = [int(o) for o in np.flatnonzero(dists <= p.k)]
        return self._rank(p, self._verify(p, ords, list(self.delta.records)), limit)


def _pool_batch(args: tuple[list[Query], int]) -> list[list[Candidate]]:
    assert _POOL_ENGINE is not None
    return _POOL_ENGINE._batch(*args)
