"""Recall by misreading family, score calibration (AUC) and latency at register scale.

    .venv/bin/python bench/families.py --records 1000000 --per-family 300 --batch 100000

Builds a register with ``bench/misreadings.py`` (its own serial formats), misreads
records family by family (script readings, keyboard, look-alikes, labels, designations,
1/2/3 real errors with and without make, obliteration) and checks each as an officer
would (``MatchEngine.query``, catalogue designations on, top 10). Serials of a second,
disjoint register are misread the same way: their best candidate is what a serial that
is not in the register scores. Prints recall@1/@10 per family and overall, the AUC of
the true record's score against those best candidates (raw score and calibrated
confidence), precision and recall of the hit alert threshold, single-check p50/p99,
the batch and bytes per record.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from misreadings import FAMILIES, applies, misread, register

from kalibar.app import assemble
from kalibar.matching import Candidate, MatchConfig, MatchEngine, Query
from kalibar.matching.designations import catalogue_designations

Record = tuple[str, str, str, str, str, str]


@dataclass
class Outcome:
    family: str
    typed: str
    make: str | None
    rank: int | None  # of the true record (None: not in the top 10, or absent)
    cands: list[Candidate] = field(default_factory=list)
    seconds: float = 0.0
    alert: list[float] = field(default_factory=list)  # hit alert confidences


def build(records: list[Record]) -> MatchEngine:
    return MatchEngine.build(records, MatchConfig(), designations=catalogue_designations())


def queries(
    records: list[Record], per_family: int, seed: int
) -> Iterator[tuple[str, Record, str, str | None]]:
    r = random.Random(seed)
    for family in FAMILIES:
        made = tries = 0
        while made < per_family and tries < per_family * 50:
            tries += 1
            rec = records[r.randrange(len(records))]
            if not applies(family, rec[1]):
                continue
            typed, make = misread(family, rec, r)
            made += 1
            yield family, rec, typed, make


def run(engine: MatchEngine, qs: Iterator[tuple[str, Record, str, str | None]]) -> list[Outcome]:
    out = []
    for family, rec, typed, make in qs:
        t = time.perf_counter()
        cands = engine.query(typed, make=make, limit=10)
        dt = time.perf_counter() - t
        keys = [c.key for c in cands]
        rank = keys.index(rec[0]) if rec[0] in keys else None
        alert = engine.alert_confidences(Query(typed, make=make), cands)
        out.append(Outcome(family, typed, make, rank, cands, dt, alert))
    return out


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count 1/2)."""
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    i = 0
    while i < len(allv):  # average ranks of ties
        j = i
        while j + 1 < len(allv) and sorted_v[j + 1] == sorted_v[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def true_and_best(
    present: list[Outcome], absent: list[Outcome], attr: str, found_only: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of the true record (0 when not returned, or left out with ``found_only``)
    and of the best candidate of each absent serial (0 when none)."""
    pos = np.array(
        [
            getattr(o.cands[o.rank], attr) if o.rank is not None else 0.0
            for o in present
            if o.rank is not None or not found_only
        ]
    )
    neg = np.array([getattr(o.cands[0], attr) if o.cands else 0.0 for o in absent])
    return pos, neg


def report(present: list[Outcome], absent: list[Outcome]) -> None:
    print(f"{'family':26} {'n':>5} {'@1':>6} {'@10':>6}")
    for fam in FAMILIES:
        got = [o for o in present if o.family == fam]
        if got:
            r1 = sum(o.rank == 0 for o in got) / len(got)
            r10 = sum(o.rank is not None for o in got) / len(got)
            print(f"{fam:26} {len(got):5d} {r1:6.3f} {r10:6.3f}")
    n = len(present)
    r1 = sum(o.rank == 0 for o in present) / n
    r10 = sum(o.rank is not None for o in present) / n
    print(f"{'overall':26} {n:5d} {r1:6.3f} {r10:6.3f}")
    for attr in ("score", "confidence"):
        pos, neg = true_and_best(present, absent, attr)
        found = auc(*true_and_best(present, absent, attr, found_only=True))
        print(
            f"AUC ({attr:10})      {auc(pos, neg):.3f} (misses scored 0), {found:.3f} "
            f"(true record returned) vs best candidate of {len(neg)} absent serials"
        )
    for attr, levels in (("confidence", (0.5, 0.6, 0.7, 0.8, 0.9)), ("score", (0.8, 0.85, 0.9))):
        _, neg = true_and_best(present, absent, attr)
        top_true = np.array([getattr(o.cands[0], attr) if o.rank == 0 else -1.0 for o in present])
        wrong_top = np.array(
            [getattr(o.cands[0], attr) for o in present if o.cands and o.rank != 0], dtype=float
        )
        for thr in levels:
            tp = int((top_true >= thr).sum())
            fp = int((neg >= thr).sum()) + int((wrong_top >= thr).sum())
            prec = tp / max(tp + fp, 1)
            print(f"alert at {attr} >= {thr:.2f}: precision {prec:.3f}, recall {tp / n:.3f}")
    # The hit alert as shipped: score >= the alert threshold and alert confidence >= C.
    for s_min, c_min in ((0.9, 0.0), (0.9, 0.5), (0.9, 0.8), (0.8, 0.8), (0.0, 0.8), (0.0, 0.9)):

        def alerts(o: Outcome, s_min: float = s_min, c_min: float = c_min) -> bool:
            return bool(o.cands) and o.cands[0].score >= s_min and o.alert[0] >= c_min

        tp = sum(1 for o in present if o.rank == 0 and alerts(o))
        fp = sum(1 for o in absent if alerts(o)) + sum(
            1 for o in present if o.rank != 0 and alerts(o)
        )
        print(
            f"hit alert score >= {s_min:.2f} and alert confidence >= {c_min:.1f}: "
            f"precision {tp / max(tp + fp, 1):.3f}, recall {tp / n:.3f}"
        )
    every = present + absent
    groups = (
        ("single check", [o.seconds for o in every]),
        ("  without make", [o.seconds for o in every if not o.make]),
        ("  with make (wide)", [o.seconds for o in every if o.make]),
    )
    for name, secs in groups:
        if secs:
            v = np.array(secs) * 1000
            p50, p99 = np.percentile(v, 50), np.percentile(v, 99)
            print(f"{name:20} p50 {p50:.2f} ms, p99 {p99:.2f} ms over {len(v)}")


def batch_run(engine: MatchEngine, records: list[Record], n: int, seed: int, workers: int) -> None:
    rng = random.Random(seed)
    batch = []
    while len(batch) < n:
        rec = records[rng.randrange(len(records))]
        fam = rng.choice(list(FAMILIES))
        if applies(fam, rec[1]):
            typed, make = misread(fam, rec, rng)
            batch.append(Query(typed, make=make))
    t = time.perf_counter()
    res = engine.query_batch(batch, workers=workers)
    took = time.perf_counter() - t
    print(f"batch                {n:,} queries in {took:.1f} s ({sum(map(len, res)):,} candidates)")


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--per-family", type=int, default=300)
    ap.add_argument("--batch", type=int, default=0, help="queries in a batch run (0: none)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    t = time.perf_counter()
    both = register(args.records + args.records // 10, seed=args.seed)
    records, outside = both[: args.records], both[args.records :]
    engine = build(records)
    took = time.perf_counter() - t
    print(f"register             {args.records:,} records, generated and built in {took:.1f} s")
    total = sum(engine.base.nbytes().values())
    print(f"index bytes/record   {total / args.records:.1f}")
    run(engine, queries(records, 20, args.seed + 7))  # warm up
    present = run(engine, queries(records, args.per_family, args.seed + 1))
    absent = run(engine, queries(outside, args.per_family // 3, args.seed + 2))
    report(present, absent)
    if args.batch:
        batch_run(engine, records, args.batch, args.seed + 3, args.workers)


if __name__ == "__main__":
    main()
