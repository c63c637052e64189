"""Quality of targeting on the generator's held-out period: model, rules, random.

    .venv/bin/python bench/targeting_quality.py [--declarations 1000000] [--seed 3]

Generates a history (inspections and outcomes as ``synthetic._history`` draws them), trains
the model with the time-based split of ``training.train`` (oldest 65 % trains, 15 %
calibrates, the newest 20 % is held out) and prints precision@1 % and recall@5 % among
the held-out period's inspected declarations for the model, the starter rules (ranked by
the sum of their weights) and random selection — twice in the same run: on the generator
without its disguised variants and their look-alikes (the generator as it was before
they were added) and on the full generator. Also prints, per planted pattern, how many
held-out findings are in the top 5 % of each ranking.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import polars as pl

from kalibar.app import assemble
from kalibar.demo.targeting import synthetic
from kalibar.demo.targeting.synthetic_templates import TEMPLATES
from kalibar.targeting.engine import evaluate
from kalibar.targeting.features import prepare
from kalibar.targeting.model import declaration_features
from kalibar.targeting.rules import load_rules
from kalibar.targeting.training import labelled, time_split, train

DISGUISED = {"alarm_as_toy", "parts_as_machine", "ammo_as_hardware"}


def plain_templates() -> tuple[Any, ...]:
    """The templates before the disguised variants and their look-alikes were added."""
    from kalibar.demo.targeting.synthetic_templates import ILLICIT, LEGIT

    illicit = tuple(t for t in ILLICIT if t.pattern not in DISGUISED)
    return (*illicit, *LEGIT[3:])


def run(n: int, seed: int, label: str) -> None:
    t = time.perf_counter()
    frame = synthetic.generate(n, seed=seed)
    history = frame.drop("pattern")
    model, meta = train(history, rules=load_rules(None), seed=1)
    print(f"\n== {label}: {n:,} declarations, trained in {time.perf_counter() - t:.0f} s")
    print(f"periods: {meta['periods']}")
    print("method   precision@1%  recall@1%  precision@5%  recall@5%  auc")
    for m in meta["metrics"]:
        print(
            f"{m['method']:8s} {m['precision@1%']:12.4f} {m['recall@1%']:10.4f} "
            f"{m['precision@5%']:13.4f} {m['recall@5%']:10.4f}  {m.get('auc', '')}"
        )
    # per pattern: held-out findings in the top 5 % of the model and of the rules
    items = prepare(history)
    decl = labelled(declaration_features(items, prepared=True))
    test = time_split(decl).test
    truth = frame.group_by("declaration_id").agg(pl.col("pattern").first())
    test = test.join(truth, on="declaration_id", how="left")
    scores = model.score(
        items.filter(pl.col("declaration_id").is_in(test["declaration_id"].implode())),
        prepared=True,
        explain_top=0,
    )
    rule = evaluate(items, load_rules(None), prepared=True).select("declaration_id", "rule_score")
    test = test.join(scores, on="declaration_id", how="left").join(
        rule, on="declaration_id", how="left"
    )
    top = max(1, int(round(test.height * 0.05)))
    rng = np.random.default_rng(0).random(test.height)
    for name, col in (("model", "score"), ("rules", "rule_score")):
        order = np.lexsort((rng, -test[col].fill_null(0).to_numpy()))[:top]
        chosen = test[order]
        found = chosen.filter(pl.col("y") == 1).group_by("pattern").len()
        total = test.filter(pl.col("y") == 1).group_by("pattern").len()
        both = total.join(found, on="pattern", how="left", suffix="_top").fill_null(0)
        print(
            f"{name} top 5 % finds: "
            + ", ".join(f"{p} {k}/{m}" for p, m, k in both.sort("pattern").iter_rows())
        )


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--declarations", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    full = synthetic.TEMPLATES
    synthetic.TEMPLATES = plain_templates()
    try:
        run(args.declarations, args.seed, "generator without disguised variants (before)")
    finally:
        synthetic.TEMPLATES = full
    assert synthetic.TEMPLATES is TEMPLATES
    run(args.declarations, args.seed, "generator with disguised variants and look-alikes")


if __name__ == "__main__":
    main()
