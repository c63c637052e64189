"""Serial distances: a unit-cost filter on skeletons and a weighted, explainable distance.

Acceptance uses the optimal-string-alignment (restricted Damerau) distance on skeletons
(rapidfuzz, bit-parallel): look-alikes are already folded away, so a pair is "within
budget" by counting real edits only. Ranking and explanation use a weighted OSA on the
folded strings, where a look-alike substitution costs less than a real one, so "O→0"
ranks above "3→8" and can be shown to the analyst.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA

from kalibar.reference.fold import STAR, UNKNOWN, skeleton_char, to_skeleton_keep_star

from .config import UNIT, Costs


class EditOp(NamedTuple):
    """One step of the alignment, query → record (positions index the folded strings).

    ``kind``: match, lookalike, substitute, unknown (``?``), delete (extra query
    character), insert (record character missing from the query), transpose, star
    (characters covered by ``*``).
    """

    kind: str
    q: int
    r: int
    qc: str
    rc: str
    cost: float


def skeleton_distance(q_skel: str, r_skel: str, cutoff: int) -> int:
    """Unit-cost OSA distance, or ``cutoff + 1`` when it exceeds ``cutoff``."""
    return int(OSA.distance(q_skel, r_skel, score_cutoff=cutoff))


def _sub(x: str, y: str, c: tuple[int, int, int, int, int]) -> int:
    if x == y:
        return 0
    if x == UNKNOWN:
        return c[3]
    if skeleton_char(x) == skeleton_char(y):
        return c[0]
    return c[1]


@lru_cache(maxsize=8192)
def _table(a: str, b: str, c: tuple[int, int, int, int, int]) -> list[list[int]]:
    """Full weighted-OSA DP table (integer costs) for query ``a`` and record ``b``.

    Cached: ranking computes the cost and, for the returned few, the traceback."""
    look, edit, trans, unk, star = c
    n = len(b)
    sa = to_skeleton_keep_star(a)
    sb = to_skeleton_keep_star(b)
    prev2: list[int] = []
    prev = [j * edit for j in range(n + 1)]
    rows = [prev]
    for i in range(1, len(a) + 1):
        x = a[i - 1]
        sx = sa[i - 1]
        if x == STAR:
            cur = [prev[0]] + [0] * n
            absorb = min(star, edit)
            for j in range(1, n + 1):
                best = prev[j]
                v = cur[j - 1] + absorb
                cur[j] = v if v < best else best
            prev2, prev = prev, cur
            rows.append(cur)
            continue
        miss = unk if x == UNKNOWN else edit
        cur = [prev[0] + miss] + [0] * n
        tx = i > 1 and a[i - 2] != STAR
        px = sa[i - 2] if i > 1 else ""
        for j in range(1, n + 1):
            y = b[j - 1]
            best = prev[j] + miss
            v = cur[j - 1] + edit
            if v < best:
                best = v
            v = prev[j - 1] + (0 if x == y else (look if sx == sb[j - 1] else miss))
            if v < best:
                best = v
            if tx and j > 1 and sx == sb[j - 2] and px == sb[j - 1] and sx != px:
                v = prev2[j - 2] + trans + (look if x != b[j - 2] else 0)
                v += look if a[i - 2] != y else 0
                if v < best:
                    best = v
            cur[j] = best
        prev2, prev = prev, cur
        rows.append(cur)
    return rows


def weighted_cost_units(a: str, b: str, c: tuple[int, int, int, int, int]) -> int:
    """Weighted OSA cost in hundredths of an edit (integer, so paths agree exactly)."""
    if a == b:
        return 0
    look, edit, trans, unk, _ = c
    if len(a) == len(b) and trans >= 2 * look and STAR not in a:
        # Same length and look-alike-equal: the diagonal alignment wins unless it costs
        # more than any alternative could (a transposition or a pair of indels).
        diag = 0
        for x, y in zip(a, b, strict=True):
            if x != y:
                s = _sub(x, y, c)
                if s > look:
                    break
                diag += s
        else:
            if diag <= 2 * min(edit, unk):
                return diag
    return _table(a, b, c)[-1][-1]


def align(a: str, b: str, costs: Costs) -> tuple[float, list[EditOp]]:
    """Weighted OSA cost (in edits) of query ``a`` vs record ``b`` plus the edit script."""
    c = costs.scaled
    look, edit, trans, unk, star = c
    rows = _table(a, b, c)
    ops: list[EditOp] = []
    i, j = len(a), len(b)
    while i > 0 or j > 0:
        here = rows[i][j]
        x = a[i - 1] if i else ""
        y = b[j - 1] if j else ""
        is_star = x == STAR
        if i and j and not is_star:
            s = 0 if x == y else _sub(x, y, c)
            if rows[i - 1][j - 1] + s == here:
                kind = "match" if s == 0 else ("unknown" if x == UNKNOWN else "substitute")
                if s > 0 and kind == "substitute" and skeleton_char(x) == skeleton_char(y):
                    kind = "lookalike"
                ops.append(EditOp(kind, i - 1, j - 1, x, y, s / UNIT))
                i, j = i - 1, j - 1
                continue
            if i > 1 and j > 1 and a[i - 2] != STAR:
                sx, sy = skeleton_char(x), skeleton_char(y)
                px, py = skeleton_char(a[i - 2]), skeleton_char(b[j - 2])
                if sx == py and px == sy and sx != px:
                    v = trans + (look if x != b[j - 2] else 0) + (look if a[i - 2] != y else 0)
                    if rows[i - 2][j - 2] + v == here:
                        ops.append(EditOp("transpose", i - 2, j - 2, a[i - 2 : i],
                                          b[j - 2 : j], v / UNIT))  # fmt: skip
                        i, j = i - 2, j - 2
                        continue
        if i:
            drop = 0 if is_star else (unk if x == UNKNOWN else edit)
            if rows[i - 1][j] + drop == here:
                if not is_star:
                    ops.append(EditOp("delete", i - 1, -1, x, "", drop / UNIT))
                i -= 1
                continue
        absorb = min(star, edit) if is_star else edit
        assert j and rows[i][j - 1] + absorb == here
        ops.append(EditOp("star" if is_star else "insert", i - 1, j - 1, x, y, absorb / UNIT))
        j -= 1
    ops.reverse()
    return rows[-1][-1] / UNIT, ops


def align_known(a: str, b: str, costs: Costs, units: int) -> tuple[float, list[EditOp]]:
    """:func:`align` when the weighted cost (``units``) is already known.

    For equal lengths, if the diagonal alone costs ``units`` it is optimal, every prefix
    of it is optimal too, and :func:`align`'s traceback (which tries the diagonal step
    first) walks exactly that diagonal: build the script without the DP table."""
    if len(a) == len(b) and STAR not in a:
        c = costs.scaled
        ops: list[EditOp] = []
        total = 0
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            s = 0 if x == y else _sub(x, y, c)
            total += s
            if total > units:
                break
            kind = "match" if s == 0 else ("unknown" if x == UNKNOWN else "substitute")
            if s > 0 and kind == "substitute" and skeleton_char(x) == skeleton_char(y):
                kind = "lookalike"
            ops.append(EditOp(kind, i, i, x, y, s / UNIT))
        else:
            if total == units:
                return units / UNIT, ops
    return align(a, b, costs)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def explain_ops(ops: list[EditOp]) -> list[str]:
    """Human-readable lines for an edit script, e.g. "serial: 1 substitution O→0 (look-alike)"."""
    by: dict[str, list[EditOp]] = {}
    for op in ops:
        by.setdefault(op.kind, []).append(op)
    lines: list[str] = []
    if ops and set(by) == {"match"}:
        return ["serial: exact match"]
    if "lookalike" in by:
        pairs = ", ".join(f"{o.qc}→{o.rc}" for o in by["lookalike"])
        n = len(by["lookalike"])
        lines.append(f"serial: {_plural(n, 'substitution')} {pairs} (look-alike)")
    if "substitute" in by:
        pairs = ", ".join(f"{o.qc}→{o.rc}" for o in by["substitute"])
        lines.append(f"serial: {_plural(len(by['substitute']), 'substitution')} {pairs}")
    if "unknown" in by:
        pairs = ", ".join(f"?→{o.rc}" for o in by["unknown"])
        n = len(by["unknown"])
        lines.append(f"serial: {_plural(n, 'unreadable character')} {pairs} (spends budget)")
    for o in by.get("transpose", []):
        lines.append(f"serial: transposition {o.qc}→{o.rc}")
    if "delete" in by:
        chars = "".join(o.qc for o in by["delete"])
        n = len(by["delete"])
        lines.append(f"serial: {_plural(n, 'extra character')} in query ({chars!r})")
    if "insert" in by:
        chars = "".join(o.rc for o in by["insert"])
        n = len(by["insert"])
        lines.append(f"serial: {_plural(n, 'character')} missing from query ({chars!r})")
    if "star" in by:
        chars = "".join(o.rc for o in by["star"])
        lines.append(f"serial: unreadable run * covered {chars!r}")
    return lines
