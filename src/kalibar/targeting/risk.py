"""The one risk score: a calibrated probability that a declaration holds firearms, parts or
ammunition, with the rules as evidence.

With a model, the rules' hits are features it weighs (``signals``); its calibrated
probability is the risk. Without one, the rules-only score is a logistic over the rule hits
with priors: the prior share of declarations with a finding (``PRIOR``) and, per rule,
log-odds in proportion to its weight (``LOGODDS_PER_WEIGHT``: a rule of weight 60 alone
gives about 0.2, the default yellow threshold; 80 about 0.5, red). These are priors, not
fitted: a trained model replaces them with weights learned from the inspections. Either
way a rule's lane no longer decides a declaration's lane (only a rule marked ``mandatory``
does): ``as_evidence`` sets the risk and leaves the lane to it,
the thresholds and capacity (``lanes.assign``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from kalibar.targeting.rules import Rule

#: Share of declarations holding firearms, parts or ammunition before any evidence.
PRIOR = 0.002
#: Log-odds a unit of rule weight adds in the rules-only score.
LOGODDS_PER_WEIGHT = 0.08
_PRIOR_LOGIT = math.log(PRIOR / (1 - PRIOR))


def rules_only_expr(rule_score: pl.Expr | None = None) -> pl.Expr:
    """The rules-only risk of each declaration (``rule_score``: sum of the weights hit)."""
    score = (rule_score if rule_score is not None else pl.col("rule_score")).fill_null(0.0)
    logit = _PRIOR_LOGIT + LOGODDS_PER_WEIGHT * score.clip(lower_bound=0.0)
    return 1.0 / (1.0 + (-logit).exp())


def rules_only(rule_score: float) -> float:
    """:func:`rules_only_expr` of one declaration."""
    logit = _PRIOR_LOGIT + LOGODDS_PER_WEIGHT * max(0.0, rule_score)
    return 1.0 / (1.0 + math.exp(-logit))


def unlearned_weight(rules: Iterable[Rule], learned: Iterable[str]) -> pl.Expr:
    """Sum of the weights of the rules hit that the model did not learn from (a rule new
    since training, or one that never fired in its history: a watchlist hit)."""
    known = set(learned)
    parts = [
        pl.col(f"hit:{r.id}").cast(pl.Float64).fill_null(0.0) * r.weight
        for r in rules
        if r.id not in known
    ]
    return pl.sum_horizontal(parts) if parts else pl.lit(0.0)


def with_unlearned(p: float, weight: float) -> float:
    """A model probability combined with the rules-only score of the rules it did not learn
    (either may find the goods: ``1 - (1 - p)(1 - r)``)."""
    if weight <= 0:
        return p
    return 1.0 - (1.0 - p) * (1.0 - rules_only(weight))


def as_evidence(
    decl: pl.DataFrame,
    *,
    has_model: bool,
    rules: Iterable[Rule] = (),
    learned: Iterable[str] = (),
) -> pl.DataFrame:
    """``engine.evaluate`` rows (with the model's ``score`` when ``has_model``) → the same
    with ``risk`` and the rules' own lane set aside (``rule_lane`` green): rules are
    evidence, not an override; ``mandatory`` still sends red. The risk is the model's
    calibrated probability, which weighed the hits of the rules it ``learned``, combined
    with the rules-only score of the other ``rules`` hit (``with_unlearned``); without a
    model the rules-only score."""
    if has_model:
        extra = unlearned_weight(rules, learned)
        p = pl.col("score").fill_null(0.0)
        combined = 1.0 - (1.0 - p) * (1.0 - rules_only_expr(extra))
        risk = pl.when(extra > 0).then(combined).otherwise(p)
    else:
        risk = rules_only_expr()
    return decl.with_columns(
        risk.cast(pl.Float64).alias("risk"), pl.lit("green").alias("rule_lane")
    )


__all__ = [
    "LOGODDS_PER_WEIGHT",
    "PRIOR",
    "as_evidence",
    "rules_only",
    "rules_only_expr",
    "unlearned_weight",
    "with_unlearned",
]
