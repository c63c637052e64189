"""Does the risk model carry to traffic it has never seen? Kalibar's model against a plain
gradient-boosting model on the raw columns, in the same run.

    .venv/bin/python bench/targeting_generalise.py [--history 300000] [--independent 300000]

Both are trained on the first generator's history (``demo.targeting.synthetic``: its inspected
declarations, the time split of ``training.train``) and tested on the later period of the
independent generator (``bench/traffic_independent.py``: other templates, decoys,
concealment schemes, languages and scripts, offices, and a drift), scoring every
declaration of that period against the truth of what it held. The earlier period of the
independent traffic is the traders' history (first-time consignees, consignees found with
firearms before), as Kalibar's database would hold it.

Reports recall@1 % (share of the period's declarations that held firearms, parts or
ammunition found in the top 1 % of scores), recall@5 %, AUC, the Brier score and a
reliability table (mean predicted probability against the observed rate per score band),
and the same on the first generator's own held-out period.

The baseline: ``HistGradientBoostingClassifier`` (defaults) on every column of the file,
text columns ordinal-encoded (unknown values as -1), numbers as given, one row per
declaration (its first item).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.preprocessing import OrdinalEncoder

sys.path.insert(0, str(Path(__file__).parent))

import traffic_independent  # noqa: E402
import traffic_variant  # noqa: E402

from kalibar.app import assemble
from kalibar.demo.targeting import synthetic  # noqa: E402
from kalibar.targeting import norms  # noqa: E402
from kalibar.targeting.engine import evaluate  # noqa: E402
from kalibar.targeting.features import consignee_features, consignee_key_expr, prepare  # noqa: E402
from kalibar.targeting.fields import COLUMNS, POSITIVE  # noqa: E402
from kalibar.targeting.model import declaration_features  # noqa: E402
from kalibar.targeting.rules import load_rules  # noqa: E402
from kalibar.targeting.training import labelled, time_split, train  # noqa: E402

NUMBERS = ("quantity", "gross_weight_kg", "declared_value")
RAW = [c for c in COLUMNS if c not in ("declaration_id", "lodged_at")]


def first_rows(items: pl.DataFrame) -> pl.DataFrame:
    return items.unique("declaration_id", keep="first", maintain_order=True)


def raw_matrix(decl: pl.DataFrame, enc: OrdinalEncoder) -> np.ndarray:
    text = [c for c in RAW if c not in NUMBERS]
    codes = enc.transform(decl.select(pl.col(text).fill_null("")).to_numpy())
    nums = decl.select(pl.col(NUMBERS).cast(pl.Float64, strict=False)).to_numpy()
    return np.hstack([codes, nums])


def baseline(history: pl.DataFrame) -> tuple[HistGradientBoostingClassifier, OrdinalEncoder]:
    """Plain boosting on the raw columns of the inspected declarations before the held-out
    period (the model's train and calibration periods)."""
    decl = labelled(first_rows(history))
    split = time_split(decl)
    fit = pl.concat([split.train, split.valid])
    text = [c for c in RAW if c not in NUMBERS]
    enc = OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1
    )
    enc.fit(fit.select(pl.col(text).fill_null("")).to_numpy())
    clf = HistGradientBoostingClassifier(random_state=0)
    clf.fit(raw_matrix(fit, enc), fit["y"].to_numpy())
    return clf, enc


def recall_at(scores: np.ndarray, y: np.ndarray, k: float) -> float:
    top = max(1, int(round(len(y) * k)))
    tiebreak = np.random.default_rng(0).random(len(y))
    order = np.lexsort((tiebreak, -scores))[:top]
    return float(y[order].sum() / max(1, y.sum()))


def report(name: str, scores: np.ndarray, y: np.ndarray) -> dict[str, float]:
    out = {
        "recall@1%": recall_at(scores, y, 0.01),
        "recall@5%": recall_at(scores, y, 0.05),
        "auc": float(roc_auc_score(y, scores)) if 0 < y.sum() < len(y) else float("nan"),
        "brier": float(brier_score_loss(y, np.clip(scores, 0, 1))),
    }
    print(
        f"  {name:34s} recall@1% {out['recall@1%']:.3f}  recall@5% {out['recall@5%']:.3f}  "
        f"AUC {out['auc']:.3f}  Brier {out['brier']:.5f}"
    )
    return out


def reliability(scores: np.ndarray, y: np.ndarray, label: str) -> None:
    edges = [0.0, 0.001, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0001]
    print(f"  reliability of {label} (band: n, mean predicted, observed rate)")
    for lo, hi in zip(edges, edges[1:], strict=False):
        m = (scores >= lo) & (scores < hi)
        if m.sum():
            print(
                f"    [{lo:.3f}, {min(hi, 1):.3f}): {int(m.sum()):7d}  "
                f"{scores[m].mean():.4f}  {y[m].mean():.4f}"
            )


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--history", type=int, default=300_000)
    ap.add_argument("--independent", type=int, default=300_000)
    ap.add_argument("--variant", type=int, default=150_000, help="third generator (0: skip)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--ablation", action="store_true", help="model without raw totals/ratios")
    args = ap.parse_args()
    rules = load_rules(None)

    t = time.perf_counter()
    frame = synthetic.generate(args.history, seed=args.seed)
    history = frame.drop("pattern")
    model, meta = train(history, rules=rules, seed=1)
    print(f"model trained on {args.history:,} declarations in {time.perf_counter() - t:.0f} s")
    clf, enc = baseline(history)
    if args.ablation:
        # ablation: the raw totals and ratios left out, only their z-scores against norms
        model, meta = train(history, rules=rules, seed=1, raw_numbers=False)
        print("ablation: model without the raw totals and ratios (z-scores only)")

    # the first generator's own held-out period, every declaration against its truth
    cutoff = meta["periods"]["test"]["from"]
    same = frame.filter(pl.col("lodged_at") >= cutoff)
    run(
        "first generator, held-out period",
        same.drop("pattern"),
        (first_rows(same)["pattern"] != "").cast(pl.Int8).to_numpy(),
        model,
        clf,
        enc,
        rules,
        None,
    )

    for name, module, size in (
        ("independent generator", traffic_independent, args.independent),
        ("third generator (check)", traffic_variant, args.variant),
    ):
        if not size:
            continue
        t = time.perf_counter()
        ind = module.generate(size)
        print(f"\n{name}: {size:,} declarations in {time.perf_counter() - t:.0f} s")
        days = sorted(ind["lodged_at"].unique().to_list())
        split_at = days[int(len(days) * 0.66)]
        early = ind.filter(pl.col("lodged_at") < split_at)
        late = ind.filter(pl.col("lodged_at") >= split_at)
        run(
            f"{name}, later period",
            late.drop("truth", "scheme"),
            first_rows(late)["truth"].to_numpy(),
            model,
            clf,
            enc,
            rules,
            early,
            schemes=first_rows(late)["scheme"].to_numpy(),
        )


def run(
    label: str,
    items: pl.DataFrame,
    y: np.ndarray,
    model: object,
    clf: HistGradientBoostingClassifier,
    enc: OrdinalEncoder,
    rules: list,
    earlier: pl.DataFrame | None,
    schemes: np.ndarray | None = None,
) -> None:
    from kalibar.targeting.model import RiskModel

    assert isinstance(model, RiskModel)
    test_items = items.drop("inspected", "outcome", strict=False)
    t = time.perf_counter()
    prepared = prepare(test_items)
    if earlier is not None:
        keys = earlier.select(consignee_key_expr().alias("k"))["k"]
        pos = earlier.filter(pl.col("outcome").is_in(list(POSITIVE)))
        seized = pos.select(consignee_key_expr().alias("k"))["k"]
        prepared = consignee_features(
            prepared, known=set(keys.to_list()), seized=set(seized.to_list())
        )
    hits = evaluate(prepared, rules, prepared=True)
    variants = [("Kalibar model, norms of its training", model)]
    if earlier is not None:
        # as screening does by default: the norms of the agency's recent traffic (no labels)
        deployed = norms.from_traffic(model, earlier.drop("truth", "scheme", strict=False))
        assert deployed is not None
        variants.insert(0, ("Kalibar model, norms of recent traffic", deployed))
    lines: list[tuple[str, np.ndarray]] = []
    for name, m in variants:
        decl = declaration_features(prepared, prepared=True, signals=m.signals, rule_hits=hits)
        raw = m.predict(m.encoder.transform(decl))
        lines.append((name, m.adjusted(raw, decl)))
        lines.append(("  same without the anomaly evidence", raw))
        lines.append(("  the anomaly evidence alone", decl["anomaly"].to_numpy()))
    elapsed = time.perf_counter() - t
    plain = clf.predict_proba(raw_matrix(first_rows(test_items), enc))[:, 1]
    rule_only = hits["rule_score"].to_numpy()
    signals = model.signals
    assert signals is not None
    print(
        f"\n== {label}: {len(y):,} declarations, {int(y.sum())} held firearms/parts/ammo "
        f"(scored in {elapsed:.1f} s; anomaly weight {signals.anomaly_weight:.3f}, "
        f"bias {signals.anomaly_bias:.3f}, fitted on the first generator's validation period)"
    )
    ours = lines[0][1]
    first = report(lines[0][0], ours, y)
    for name, scores in lines[1:]:
        report(name, scores, y)
    other = report("plain boosting on raw columns", plain, y)
    report("starter rules (sum of weights)", rule_only / max(1.0, rule_only.max()), y)
    print(f"  recall@1 % difference: {first['recall@1%'] - other['recall@1%']:+.3f}")
    reliability(ours, y, "the Kalibar model")
    if schemes is not None:
        top = max(1, int(round(len(y) * 0.01)))
        tiebreak = np.random.default_rng(0).random(len(y))
        for name, s in (("model", ours), ("baseline", plain)):  # noqa: B020
            chosen = np.zeros(len(y), dtype=bool)
            chosen[np.lexsort((tiebreak, -s))[:top]] = True
            parts = []
            for sch in sorted(set(schemes.tolist()) - {""}):
                m = schemes == sch
                parts.append(f"{sch} {int((chosen & m).sum())}/{int(m.sum())}")
            print(f"  {name} top 1 % per scheme: " + ", ".join(parts))


if __name__ == "__main__":
    main()
