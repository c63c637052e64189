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
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kalibar.reference.fold import fold_fast, prepare_prefixes, to_skeleton
from kalibar.reference.readings import NO_DESIGNATIONS, Designations

from .blocks import BlockCache
from .calibration import Chance, alert_confidences, confidences
from .config import ATTRIBUTES, UNIT, MatchConfig
from .delta import DeltaIndex
from .distance import EditOp, align, align_known, explain_ops
from .index import BaseIndex
from .prepare import Prepared, Reading, best_reading, prepare
from .rank import Normaliser, attribute_agreement, normalise
from .topk import TopHits, merge_readings, round_score
from .vector import QueryBatch, RecordText, search


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
    #: The query reading that matched (see ``readings``) and what it set aside.
    reading: str = "visual"
    set_aside: tuple[str, ...] = ()
    #: Calibrated probability that this is the queried firearm (see ``calibration``).
    confidence: float = 0.0


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
        (qf, p, qattrs, costs, penalty), base, o = d["_ctx"]
        attrs = d.get("attributes")
        if attrs is None:
            attrs = d["attributes"] = base.attributes(o)
        if name != "attributes":
            units = round(d["cost"] * UNIT) - penalty
            _, ops = align_known(qf, d["serial"], costs, units)
            _, attr_lines = attribute_agreement(qattrs, attrs)
            d["ops"] = tuple(ops)
            d["explanation"] = tuple(explain_ops(ops) + list(p.folded.steps) + attr_lines)
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


RecordIn = tuple[str, ...] | Sequence[str | None]
# rank key, key, ordinal, folded, attributes, units, edits, reading index (delta and
# block rows, merged with the base rows by rank key)
_Row = tuple[tuple[float, int, str], str, int, str, Mapping[str, str | None] | None, int, int, int]
_POOL_ENGINE: MatchEngine | None = None


class MatchEngine:
    """Base index + delta; see the module docstring for the acceptance contract."""

    def __init__(
        self,
        base: BaseIndex | None = None,
        config: MatchConfig | None = None,
        normalisers: Mapping[str, Normaliser] | None = None,
        designations: Designations | None = None,
    ) -> None:
        self.config = base.config if base is not None else (config or MatchConfig())
        self.base = base if base is not None else BaseIndex.build(self.config, [], [], {})
        self.delta = DeltaIndex(self.config.budget)
        self.normalisers = dict(normalisers or {})
        #: Make names and model designations set aside from queries (query side only).
        self.designations = designations or NO_DESIGNATIONS
        self._prefixes = prepare_prefixes(self.config.model_prefixes)
        self._skeletons: list[str] | None = None
        self._chance: Chance | None = None
        self.blocks = BlockCache(self.base)

    # -- construction ------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        records: Iterable[RecordIn],
        config: MatchConfig | None = None,
        normalisers: Mapping[str, Normaliser] | None = None,
        designations: Designations | None = None,
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
        base = BaseIndex.build(config, keys, folded, attrs)
        return cls(base, normalisers=norm, designations=designations)

    @classmethod
    def open(
        cls,
        path: str | Path,
        normalisers: Mapping[str, Normaliser] | None = None,
        designations: Designations | None = None,
    ) -> MatchEngine:
        """Open a saved index memory-mapped (pages shared between processes)."""
        return cls(BaseIndex.open(Path(path)), normalisers=normalisers, designations=designations)

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
        self._chance = None
        self.blocks = BlockCache(self.base)

    # -- querying ----------------------------------------------------------------------
    def chance(self) -> Chance:
        """Serial shapes of the base, for the calibrated confidence (computed once)."""
        if self._chance is None:
            self._chance = Chance.of_base(self.base.blob, self.base.offsets)
        return self._chance

    def alert_confidences(self, q: Query, cands: Sequence[Candidate]) -> list[float]:
        """:func:`calibration.alert_confidences` of a record's candidates of the other
        side (own entry already left out by the caller)."""
        p = self._prepare(q)
        return alert_confidences(cands, p.widened, len(p.readings))

    def _prepare(self, q: Query) -> Prepared:
        values = {"make": q.make, "model": q.model, "calibre": q.calibre,
                  "weapon_type": q.weapon_type}  # fmt: skip
        return prepare(
            self.config, self._prefixes, self.designations, self.normalisers, q.serial, values
        )

    def query(self, serial: str, make: str | None = None, model: str | None = None,
              calibre: str | None = None, weapon_type: str | None = None,
              limit: int = 10, widen: bool = True) -> list[Candidate]:  # fmt: skip
        """Top ``limit`` records within the edit budget, best first; with ``widen`` the
        block of records agreeing on the given attributes is searched with the wide
        budget."""
        q = Query(serial, make, model, calibre, weapon_type)
        return self._batch([q], limit, widen)[0]

    def query_batch(
        self,
        queries: Sequence[Query | str],
        limit: int = 10,
        workers: int = 1,
        widen: bool = False,
    ) -> list[list[Candidate]]:
        """Many queries at once, as one equi-join of deletion keys (see ``vector``);
        ``workers > 1`` forks processes that share the (memory-mapped) index pages and
        send back compact arrays; candidates are built here, explanations on demand.
        Readings and designations are the same as for :meth:`query`; the block scan
        (``widen``) is off by default here (one block scan per query)."""
        qs = [Query(q) if isinstance(q, str) else q for q in queries]
        if workers > 1 and len(qs) > 1000:
            global _POOL_ENGINE
            _POOL_ENGINE = self
            self.base.plain_ascii()  # computed once, inherited by the workers
            # Several chunks per worker: candidates of finished chunks are built here
            # while the workers search the next ones.
            step = max(1000, -(-len(qs) // (workers * 4)))
            chunks = [(qs[i : i + step], limit, widen) for i in range(0, len(qs), step)]
            out: list[list[Candidate]] = []
            with mp.get_context("fork").Pool(workers) as pool:
                for prepared, top, extra in pool.imap(_pool_hits, chunks):
                    out.extend(self._candidates(prepared, top, extra, limit))
            return out
        return self._batch(qs, limit, widen)

    def _batch(self, qs: list[Query], limit: int, widen: bool) -> list[list[Candidate]]:
        prepared, top, extra = self._hits(qs, limit, widen)
        return self._candidates(prepared, top, extra, limit)

    def _hits(
        self, qs: list[Query], limit: int, widen: bool
    ) -> tuple[list[Prepared], TopHits, dict[int, list[_Row]]]:
        prepared = [self._prepare(q) for q in qs]
        rows = [(i, j, r) for i, p in enumerate(prepared) for j, r in enumerate(p.readings)]
        batch = QueryBatch(
            [r.folded for _, _, r in rows],
            [r.skeleton for _, _, r in rows],
            np.array([r.k for _, _, r in rows], dtype=np.int64),
            [prepared[i].attrs for i, _, _ in rows],
            np.array([r.penalty for _, _, r in rows], dtype=np.int64),
        )
        top = search(self.base, self.config, batch, limit, self.delta.tombstones)
        owner = np.array([i for i, _, _ in rows], dtype=np.int64)
        reading = np.array([j for _, j, _ in rows], dtype=np.int64)
        top = merge_readings(top, owner, reading, limit)
        extra: dict[int, list[_Row]] = {}
        for i, p in enumerate(prepared):
            found: list[_Row] = []
            wide = widen and p.widened
            if self.delta.records:
                found.extend(self._delta_rows(p, wide))
            if wide:
                found.extend(self._block_rows(p, limit))
            if found:
                extra[i] = found
        return prepared, top, extra

    def _delta_rows(self, p: Prepared, wide: bool) -> list[_Row]:
        if wide:
            keys: Iterable[str] = list(self.delta.records)
        else:
            keys = set().union(*(self.delta.probe(v) for v in p.ensure_variants()))
        rows: list[_Row] = []
        for key in sorted(keys):
            rec = self.delta.records[key]
            inb = wide and _agrees(p.attrs, rec.attributes)
            best = best_reading(self.config, p, rec.folded, rec.attributes, inb)
            if best is not None:
                (neg, units, _), j, d, _ = best
                rows.append(((neg, units, key), key, -1, rec.folded, rec.attributes, units, d, j))
        return rows

    def _block_rows(self, p: Prepared, limit: int) -> list[_Row]:
        """Best ``limit`` records of the query's block under the wide budget, ranked in
        bulk like the index path (each widening reading against every block candidate;
        the other readings are the index path's, and the merge keeps the best row)."""
        base = self.base
        found = np.array(self.blocks.scan(p, self.delta.tombstones), dtype=np.int64)
        if not len(found):
            return []
        widening = [j for j, r in enumerate(p.readings) if r.wide > r.k]
        rs = [p.readings[j] for j in widening]
        batch = QueryBatch(
            [r.folded for r in rs],
            [r.skeleton for r in rs],
            np.array([r.wide for r in rs], dtype=np.int64),
            [p.attrs] * len(rs),
            np.array([r.penalty for r in rs], dtype=np.int64),
        )
        owners = np.repeat(np.arange(len(rs), dtype=np.int64), len(found))
        pairs = (owners, np.tile(found, len(rs)))
        top = search(base, self.config, batch, limit, None, pairs, self.config.wide_budget)
        top = merge_readings(top, np.zeros(len(rs), np.int64), np.arange(len(rs)), limit)
        keys = base.keys.keys(top.ordinal) if len(top.ordinal) else []
        rows: list[_Row] = []
        for key, o, x, u, d, j in zip(keys, top.ordinal.tolist(), top.score.tolist(),
                                      top.units.tolist(), top.edits.tolist(),
                                      top.reading.tolist() if top.reading is not None else [],
                                      strict=True):  # fmt: skip
            row = (key, o, base.folded(o), None, u, d, widening[j])
            rows.append(((-round_score(x), u, key), *row))
        return rows

    def _candidates(
        self,
        prepared: list[Prepared],
        top: TopHits,
        extra: dict[int, list[_Row]],
        limit: int,
    ) -> list[list[Candidate]]:
        """Lazy candidates from compact top rows (plus delta and block rows, merged by
        rank key)."""
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
        reads = top.reading.tolist() if top.reading is not None else [0] * n
        bounds = np.searchsorted(top.owner, np.arange(len(prepared) + 1)).tolist()
        new, cls = object.__new__, _LazyCandidate
        out: list[list[Candidate]] = []
        for i, p in enumerate(prepared):
            ctxs = [(r.folded, p, p.attrs, costs, r.penalty) for r in p.readings]
            found: list[Candidate] = []
            for r in range(bounds[i], bounds[i + 1]):
                c = new(cls)
                o, j = ords[r], reads[r]
                rd = p.readings[j]
                c.__dict__.update(key=keys[r], ordinal=o, score=scores[r], serial=folded[r],
                                  cost=costs_e[r], edits=edits[r], reading=rd.name,
                                  set_aside=rd.set_aside, _ctx=(ctxs[j], base, o))  # fmt: skip
                found.append(c)
            more = extra.get(i)
            if more:
                found = self._merge_rows(found, more, p, ctxs, limit)
            conf = confidences(found, p.widened, self.chance(), len(p.readings))
            for cand, x in zip(found, conf, strict=True):
                cand.__dict__["confidence"] = x
            out.append(found)
        return out

    def _merge_rows(
        self,
        found: list[Candidate],
        extra: list[_Row],
        p: Prepared,
        ctxs: Sequence[tuple[object, ...]],
        limit: int,
    ) -> list[Candidate]:
        # A record found by the index and by the block (or the delta) keeps the reading
        # the exhaustive scan would: best (-score, units), then the first reading.
        slot = {id(ctx): j for j, ctx in enumerate(ctxs)}
        rows: list[tuple[tuple[float, int, str, int], Candidate]] = [
            ((-c.score, round(c.cost * UNIT), c.key, slot[id(c.__dict__["_ctx"][0])]), c)
            for c in found
        ]
        for rk, key, o, f, attrs, u, d, j in extra:
            values: dict[str, object] = {
                "key": key, "ordinal": o, "score": -rk[0], "serial": f, "cost": u / UNIT,
                "edits": d, "reading": p.readings[j].name,
                "set_aside": p.readings[j].set_aside,
                "_ctx": (ctxs[j], self.base if o >= 0 else None, o),
            }  # fmt: skip
            if attrs is not None:
                values["attributes"] = attrs
            rows.append(((*rk, j), _lazy(values)))
        rows.sort(key=lambda t: t[0])
        out: list[Candidate] = []
        seen: set[str] = set()
        for _, c in rows:
            if c.key not in seen:
                seen.add(c.key)
                out.append(c)
                if len(out) == limit:
                    break
        return out

    def exhaustive_query(self, serial: str, make: str | None = None, model: str | None = None,
                         calibre: str | None = None, weapon_type: str | None = None,
                         limit: int = 10, widen: bool = True) -> list[Candidate]:  # fmt: skip
        """Brute-force reference: same acceptance and ranking over every live record."""
        p = self._prepare(Query(serial, make, model, calibre, weapon_type))
        if not p.readings:
            return []
        wide = widen and p.widened
        if self._skeletons is None:
            self._skeletons = [to_skeleton(f) for f in self.base.all_folded()]
        near: set[int] = set()
        for r in p.readings:
            cut = r.wide if wide else r.k
            dists = process.cdist([r.skeleton], self._skeletons, scorer=OSA.distance,
                                  score_cutoff=cut, dtype=np.int32)[0]  # fmt: skip
            near.update(np.flatnonzero(dists <= cut).tolist())
        base, dead = self.base, self.delta.tombstones
        scored = []
        for o in sorted(near - dead):
            f, attrs = base.folded(o), base.attributes(o)
            best = best_reading(self.config, p, f, attrs, wide and _agrees(p.attrs, attrs))
            if best is not None:
                scored.append((best, base.keys.key(o), o, f, attrs))
        for key, rec in self.delta.records.items():
            inb = wide and _agrees(p.attrs, rec.attributes)
            best = best_reading(self.config, p, rec.folded, rec.attributes, inb)
            if best is not None:
                scored.append((best, key, -1, rec.folded, rec.attributes))
        scored.sort(key=lambda t: (t[0][0][0], t[0][0][1], t[1]))
        found = [self._full(p, *row) for row in scored[:limit]]
        conf = confidences(found, p.widened, self.chance(), len(p.readings))
        return [replace(c, confidence=x) for c, x in zip(found, conf, strict=True)]

    def _full(
        self,
        p: Prepared,
        best: tuple[tuple[float, int, int], int, int, int],
        key: str,
        o: int,
        f: str,
        attrs: Mapping[str, str | None],
    ) -> Candidate:
        (neg, units, _), j, d, _ = best
        r: Reading = p.readings[j]
        _, ops = align(r.folded, f, self.config.costs)
        _, attr_lines = attribute_agreement(p.attrs, attrs)
        lines = explain_ops(ops) + list(p.folded.steps) + attr_lines
        return Candidate(key, o, -neg, f, units / UNIT, d, tuple(lines), tuple(ops), attrs,
                         r.name, r.set_aside)  # fmt: skip


def _agrees(q: Mapping[str, str | None], rec: Mapping[str, str | None]) -> bool:
    """The record is in the query's block: it has every given attribute, equal."""
    return all(rec.get(k) == v for k, v in q.items() if v is not None)


def _pool_hits(
    args: tuple[list[Query], int, bool],
) -> tuple[list[Prepared], TopHits, dict[int, list[_Row]]]:
    assert _POOL_ENGINE is not None
    return _POOL_ENGINE._hits(*args)
