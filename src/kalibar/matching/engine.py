"""Public matching API: build/open an index, keep it current, query it, explain results.

Both :meth:`MatchEngine.query` and :meth:`MatchEngine.exhaustive_query` accept exactly the
pairs whose skeleton OSA distance is within the budget of both lengths, and rank them
by the same key. The exhaustive scan is the reference: it ranks with the plain Python
functions (``distance``, ``rank``). ``query``/``query_batch`` find candidates through the
index and verify and rank them in bulk (``vector``: numpy and rapidfuzz, bit-identical
arithmetic); the property tests compare the two paths result for result.

Candidates returned by ``query``/``query_batch`` compute their alignment, explanation and
attributes on first access (most batch candidates are never read).
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .config import ATTRIBUTES, UNIT, MatchConfig
from .delta import DeltaIndex
from .distance import (
    EditOp,
    align,
    align_known,
    explain_ops,
    skeleton_distance,
    weighted_cost_units,
)
from .fold import Folded, fold, fold_fast, prepare_prefixes, to_skeleton
from .hashing import deletion_variants
from .index import BaseIndex
from .rank import Normaliser, attribute_agreement, combine, normalise, serial_score
from .vector import QueryBatch, RecordText, TopHits, round_score, search


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


_LAZY = ("explanation", "ops", "attributes")


class _LazyCandidate(Candidate):
    """A :class:`Candidate` whose alignment, explanation and attributes are computed on
    first access (batch results hold up to ``limit`` of these per query; most are never
    read). Behaves as a Candidate in every other respect: equality, ``asdict``,
    ``replace`` and pickling all see the computed values."""

    def __getattr__(self, name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(name)
        d = self.__dict__
        (qf, steps, qattrs, costs), base, o = d["_ctx"]
        attrs = d.get("attributes")
        if attrs is None:
            attrs = d["attributes"] = base.attributes(o)
        if name != "attributes":
            _, ops = align_known(qf, d["serial"], costs, round(d["cost"] * UNIT))
            _, attr_lines = attribute_agreement(qattrs, attrs)
            d["ops"] = tuple(ops)
            d["explanation"] = tuple(explain_ops(ops) + list(steps) + attr_lines)
        return d[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candidate):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    __hash__ = Candidate.__hash__

    def __repr__(self) -> str:
        return Candidate.__repr__(self)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Candidate, tuple(getattr(self, f) for f in _FIELDS))


_FIELDS = tuple(f for f in Candidate.__dataclass_fields__)


def _lazy(values: dict[str, object]) -> Candidate:
    c = object.__new__(_LazyCandidate)
    c.__dict__.update(values)
    return c


@dataclass
class _Prepared:
    folded: Folded
    attrs: dict[str, str | None]
    k: int
    variants: set[str] = field(default_factory=set)

    def ensure_variants(self) -> set[str]:
        if not self.variants and self.folded.skeleton:
            self.variants = deletion_variants(self.folded.skeleton, self.k)
        return self.variants


# key, ordinal, folded, attributes (None: fetch from base when needed), edits
_Hit = tuple[str, int, str, dict[str, str | None] | None, int]
RecordIn = tuple[str, ...] | Sequence[str | None]
# rank key, key, ordinal, folded, attributes, units, edits (delta rows in the batch path)
_Row = tuple[tuple[float, int, str], str, int, str, dict[str, str | None], int, int]
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
        return _Prepared(f, attrs, k)

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
        return self._batch([Query(serial, make, model, calibre, weapon_type)], limit)[0]

    def query_batch(
        self, queries: Sequence[Query | str], limit: int = 10, workers: int = 1
    ) -> list[list[Candidate]]:
        """Many queries at once, as one equi-join of deletion keys (see ``vector``);
        ``workers > 1`` forks processes that share the (memory-mapped) index pages and
        send back compact arrays; candidates are built here, explanations on demand."""
        qs = [Query(q) if isinstance(q, str) else q for q in queries]
        if workers > 1 and len(qs) > 1000:
            global _POOL_ENGINE
            _POOL_ENGINE = self
            self.base.plain_ascii()  # computed once, inherited by the workers
            # Several chunks per worker: candidates of finished chunks are built here
            # while the workers search the next ones.
            step = max(1000, -(-len(qs) // (workers * 4)))
            chunks = [(qs[i : i + step], limit) for i in range(0, len(qs), step)]
            out: list[list[Candidate]] = []
            with mp.get_context("fork").Pool(workers) as pool:
                for prepared, top, delta_rows in pool.imap(_pool_hits, chunks):
                    out.extend(self._candidates(prepared, top, delta_rows, limit))
            return out
        return self._batch(qs, limit)

    def _batch(self, qs: list[Query], limit: int) -> list[list[Candidate]]:
        prepared, top, delta_rows = self._hits(qs, limit)
        return self._candidates(prepared, top, delta_rows, limit)

    def _hits(
        self, qs: list[Query], limit: int
    ) -> tuple[list[_Prepared], TopHits, dict[int, list[_Row]]]:
        prepared = [self._prepare(q) for q in qs]
        batch = QueryBatch(
            [p.folded.folded for p in prepared],
            [p.folded.skeleton for p in prepared],
            np.array([p.k for p in prepared], dtype=np.int64),
            [p.attrs for p in prepared],
        )
        top = search(self.base, self.config, batch, limit, self.delta.tombstones)
        delta_rows: dict[int, list[_Row]] = {}
        if self.delta.records:
            for i, p in enumerate(prepared):
                rows = self._delta_rows(p)
                if rows:
                    delta_rows[i] = rows
        return prepared, top, delta_rows

    def _delta_rows(self, p: _Prepared) -> list[_Row]:
        c = self.config.costs.scaled
        qf = p.folded.folded
        rows: list[_Row] = []
        for key in self.delta.probe(p.ensure_variants()):
            rec = self.delta.records[key]
            d = self._accept(p, rec.skeleton)
            if d is None:
                continue
            units = weighted_cost_units(qf, rec.folded, c)
            s = serial_score(units, len(qf), len(rec.folded))
            a = attribute_agreement(p.attrs, rec.attributes)[0]
            score = combine(s, a, self.config.serial_weight)
            rows.append(((-score, units, key), key, -1, rec.folded, rec.attributes, units, d))
        return rows

    def _candidates(
        self,
        prepared: list[_Prepared],
        top: TopHits,
        delta_rows: dict[int, list[_Row]],
        limit: int,
    ) -> list[list[Candidate]]:
        """Lazy candidates from compact top rows (plus delta rows, merged by rank key)."""
        base = self.base
        costs = self.config.costs
        n = len(top.ordinal)
        keys = base.keys.keys(top.ordinal) if n else []
        text = RecordText(base).folded(top.ordinal) if n else []
        folded = [t.decode() if isinstance(t, bytes) else t for t in text]
        scores = list(map(round_score, top.score.tolist()))
        costs_e = (top.units / UNIT).tolist()  # IEEE division, as units / UNIT in Python
        edits = top.edits.tolist()
        ords = top.ordinal.tolist()
        bounds = np.searchsorted(top.owner, np.arange(len(prepared) + 1)).tolist()
        new, cls = object.__new__, _LazyCandidate
        out: list[list[Candidate]] = []
        for i, p in enumerate(prepared):
            ctx = (p.folded.folded, p.folded.steps, p.attrs, costs)
            found: list[Candidate] = []
            for r in range(bounds[i], bounds[i + 1]):
                c = new(cls)
                o = ords[r]
                c.__dict__.update(key=keys[r], ordinal=o, score=scores[r], serial=folded[r],
                                  cost=costs_e[r], edits=edits[r], _ctx=(ctx, base, o))  # fmt: skip
                found.append(c)
            extra = delta_rows.get(i)
            if extra:
                found = self._merge_delta(found, extra, ctx, limit)
            out.append(found)
        return out

    @staticmethod
    def _merge_delta(
        found: list[Candidate], extra: list[_Row], ctx: tuple[object, ...], limit: int
    ) -> list[Candidate]:
        rows: list[tuple[tuple[float, int, str], Candidate]] = [
            ((-c.score, round(c.cost * UNIT), c.key), c) for c in found
        ]
        for rk, key, o, f, attrs, u, d in extra:
            c = _lazy({"key": key, "ordinal": o, "score": -rk[0], "serial": f,
                       "cost": u / UNIT, "edits": d, "attributes": attrs,
                       "_ctx": (ctx, None, o)})  # fmt: skip
            rows.append((rk, c))
        rows.sort(key=lambda t: t[0])
        return [c for _, c in rows[:limit]]

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


def _pool_hits(
    args: tuple[list[Query], int],
) -> tuple[list[_Prepared], TopHits, dict[int, list[_Row]]]:
    assert _POOL_ENGINE is not None
    return _POOL_ENGINE._hits(*args)
