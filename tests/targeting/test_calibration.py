"""One calibrated risk score: the model's probability matches observed rates on held-out
data, rule hits are evidence it weighs (a hit raises the risk, it does not force red; a
mandatory rule does), and the features learned in training carry the description across
scripts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from kalibar.demo.targeting.synthetic import generate
from kalibar.targeting.features import prepare
from kalibar.targeting.lanes import LanePolicy
from kalibar.targeting.model import RiskModel, declaration_features
from kalibar.targeting.risk import rules_only
from kalibar.targeting.rules import load_rules, parse_rules
from kalibar.targeting.screen import screen
from kalibar.targeting.training import labelled, time_split, train

RULES = """rules:
  - id: ALPHA
    lane: red
    weight: 40
    rationale: alpha goods
    instructions: open
    when: {terms: [alphagoods]}
  - id: PROHIBITED
    lane: red
    mandatory: true
    weight: 10
    rationale: a legal prohibition
    instructions: open and seize
    when: {terms: [prohibitedgoods]}
"""


@pytest.fixture(scope="module")
def trained() -> tuple[RiskModel, pl.DataFrame]:
    history = generate(40_000, seed=21, illicit_scale=25.0).drop("pattern")
    model, _meta = train(history, rules=load_rules(None), seed=2, max_iter=30)
    return model, history


def test_reliability_on_the_held_out_period(trained: tuple[RiskModel, pl.DataFrame]) -> None:
    model, history = trained
    items = prepare(history)
    test = time_split(labelled(declaration_features(items, prepared=True))).test
    chosen = items.filter(pl.col("declaration_id").is_in(test["declaration_id"].implode()))
    from kalibar.targeting.engine import evaluate

    hits = evaluate(chosen, load_rules(None), prepared=True)
    scored = model.score(chosen, prepared=True, explain_top=0, rule_hits=hits)
    joined = test.select("declaration_id", "y").join(scored, on="declaration_id")
    p, y = joined["score"].to_numpy(), joined["y"].to_numpy().astype(float)
    assert 0 < y.sum() < len(y) and ((p >= 0) & (p <= 1)).all()
    # reliability: per band of predicted probability, mean prediction vs observed rate
    edges = np.array([0.0, 0.02, 0.1, 0.3, 0.6, 1.0001])
    band = np.digitize(p, edges) - 1
    gaps = []
    for b in range(len(edges) - 1):
        m = band == b
        if m.sum() >= 30:
            gaps.append((m.sum(), abs(p[m].mean() - y[m].mean())))
    assert len(gaps) >= 2  # low and high bands are both populated
    weighted = sum(n * g for n, g in gaps) / sum(n for n, _g in gaps)
    assert weighted < 0.05, gaps
    assert max(g for _n, g in gaps) < 0.2, gaps
    brier = float(((p - y) ** 2).mean())
    assert brier < 0.5 * float(y.mean() * (1 - y.mean()))  # far better than the base rate


def _decl(i: int, description: str) -> dict[str, str]:
    return {
        "declaration_id": f"R-{i}",
        "flow": "postal",
        "lodged_at": "2026-03-01T10:00:00Z",
        "office": "BA-SA-POST",
        "declared_description": description,
        "hs_code": "6109.10",
        "quantity": "2",
        "gross_weight_kg": "0.4",
        "declared_value": "20",
        "currency": "EUR",
        "origin_country": "CN",
        "dispatch_country": "CN",
        "consignee_name": "Ana Babić",
        "consignee_country": "BA",
    }


def test_a_rule_hit_raises_the_risk_without_forcing_red() -> None:
    rules = parse_rules(RULES)
    items = pl.DataFrame(
        [_decl(0, "cotton shirts"), _decl(1, "alphagoods shirts"), _decl(2, "prohibitedgoods")]
    )
    policy = LanePolicy(random_rate=0.0)
    by = {r["declaration_id"]: r for r in screen(items, rules=rules, policy=policy).to_dicts()}
    plain, alpha, banned = by["R-0"], by["R-1"], by["R-2"]
    assert alpha["score"] > plain["score"]
    assert alpha["score"] == pytest.approx(rules_only(40.0))
    assert alpha["lane"] != "red" and "ALPHA" in alpha["rules"]  # a red rule asks no red
    assert banned["lane"] == "red" and banned["mandatory"]  # a mandatory one does


def test_the_model_weighs_rule_hits_and_adds_unlearned_rules(
    trained: tuple[RiskModel, pl.DataFrame],
) -> None:
    model, _history = trained
    assert model.learned_rules and "ALPHA" not in model.learned_rules
    rules = parse_rules(RULES.replace("{terms: [alphagoods]}", "{quantity: {ge: 3}}"))
    first, second = _decl(0, "cotton shirts"), _decl(1, "cotton shirts")
    second.update(quantity="3", gross_weight_kg="0.6", declared_value="30")
    items = pl.DataFrame([first, second])
    lanes = screen(items, rules=rules, policy=LanePolicy(random_rate=0.0), model=model)
    by = {r["declaration_id"]: r for r in lanes.to_dicts()}
    assert by["R-1"]["score"] > by["R-0"]["score"]
    assert by["R-1"]["score"] == pytest.approx(
        1 - (1 - by["R-1"]["model_score"]) * (1 - rules_only(40.0))
    )
    for r in by.values():  # the lane is the risk's (thresholds), not the red rule's
        expected = "red" if r["score"] >= 0.5 else "yellow" if r["score"] >= 0.2 else "green"
        assert r["lane"] == expected
    # the learned rules are features: without their hits the model's probabilities fall
    from kalibar.targeting.engine import evaluate

    sample = prepare(_history)
    hits = evaluate(sample, load_rules(None), prepared=True)
    decl = declaration_features(sample, prepared=True, signals=model.signals, rule_hits=hits)
    names = ["rule_score", *(f"hit:{r}" for r in model.learned_rules)]
    cleared = decl.with_columns(pl.lit(0.0).alias(c) for c in names)
    with_hits = model.predict(model.encoder.transform(decl))
    without = model.predict(model.encoder.transform(cleared))
    assert (with_hits - without > 0.05).sum() > 10


def test_the_description_carries_across_scripts(trained: tuple[RiskModel, pl.DataFrame]) -> None:
    model, _history = trained
    assert model.signals is not None
    latin, cyrillic, other = model.signals.text_values(
        ["alarmni pistolj", "алармни пиштољ", "pamucne majice"], ["93", "93", "61"]
    )[:, 0]
    from kalibar.targeting.features import fold_expr

    folded = pl.DataFrame({"d": ["Алармни пиштољ", "Alarmni pištolj"]}).select(
        fold_expr("d").alias("d")
    )
    assert folded["d"][0] == folded["d"][1]  # one text after folding
    assert latin > other and cyrillic > other
