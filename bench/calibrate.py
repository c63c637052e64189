"""Fit the candidate confidence (``kalibar/matching/calibration.json``) offline.

    .venv/bin/python bench/calibrate.py --records 200000 --per-family 400

Builds a training register with ``bench/misreadings.py`` (its own seed, not the one the
benchmark evaluates on), checks misread serials of every family and serials that are
not in the register, and fits a logistic regression on the features of every returned
candidate (label: it is the true record). Writes the weights as data; the package never
fits at import.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from families import build, queries, run
from misreadings import register
from sklearn.linear_model import LogisticRegression

from kalibar.app import assemble
from kalibar.matching.calibration import FEATURES, features

OUT = Path(__file__).resolve().parents[1] / "src/kalibar/matching/calibration.json"


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--per-family", type=int, default=400)
    ap.add_argument("--seed", type=int, default=101)
    args = ap.parse_args()
    if json.loads(OUT.read_text())["features"] != list(FEATURES):
        # a new feature list: start from a neutral model (confidence is not a feature)
        zero = {"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "intercept": 0.0}
        OUT.write_text(json.dumps(zero))
    both = register(args.records + args.records // 5, seed=args.seed)
    records, outside = both[: args.records], both[args.records :]
    engine = build(records)
    present = list(queries(records, args.per_family, args.seed + 1))
    absent = list(queries(outside, args.per_family, args.seed + 2))
    x: list[list[float]] = []
    y: list[int] = []
    for qs in (present, absent):
        for (_, rec, _, _), o in zip(qs, run(engine, iter(qs)), strict=True):
            for j, c in enumerate(o.cands):
                x.append(features(o.cands, j, o.make is not None))
                y.append(int(c.key == rec[0]))
    model = LogisticRegression(C=1.0, max_iter=2000).fit(np.array(x), np.array(y))
    data = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "fitted": f"bench/calibrate.py --records {args.records} --per-family "
        f"{args.per_family} --seed {args.seed}: {len(y)} candidates, {sum(y)} true, "
        f"{datetime.now(UTC):%Y-%m-%d}",
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
