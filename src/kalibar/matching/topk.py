"""Top rows per query: exact ranking of the verified pairs of a batch, and the merge of
a query's readings into one ranked list (see :mod:`kalibar.matching.vector`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TopHits:
    """Top rows of a batch, sorted by query then rank: compact arrays only."""

    owner: np.ndarray  # query index
    ordinal: np.ndarray  # base ordinal
    score: np.ndarray  # float64, not yet rounded (see :func:`round_score`)
    units: np.ndarray  # weighted cost in hundredths of an edit
    edits: np.ndarray  # skeleton distance
    reading: np.ndarray | None = None  # which reading of the query (after merge_readings)


def round_score(x: float) -> float:
    return round(x, 6)


def top_hits(
    owners: np.ndarray, ords: np.ndarray, x: np.ndarray, units: np.ndarray, d: np.ndarray,
    limit: int,
) -> TopHits:  # fmt: skip
    """Per query: the rows ranked by ``(-round(x, 6), units, ordinal)``, first ``limit``.

    numpy sorts on the unrounded score; rounding can only merge scores closer than
    1e-6, so only queries with such near-ties (rare) are re-ordered in Python.
    """
    order = np.lexsort((ords, units, -x, owners))
    owners, ords, x, units, d = owners[order], ords[order], x[order], units[order], d[order]
    n = len(owners)
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts)
    gap = np.r_[np.abs(np.diff(x)), np.inf]
    same_owner = np.r_[owners[1:] == owners[:-1], False]
    near = same_owner & (gap > 0) & (gap < 2e-6)
    keep = rank < limit
    fix = np.unique(owners[near & (rank < limit)])
    if len(fix):
        keep &= ~np.isin(owners, fix)
        extra = []
        for q in fix.tolist():
            i = int(np.searchsorted(owners, q))
            j = i + int(counts[np.searchsorted(starts, i)])
            rows = sorted(
                range(i, j),
                key=lambda r: (-round_score(float(x[r])), int(units[r]), int(ords[r])),
            )
            extra.extend(rows[:limit])
        sel = np.sort(np.r_[np.flatnonzero(keep), np.array(extra, dtype=np.int64)])
        # Re-sorted rows of a fixed query must keep their Python order: rebuild by owner.
        pos = {r: k for k, r in enumerate(extra)}
        sel = np.array(
            sorted(sel.tolist(), key=lambda r: (int(owners[r]), pos.get(r, r))), dtype=np.int64
        )
    else:
        sel = np.flatnonzero(keep)
    return TopHits(owners[sel], ords[sel], x[sel], units[sel], d[sel])


def merge_readings(top: TopHits, query: np.ndarray, reading: np.ndarray, limit: int) -> TopHits:
    """Top rows of reading rows (``query[row]``, ``reading[row]`` of each batch row) →
    top ``limit`` rows per query, one per record: its best reading by
    ``(-round(score, 6), units, reading)``, ranked by ``(-round(score, 6), units,
    ordinal)``. Exact, because a record among a query's best ``limit`` is among the best
    ``limit`` of the reading that scores it best."""
    q = query[top.owner]
    rd = reading[top.owner]
    if not len(top.owner) or not (query[1:] == query[:-1]).any():
        # no rows, or one reading per query: the rows are final already
        return TopHits(q, top.ordinal, top.score, top.units, top.edits, rd)
    rounded = np.array(list(map(round_score, top.score.tolist())), dtype=np.float64)
    order = np.lexsort((rd, top.ordinal, top.units, -rounded, q))
    q, o = q[order], top.ordinal[order]
    # best reading of each (query, record): first of its run in (query, ordinal) order
    by_rec = np.lexsort((np.arange(len(order)), o, q))
    first = np.r_[True, (q[by_rec][1:] != q[by_rec][:-1]) | (o[by_rec][1:] != o[by_rec][:-1])]
    keep = np.zeros(len(order), dtype=bool)
    keep[by_rec[first]] = True
    sel = np.flatnonzero(keep)
    qs = q[sel]
    starts = np.flatnonzero(np.r_[True, qs[1:] != qs[:-1]]) if len(qs) else np.empty(0, np.int64)
    rank = np.arange(len(qs)) - np.repeat(starts, np.diff(np.r_[starts, len(qs)]))
    sel = sel[rank < limit]
    pick = order[sel]
    return TopHits(
        q[sel], top.ordinal[pick], top.score[pick], top.units[pick], top.edits[pick], rd[pick]
    )
