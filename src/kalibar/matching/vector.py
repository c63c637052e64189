"""Vectorised candidate generation, verification and scoring for many queries at once.

A batch of queries is one equi-join: every query's deletion-variant hashes meet the
sorted base array in one ``searchsorted`` pass, giving (query, record) pairs. The pairs
are then filtered in bulk:

1. length filter (numpy): ``|len(q) - len(r)|`` must not exceed the pair's budget;
2. unit OSA on skeletons: acceptance. Large batches group the pairs by (query length,
   record length) and run a banded DP across each group in numpy (:func:`unit_osa`);
   small ones make one rapidfuzz call per pair;
3. weighted cost, exact, without the Python DP for most pairs. With ``d`` the skeleton
   distance and ``d_f`` the OSA distance on folded strings (look-alikes count), every
   alignment costs at least ``lower_bound(d, d_f)`` (see :func:`cost_lower_bound`); the
   cost is known exactly when an alignment reaching that bound exists (the folded
   OSA path when ``d_f == d`` and all edit kinds cost the same; the diagonal for equal
   lengths). The remaining pairs run the same weighted OSA as
   :func:`kalibar.matching.distance.weighted_cost_units`, vectorised across pairs of
   equal length shape (numpy), or in Python when only a few remain.
4. scores and attribute agreement in numpy (IEEE-identical to the Python functions), top
   ``limit`` per query chosen by a lexicographic sort; Python only rounds and orders the
   few rows whose rounded scores could tie.

Everything here is exact: the engine's property test compares the result with the
brute-force scan ranked by the reference (pure Python) functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

from kalibar.reference.fold import ASCII_SKEL, STAR, UNKNOWN, to_skeleton, to_skeleton_keep_star

from .config import UNIT, EditBudget, MatchConfig
from .distance import weighted_cost_units
from .hashing import deletion_variants, encode, hash_strings, variant_hashes
from .index import BaseIndex
from .topk import TopHits, top_hits

_SKEL256 = np.frombuffer(bytes(range(256)).translate(ASCII_SKEL), dtype=np.uint8).astype(np.uint32)
_QMARK = ord(UNKNOWN)
Scaled = tuple[int, int, int, int, int]
#: Below this many pairs of one length shape, the Python DP beats numpy's call overhead.
_NUMPY_DP_MIN = 24
#: Below this many queries, variants are generated as (de-duplicated) strings.
_STRING_VARIANTS_MAX = 32
#: From this many candidate pairs on, verification runs grouped in numpy.
_GROUPED_MIN = 4096


@dataclass
class QueryBatch:
    """Per-query arrays for a batch (``folded`` may contain ``*``; skeletons never)."""

    folded: list[str]
    skeleton: list[str]
    k: np.ndarray  # int64 budget per query
    attrs: list[dict[str, str | None]]
    penalty: np.ndarray | None = None  # int64 units added to every pair (reading cost)

    def __len__(self) -> int:
        return len(self.folded)


def variant_hashes_batch(skeletons: Sequence[str], ks: np.ndarray) -> tuple[np.ndarray, ...]:
    """Hashes of every query's deletion variants and the owning query index."""
    if len(skeletons) <= _STRING_VARIANTS_MAX:
        variants: list[str] = []
        counts = []
        for s, k in zip(skeletons, ks.tolist(), strict=True):
            v = deletion_variants(s, k) if s else set()
            variants.extend(v)
            counts.append(len(v))
        owner = np.repeat(np.arange(len(skeletons)), counts)
        return hash_strings(variants), owner
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (s, k) in enumerate(zip(skeletons, ks.tolist(), strict=True)):
        if s:
            groups.setdefault((len(s), min(k, len(s))), []).append(i)
    hashes, owners = [], []
    for (length, k), idx in groups.items():
        codes = encode([skeletons[i] for i in idx], length)
        own = np.array(idx, dtype=np.int64)
        for h in variant_hashes(codes, k):
            hashes.append(h)
            owners.append(own)
    if not hashes:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    return np.concatenate(hashes), np.concatenate(owners)


class RecordText:
    """Folded serials of base records as bytes (ASCII blobs) or str, by ordinal."""

    def __init__(self, base: BaseIndex) -> None:
        self.base = base
        self.plain = base.plain_ascii()

    def lengths(self, ords: np.ndarray) -> np.ndarray:
        off = self.base.offsets
        return off[ords + 1].astype(np.int64) - off[ords].astype(np.int64)

    def _slices(self, ords: np.ndarray, skeleton: bool) -> list[bytes]:
        off = self.base.offsets
        starts = off[ords].tolist()
        ends = off[ords + 1].tolist()
        view = self.base.blob_view()
        out = [view[s:e].tobytes() for s, e in zip(starts, ends, strict=True)]
        return [x.translate(ASCII_SKEL) for x in out] if skeleton else out

    def folded(self, ords: np.ndarray) -> list[bytes] | list[str]:
        out = self._slices(ords, False)
        return out if self.plain else [x.decode() for x in out]

    def skeletons(self, ords: np.ndarray) -> list[bytes] | list[str]:
        if self.plain:
            return self._slices(ords, True)
        return [to_skeleton(f) for f in self.folded(ords)]  # type: ignore[arg-type]


def cost_lower_bound(d: np.ndarray, d_f: np.ndarray, c: Scaled) -> np.ndarray:
    """Least weighted cost (units) of any alignment with skeleton distance ``d`` and
    folded distance ``d_f``.

    Every step of the weighted OSA is either free at the skeleton level (match: 0,
    look-alike: ``look``) or a skeleton edit costing at least ``m = min(edit, unk,
    trans)`` (a transposition may add look-alike surcharges). An alignment with ``u``
    skeleton edits and ``l`` look-alike charges has ``u >= d`` and ``u + l >= d_f``, so
    it costs at least ``m*u + look*max(0, d_f - u)`` — linear in ``u``, minimal at an
    end of ``[d, max(d, d_f)]``. (Queries with ``*`` are never bounded this way.)
    """
    look, edit, trans, unk, _ = c
    m = min(edit, unk, trans)
    a = m * d + look * np.maximum(d_f - d, 0)
    b = m * np.maximum(d, d_f)
    return np.minimum(a, b)


def weighted_dp(
    a: np.ndarray, sa: np.ndarray, b: np.ndarray, sb: np.ndarray, c: Scaled
) -> np.ndarray:
    """:func:`~kalibar.matching.distance._table`'s last cell for many pairs of one shape.

    ``a``/``sa`` (query folded/skeleton codes) are ``(La, n)``, ``b``/``sb`` ``(Lb, n)``,
    transposed so each character column is contiguous. Queries must not contain ``*``.
    """
    look, edit, trans, unk, _ = c
    la, n = a.shape
    lb = b.shape[0]
    prev2: list[np.ndarray] = []
    prev = [np.full(n, j * edit, dtype=np.int32) for j in range(lb + 1)]
    for i in range(1, la + 1):
        x, sx = a[i - 1], sa[i - 1]
        qm = x == _QMARK
        miss = np.where(qm, unk, edit).astype(np.int32) if qm.any() else np.int32(edit)
        cur = [prev[0] + miss]
        for j in range(1, lb + 1):
            best = np.minimum(prev[j] + miss, cur[j - 1] + edit)
            y = b[j - 1]
            sub = np.where(x == y, 0, np.where(sx == sb[j - 1], look, miss))
            np.minimum(best, prev[j - 1] + sub, out=best)
            if i > 1 and j > 1:
                px = sa[i - 2]
                cond = (sx == sb[j - 2]) & (px == sb[j - 1]) & (sx != px)
                if cond.any():
                    v = prev2[j - 2] + trans + look * (x != b[j - 2]) + look * (a[i - 2] != y)
                    np.minimum(best, np.where(cond, v, best), out=best)
            cur.append(best)
        prev2, prev = prev, cur
    return prev[lb]


def _codes(strings: list[str], length: int) -> np.ndarray:
    return np.ascontiguousarray(encode(strings, length).T)


def exact_units(
    qf: list[str],
    rf: list[bytes] | list[str],
    d: np.ndarray,
    c: Scaled,
    plain: bool,
) -> np.ndarray:
    """Weighted cost units per pair (query folded ``qf[i]`` vs record folded ``rf[i]``),
    equal to :func:`weighted_cost_units`; ``d`` is the pairs' skeleton distance."""
    n = len(qf)
    units = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return units
    look, edit, trans, unk, _ = c
    star = np.fromiter((STAR in q for q in qf), dtype=bool, count=n)
    d_f = np.fromiter(map(OSA.distance, qf, rf), dtype=np.int64, count=n)
    lb = cost_lower_bound(d, d_f, c)
    if edit == unk == trans:
        done = (d_f == d) & ~star
        units[done] = edit * d[done]
    todo = np.flatnonzero(units < 0)
    if not len(todo):
        return units
    if not plain:
        for i in todo.tolist():
            units[i] = weighted_cost_units(qf[i], rf[i], c)  # type: ignore[arg-type]
        return units
    qlen = np.fromiter((len(qf[i]) for i in todo.tolist()), dtype=np.int64, count=len(todo))
    rlen = np.fromiter((len(rf[i]) for i in todo.tolist()), dtype=np.int64, count=len(todo))
    slow: list[int] = []
    shapes: dict[tuple[int, int], list[int]] = {}
    for i, la, lb_ in zip(todo.tolist(), qlen.tolist(), rlen.tolist(), strict=True):
        if star[i]:
            slow.append(i)
        else:
            shapes.setdefault((la, lb_), []).append(i)
    for (la, lrec), idx in shapes.items():
        if len(idx) < _NUMPY_DP_MIN:
            slow.extend(idx)
            continue
        ix = np.array(idx)
        a = _codes([qf[i] for i in idx], la)
        sa = _codes([to_skeleton_keep_star(qf[i]) for i in idx], la)
        raw = b"".join([rf[i] for i in idx])  # type: ignore[misc]
        b = np.frombuffer(raw, dtype=np.uint8).reshape(len(idx), lrec).T.astype(np.uint32)
        sb = _SKEL256[b]
        if la == lrec:
            # The diagonal alignment is one candidate; when it reaches the lower bound
            # it is optimal and the DP can be skipped.
            same_skel = sa == sb
            diag = np.where(a == b, 0, np.where(same_skel, look, np.where(a == _QMARK, unk, edit)))
            dsum = diag.sum(axis=0)
            hit = dsum == lb[ix]
            units[ix[hit]] = dsum[hit]
            if hit.all():
                continue
            rest = ~hit
            ix, a, sa, b, sb = ix[rest], a[:, rest], sa[:, rest], b[:, rest], sb[:, rest]
        units[ix] = weighted_dp(a, sa, b, sb, c)
    for i in slow:
        r = rf[i]
        units[i] = weighted_cost_units(qf[i], r.decode() if isinstance(r, bytes) else r, c)
    return units


def attribute_scores(
    base: BaseIndex, attrs: list[dict[str, str | None]], owner: np.ndarray, ords: np.ndarray
) -> np.ndarray:
    """Share of attributes known on both sides that agree, NaN when none comparable
    (as :func:`kalibar.matching.rank.attribute_agreement`)."""
    compared = np.zeros(len(ords), dtype=np.int64)
    agreed = np.zeros(len(ords), dtype=np.int64)
    for name, codes in base.codes.items():
        wanted = [a.get(name) for a in attrs]
        if all(w is None for w in wanted):
            continue
        vocab = {v: i for i, v in enumerate(base.vocab[name]) if v is not None}
        qcode = np.array([-2 if w is None else vocab.get(w, -1) for w in wanted], np.int64)
        qc = qcode[owner]
        rc = codes[ords].astype(np.int64)
        known = (qc != -2) & (rc != 0)
        compared += known
        agreed += known & (rc == qc)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(compared > 0, agreed / np.maximum(compared, 1), np.nan)


def combined_scores(
    units: np.ndarray, qlen: np.ndarray, rlen: np.ndarray, attr: np.ndarray, weight: float
) -> np.ndarray:
    """``combine(serial_score(...), attr, weight)`` before rounding, bit for bit."""
    denom = (UNIT * np.maximum(np.maximum(qlen, rlen), 1)).astype(np.float64)
    serial = np.maximum(0.0, 1.0 - units.astype(np.float64) / denom)
    mixed = weight * serial + (1.0 - weight) * attr
    return np.where(np.isnan(attr), serial, mixed)


#: Up to this many hashes (a check, a small batch) read the bucket directory of the
#: entries; more are binary-searched in sorted order (no directory needed).
FEW = 50_000


def search(
    base: BaseIndex,
    config: MatchConfig,
    batch: QueryBatch,
    limit: int,
    dead: set[int] | None = None,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    budget: EditBudget | None = None,
) -> TopHits:
    """Top ``limit`` base hits per query (exact ranking; see the module docstring).

    ``pairs`` (query row, ordinal) replaces the probe (the block search finds its own
    candidates); ``budget`` replaces the ordinary per-length budget of the records
    (the wide budget, with ``batch.k`` the queries' wide budgets)."""
    empty = np.empty(0, np.int64)
    none = TopHits(empty, empty, np.empty(0), empty, empty)
    if not len(batch) or limit <= 0:
        return none
    if pairs is None:
        hashes, owner = variant_hashes_batch(batch.skeleton, batch.k)
        probe = base.probe_few if len(hashes) <= FEW else base.probe_batch
        owners, ords = probe(hashes, owner)
    else:
        owners, ords = pairs
    if dead:
        keep = ~np.isin(ords, np.fromiter(dead, dtype=np.int64, count=len(dead)))
        owners, ords = owners[keep], ords[keep]
    if not len(ords):
        return none
    text = RecordText(base)
    budget = budget or config.budget
    qlen_sk = np.fromiter(map(len, batch.skeleton), dtype=np.int64, count=len(batch))
    if text.plain:
        # Pairs beyond the budget on length alone never reach the edit distance.
        rlen = text.lengths(ords)
        table = np.array([budget.for_length(n) for n in range(int(rlen.max()) + 1)])
        cutoff = np.minimum(batch.k[owners], table[rlen])
        keep = np.abs(qlen_sk[owners] - rlen) <= cutoff
        owners, ords, cutoff = owners[keep], ords[keep], cutoff[keep]
    else:
        rl = np.fromiter(map(len, text.skeletons(ords)), dtype=np.int64, count=len(ords))
        table = np.array([budget.for_length(n) for n in range(int(rl.max(initial=0)) + 1)])
        cutoff = np.minimum(batch.k[owners], table[rl])
    c = config.costs.scaled
    if text.plain and len(ords) >= _GROUPED_MIN:
        owners, ords, d, units, rlen_f = _pairs_numpy(text, batch, owners, ords, cutoff, c)
    else:
        owners, ords, d, units, rlen_f = _pairs_python(text, batch, owners, ords, cutoff, c)
    if not len(ords):
        return none
    if batch.penalty is not None:
        units = units + batch.penalty[owners]
    qlen_f = np.fromiter(map(len, batch.folded), dtype=np.int64, count=len(batch))[owners]
    attr = attribute_scores(base, batch.attrs, owners, ords)
    x = combined_scores(units, qlen_f, rlen_f, attr, config.serial_weight)
    return top_hits(owners, ords, x, units, d, limit)


Pairs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _pairs_python(
    text: RecordText, batch: QueryBatch, owners: np.ndarray, ords: np.ndarray,
    cutoff: np.ndarray, c: Scaled,
) -> Pairs:  # fmt: skip
    """Accept pairs and cost them one rapidfuzz call per pair (few pairs, or any blob).
    Returns accepted (owners, ordinals, edits, units, record folded lengths)."""
    qs = list(map(batch.skeleton.__getitem__, owners.tolist()))
    rs = text.skeletons(ords)
    d = np.fromiter(map(OSA.distance, qs, rs), dtype=np.int64, count=len(qs))
    acc = np.flatnonzero(d <= cutoff)
    owners, ords, d = owners[acc], ords[acc], d[acc]
    rf = text.folded(ords)
    qf = list(map(batch.folded.__getitem__, owners.tolist()))
    units = exact_units(qf, rf, d, c, text.plain)
    rlen = np.fromiter(map(len, rf), dtype=np.int64, count=len(rf))
    return owners, ords, d, units, rlen


def _ascii_codes(strings: Sequence[str]) -> np.ndarray:
    """``(n, max_len)`` uint8 codes, zero-padded; non-ASCII characters become 255.

    Safe for comparisons with records of a plain (ASCII) blob: 255 never equals a
    record byte, and query-query comparisons only matter where both sides equal record
    bytes (the transposition test)."""
    width = max(map(len, strings), default=0)
    out = np.zeros((len(strings), max(width, 1)), dtype=np.uint8)
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(strings):
        groups.setdefault(len(s), []).append(i)
    for n, idx in groups.items():
        if not n:
            continue
        joined = "".join(strings[i] for i in idx)
        if joined.isascii():
            raw = np.frombuffer(joined.encode(), dtype=np.uint8)
        else:
            cp = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
            raw = np.where(cp < 128, cp, 255).astype(np.uint8)
        out[idx, :n] = raw.reshape(len(idx), n)
    return out


def unit_osa(a: np.ndarray, b: np.ndarray, cap: int) -> np.ndarray:
    """``min(OSA distance, cap)`` for many pairs of one shape (``a``: ``(La, n)``,
    ``b``: ``(Lb, n)``), computing only the band ``|i - j| <= cap``."""
    la, n = a.shape
    lb = b.shape[0]
    top = np.full(n, cap, dtype=np.uint8)
    eq: dict[tuple[int, int], np.ndarray] = {}

    def same(i: int, j: int) -> np.ndarray:
        v = eq.get((i, j))
        if v is None:
            v = eq[(i, j)] = a[i] == b[j]
        return v

    prev2: list[np.ndarray] = []
    prev = [np.full(n, min(j, cap), dtype=np.uint8) for j in range(lb + 1)]
    for i in range(1, la + 1):
        cur = [top] * (lb + 1)
        cur[0] = np.full(n, min(i, cap), dtype=np.uint8)
        for j in range(max(1, i - cap), min(lb, i + cap) + 1):
            v = np.minimum(prev[j], cur[j - 1])
            v += 1
            w = prev[j - 1] + ~same(i - 1, j - 1)
            np.minimum(v, w, out=v)
            if i > 1 and j > 1:
                t = same(i - 1, j - 2) & same(i - 2, j - 1)
                if t.any():
                    np.minimum(v, np.where(t, prev2[j - 2] + 1, v), out=v)
            np.minimum(v, cap, out=v)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[lb]


def _pairs_numpy(
    text: RecordText, batch: QueryBatch, owners: np.ndarray, ords: np.ndarray,
    cutoff: np.ndarray, c: Scaled,
) -> Pairs:  # fmt: skip
    """As :func:`_pairs_python`, but every step runs in numpy on groups of pairs with
    equal (query, record) lengths; pairs of ``*`` queries go the Python way."""
    look, edit, trans, unk, _ = c
    star = np.fromiter((STAR in f for f in batch.folded), dtype=bool, count=len(batch))
    sp = star[owners]
    parts = []
    if sp.any():
        parts.append(_pairs_python(text, batch, owners[sp], ords[sp], cutoff[sp], c))
        owners, ords, cutoff = owners[~sp], ords[~sp], cutoff[~sp]
    qf_codes = _ascii_codes(batch.folded)
    qs_codes = _SKEL256[qf_codes].astype(np.uint8)
    qlen = np.fromiter(map(len, batch.folded), dtype=np.int64, count=len(batch))[owners]
    rlen = text.lengths(ords)
    starts = text.base.offsets[ords].astype(np.int64)
    blob = np.asarray(text.base.blob)
    shape = qlen * 256 + rlen
    order = np.argsort(shape, kind="stable")
    bounds = np.flatnonzero(np.r_[True, shape[order][1:] != shape[order][:-1], True])
    if not len(shape):
        bounds = bounds[:1]
    skel8 = _SKEL256.astype(np.uint8)
    for g0, g1 in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        ix = order[g0:g1]
        la, lr = int(qlen[ix[0]]), int(rlen[ix[0]])
        own = owners[ix]
        cut = cutoff[ix]
        k = int(cut.max())
        rb = blob[starts[ix][:, None] + np.arange(lr)].T.copy()
        rs = skel8[rb]
        qa = np.ascontiguousarray(qf_codes[own, :la].T)
        qs = np.ascontiguousarray(qs_codes[own, :la].T)
        d = unit_osa(qs, rs, k + 1).astype(np.int64)
        acc = d <= cut
        if not acc.any():
            continue
        ix, d = ix[acc], d[acc]
        qa, qs, rb, rs = qa[:, acc], qs[:, acc], rb[:, acc], rs[:, acc]
        d_f = unit_osa(qa, rb, k + 3).astype(np.int64)  # capped: still a lower bound
        lb = cost_lower_bound(d, d_f, c)
        units = np.full(len(ix), -1, dtype=np.int64)
        if edit == unk == trans:
            done = (d_f == d) & (d_f < k + 3)
            units[done] = edit * d[done]
        if la == lr:
            diag = np.where(
                qa == rb, 0, np.where(qs == rs, look, np.where(qa == _QMARK, unk, edit))
            )
            dsum = diag.sum(axis=0)
            hit = (units < 0) & (dsum == lb)
            units[hit] = dsum[hit]
        todo = units < 0
        if todo.any():
            units[todo] = weighted_dp(qa[:, todo], qs[:, todo], rb[:, todo], rs[:, todo], c)
        parts.append((owners[ix], ords[ix], d, units, np.full(len(ix), lr, dtype=np.int64)))
    if not parts:
        e = np.empty(0, np.int64)
        return e, e, e, e, e
    cat = [np.concatenate(p) for p in zip(*parts, strict=True)]
    return cat[0], cat[1], cat[2], cat[3], cat[4]
