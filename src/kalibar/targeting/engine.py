"""Rules compiled to one vectorised Polars pass; back-tests; the row-by-row baseline.

``evaluate`` builds one boolean column per rule over the item frame (the rule's condition
and its validity window on ``lodged_date``), then one ``group_by`` reduces items to
declarations with ``any``. Score = sum of the weights of the rules hit; rule lane = the
most severe lane among them; ``rules`` lists their ids. ``evaluate_rows`` does the same
declaration by declaration in plain Python, for the bench and for cross-checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from kalibar.targeting.features import prepare, row_features
from kalibar.targeting.fields import DECLARATION_COLUMNS, POSITIVE
from kalibar.targeting.rules import Rule

SEVERITY = {"green": 0, "blue": 1, "yellow": 2, "red": 3}
LANE_OF = {v: k for k, v in SEVERITY.items()}
_KEEP = ("office", "flow", "inspected", "outcome")


def _hit_expr(rule: Rule) -> pl.Expr:
    expr = rule.when.expr()
    if rule.valid_from is not None:
        expr = expr & (pl.col("lodged_date") >= rule.valid_from).fill_null(False)
    if rule.valid_to is not None:
        expr = expr & (pl.col("lodged_date") <= rule.valid_to).fill_null(False)
    return expr.alias(f"hit:{rule.id}")


def evaluate(items: pl.DataFrame, rules: list[Rule], *, prepared: bool = False) -> pl.DataFrame:
    """One row per declaration: ``declaration_id``, kept columns, ``hit:<id>`` per rule,
    ``rule_score``, ``rule_lane`` and ``rules`` (ids of the rules hit, ``;``-separated)."""
    df = items if prepared else prepare(items)
    hits = [_hit_expr(r) for r in rules]
    names = [f"hit:{r.id}" for r in rules]
    keep = [c for c in _KEEP if c in df.columns]
    per_item = df.select(["declaration_id", *keep, *hits])
    decl = per_item.group_by("declaration_id", maintain_order=True).agg(
        [pl.col(k).first() for k in keep] + [pl.col(n).any() for n in names]
    )
    score = (
        pl.sum_horizontal(
            [pl.col(n).cast(pl.Float64) * r.weight for n, r in zip(names, rules, strict=True)]
        )
        if rules
        else pl.lit(0.0)
    )
    lane = (
        pl.max_horizontal(
            [
                pl.when(pl.col(n)).then(SEVERITY[r.lane]).otherwise(0)
                for n, r in zip(names, rules, strict=True)
            ]
        )
        if rules
        else pl.lit(0)
    )
    listed = (
        pl.concat_str(
            [pl.when(pl.col(n)).then(pl.lit(r.id)) for n, r in zip(names, rules, strict=True)],
            separator=";",
            ignore_nulls=True,
        )
        if rules
        else pl.lit("")
    )
    return decl.with_columns(
        score.alias("rule_score"),
        lane.replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("rule_lane"),
        listed.fill_null("").alias("rules"),
    )


def active_rules(rules: Iterable[Rule]) -> list[Rule]:
    return [r for r in rules if r.active]


@dataclass
class RuleResult:
    rule: str
    lane: str
    active: bool
    hits: int
    inspected: int
    positive: int

    @property
    def hit_rate(self) -> float | None:
        return self.positive / self.inspected if self.inspected else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "lane": self.lane,
            "active": self.active,
            "hits": self.hits,
            "inspected": self.inspected,
            "positive": self.positive,
            "hit_rate": self.hit_rate,
        }


@dataclass
class Backtest:
    declarations: int
    inspected: int
    positive: int
    rules: list[RuleResult]

    @property
    def base_rate(self) -> float | None:
        """Share of inspected declarations with a finding: what a selection must beat."""
        return self.positive / self.inspected if self.inspected else None


def backtest(history: pl.DataFrame, rules: list[Rule]) -> Backtest:
    """Hits of every rule (active or not) on a history file, and its hit rate: the share
    of its inspected hits whose outcome was firearms, parts or ammunition."""
    decl = evaluate(history, rules)
    decl = decl.with_columns(
        pl.col("inspected").is_in(["1", "true"]).alias("_insp"),
        pl.col("outcome").is_in(list(POSITIVE)).alias("_pos"),
    )
    sums = decl.select(
        [pl.col(f"hit:{r.id}").sum().alias(f"h{i}") for i, r in enumerate(rules)]
        + [
            (pl.col(f"hit:{r.id}") & pl.col("_insp")).sum().alias(f"i{i}")
            for i, r in enumerate(rules)
        ]
        + [
            (pl.col(f"hit:{r.id}") & pl.col("_insp") & pl.col("_pos")).sum().alias(f"p{i}")
            for i, r in enumerate(rules)
        ]
        + [
            pl.col("_insp").sum().alias("insp"),
            (pl.col("_insp") & pl.col("_pos")).sum().alias("pos"),
        ]
    ).row(0, named=True)
    results = [
        RuleResult(
            r.id, r.lane, r.active, int(sums[f"h{i}"]), int(sums[f"i{i}"]), int(sums[f"p{i}"])
        )
        for i, r in enumerate(rules)
    ]
    return Backtest(decl.height, int(sums["insp"]), int(sums["pos"]), results)


# ------------------------------------------------------------------ row by row


def group_rows(rows: Iterable[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        out.setdefault(row["declaration_id"], []).append(row)
    return out


def evaluate_rows(
    declarations: dict[str, list[dict[str, str]]], rules: list[Rule]
) -> dict[str, tuple[float, str, list[str]]]:
    """Plain Python: declaration id → (rule score, rule lane, ids of the rules hit)."""
    out: dict[str, tuple[float, str, list[str]]] = {}
    for key, items in declarations.items():
        feats = row_features(items)
        hit: list[str] = []
        score = 0.0
        lane = 0
        for rule in rules:
            if any(_row_hit(rule, f) for f in feats):
                hit.append(rule.id)
                score += rule.weight
                lane = max(lane, SEVERITY[rule.lane])
        out[key] = (score, LANE_OF[lane], hit)
    return out


def _row_hit(rule: Rule, row: dict[str, Any]) -> bool:
    day = row.get("lodged_date")
    if rule.valid_from is not None and (day is None or day < rule.valid_from):
        return False
    if rule.valid_to is not None and (day is None or day > rule.valid_to):
        return False
    return rule.when.test(row)


__all__ = ["DECLARATION_COLUMNS", "Backtest", "backtest", "evaluate", "evaluate_rows"]
