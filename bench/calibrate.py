"""Fit the candidate confidence (``kalibar/matching/calibration.json``) offline.

    .venv/bin/python bench/calibrate.py --sizes 100000,400000 --per-family 300

Builds training registers of both generators — ``bench/misreadings.py`` (families) and
``kalibar.demo.matching`` (``bench/second_check.py``'s slips) — at each size (the
random-match feature depends on how full the register is), with seeds of their own (not
the ones the benchmarks evaluate on), checks misread serials and serials that are not in
the register, and fits a logistic regression on the features of every returned candidate
(label: it is the true record). Writes the weights as data; the package never fits at
import. Fitting on two generators keeps the model from learning one generator's habits.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import second_check as second
from families import Record, build, queries, run
from misreadings import register
from sklearn.linear_model import LogisticRegression

from kalibar.demo.matching import generate_records
from kalibar.matching import MatchEngine, Query
from kalibar.matching.calibration import FEATURES, features, model

OUT = Path(__file__).resolve().parents[1] / "src/kalibar/matching/calibration.json"


def _rows(
    engine: MatchEngine, qs: list[tuple[str, Record, str, str | None]]
) -> tuple[list[list[float]], list[int]]:
    x: list[list[float]] = []
    y: list[int] = []
    chance = engine.chance()
    for (_, rec, typed, make), o in zip(qs, run(engine, iter(qs)), strict=True):
        n_readings = len(engine._prepare(Query(typed, make=make)).readings)
        for j, c in enumerate(o.cands):
            x.append(features(o.cands, j, make is not None, chance, n_readings))
            y.append(int(c.key == rec[0]))
    return x, y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100000,400000")
    ap.add_argument("--per-family", type=int, default=300)
    ap.add_argument("--seed", type=int, default=101)
    args = ap.parse_args()
    if json.loads(OUT.read_text())["features"] != list(FEATURES):
        # a new feature list: start from a neutral model (confidence is not a feature)
        zero = {"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "intercept": 0.0}
        OUT.write_text(json.dumps(zero))
        model.cache_clear()
    x: list[list[float]] = []
    y: list[int] = []
    for size in (int(v) for v in args.sizes.split(",")):
        both = register(size + size // 5, seed=args.seed)
        records, outside = both[:size], both[size:]
        engine = build(records)
        for qs in (
            list(queries(records, args.per_family, args.seed + 1)),
            list(queries(outside, args.per_family, args.seed + 2)),
        ):
            xs, ys = _rows(engine, qs)
            x += xs
            y += ys
        del engine
        synth = generate_records(size + size // 5, seed=args.seed + 50)
        records2, outside2 = synth[:size], synth[size:]
        engine = second.engine(records2)
        for qs in (
            second.checks(records2, args.per_family, random.Random(args.seed + 51)),
            second.checks(outside2, args.per_family // 2, random.Random(args.seed + 52)),
        ):
            xs, ys = _rows(engine, qs)
            x += xs
            y += ys
        del engine
        print(f"register of {size:,}: {len(y):,} candidates so far, {sum(y):,} true")
    xa, ya = np.array(x), np.array(y)
    fit = LogisticRegression(C=1.0, max_iter=4000).fit(xa, ya)
    # The hit alert's model: no feature that depends on which register was searched
    # (the two hit paths search different ones), so Chance is left out (weight 0).
    cut = FEATURES.index("chance")
    alert = LogisticRegression(C=1.0, max_iter=4000).fit(np.delete(xa, cut, axis=1), ya)
    alert_w = [round(float(w), 6) for w in alert.coef_[0]]
    alert_w.insert(cut, 0.0)
    data = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in fit.coef_[0]],
        "intercept": round(float(fit.intercept_[0]), 6),
        "alert": {"weights": alert_w, "intercept": round(float(alert.intercept_[0]), 6)},
        "fitted": f"bench/calibrate.py --sizes {args.sizes} --per-family "
        f"{args.per_family} --seed {args.seed}: {len(y)} candidates, {sum(y)} true, "
        f"{datetime.now(UTC):%Y-%m-%d}",
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
