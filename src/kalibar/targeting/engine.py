"""Rules compiled to one vectorised Polars pass; back-tests; the row-by-row baseline.

``evaluate`` builds one boolean column per rule over the item frame (the rule's condition
and its validity window on ``lodged_date``), packs them into bit masks and reduces items
to declarations with a bitwise or (a hit on any item is a hit). Score = sum of the
weights of the rules hit; rule lane = the most severe lane among them; ``rules`` lists
their ids. ``evaluate_rows`` does the same declaration by declaration in plain Python, for
the bench and for cross-checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from kalibar.targeting.features import (
    declaration_runs,
    prepare,
    row_features,
    with_consignee_defaults,
)
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
    ``rule_score``, ``rule_lane``, ``rules`` (ids of the rules hit, ``;``-separated) and
    ``mandatory`` (a rule marked mandatory hit: red whatever the capacity).

    The rules' hits on an item are packed into bit masks (64 rules to a ``UInt64``, one
    query, so a sub-condition shared by several rules is computed once); a declaration's
    masks are the bitwise or of its items'. Score, lane and the list of rules are computed
    once per distinct combination of hits and joined back.
    """
    df = with_consignee_defaults(with_watchlist_defaults(items if prepared else prepare(items)))
    names = [f"hit:{r.id}" for r in rules]
    keep = [c for c in _KEEP if c in df.columns]
    chunks = [rules[i : i + 64] for i in range(0, len(rules), 64)]
    masks = [f"_m{i}" for i in range(len(chunks))]
    per_item = (
        df.lazy()
        .select(["declaration_id", *keep, *(_hit_expr(r) for r in rules)])
        .select(
            "declaration_id",
            *keep,
            *(_pack(names[64 * i : 64 * i + 64]).alias(m) for i, m in enumerate(masks)),
        )
        .collect()
    )
    runs = declaration_runs(per_item["declaration_id"])
    if runs is not None and (len(runs) == 0 or int(runs[-1]) + 1 == len(runs)):
        decl = per_item  # one item per declaration
    elif runs is not None:
        first = per_item.filter(runs.is_first_distinct()).select("declaration_id", *keep)
        if not masks:
            return _no_rules(first)
        ors = (
            per_item.select(masks)
            .with_columns(runs.alias("_run"))
            .group_by("_run", maintain_order=True)
            .agg(pl.col(m).bitwise_or() for m in masks)
        )
        decl = first.with_columns(ors.get_columns()[1:])
    else:
        decl = per_item.group_by("declaration_id", maintain_order=True).agg(
            [pl.col(k).first() for k in keep] + [pl.col(m).bitwise_or() for m in masks]
        )
    if not rules:
        return _no_rules(decl)
    combos = (
        decl.select(masks)
        .unique()
        .with_columns(
            ((pl.col(masks[i // 64]) & pl.lit(1 << (i % 64), pl.UInt64)) != 0).alias(n)
            for i, n in enumerate(names)
        )
    )
    combos = combos.with_columns(
        _score(names, rules).alias("rule_score"),
        _lane(names, rules).replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("rule_lane"),
        _listed(names, rules).fill_null("").alias("rules"),
        _mandatory(names, rules).alias("mandatory"),
    )
    combos = combos.with_row_index("_combo")
    if len(masks) == 1:
        index = decl[masks[0]].replace_strict(combos[masks[0]], combos["_combo"])
    else:
        index = decl.join(combos, on=masks, how="left", maintain_order="left")["_combo"]
    per_decl = combos.select(*names, "rule_score", "rule_lane", "rules", "mandatory").select(
        pl.all().gather(index)
    )
    return decl.select("declaration_id", *keep).hstack(per_decl.get_columns())


#: Columns ``names.watchlist_features`` adds, and their value when nothing matched.
WATCHLIST_DEFAULTS: dict[str, Any] = {
    "watchlist_score": 0.0,
    "watchlist_hit": False,
    "watchlist_reason": "",
}


def with_watchlist_defaults(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with the watchlist columns (no hit) when screening had no watchlist, so rules
    over ``watchlist_hit``/``watchlist_score`` evaluate everywhere (back-tests, training)."""
    missing = [c for c in WATCHLIST_DEFAULTS if c not in df.columns]
    return df.with_columns(pl.lit(WATCHLIST_DEFAULTS[c]).alias(c) for c in missing)


def _pack(names: list[str]) -> pl.Expr:
    """Up to 64 boolean columns as the bits of one ``UInt64`` (a byte at a time: cheaper)."""
    parts = [
        pl.sum_horizontal(
            pl.col(n).cast(pl.UInt8) * pl.lit(1 << j, pl.UInt8)
            for j, n in enumerate(names[k : k + 8])
        ).cast(pl.UInt64)
        * pl.lit(1 << k, pl.UInt64)
        for k in range(0, len(names), 8)
    ]
    return pl.sum_horizontal(parts)


def _no_rules(decl: pl.DataFrame) -> pl.DataFrame:
    return decl.with_columns(
        pl.lit(0.0).alias("rule_score"),
        pl.lit(0).replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("rule_lane"),
        pl.lit("").alias("rules"),
        pl.lit(False).alias("mandatory"),
    )


def _mandatory(names: list[str], rules: list[Rule]) -> pl.Expr:
    hits = [pl.col(n) for n, r in zip(names, rules, strict=True) if r.mandatory]
    return pl.any_horizontal(hits) if hits else pl.lit(False)


def _score(names: list[str], rules: list[Rule]) -> pl.Expr:
    return pl.sum_horizontal(
        [pl.col(n).cast(pl.Float64) * r.weight for n, r in zip(names, rules, strict=True)]
    )


def _lane(names: list[str], rules: list[Rule]) -> pl.Expr:
    return pl.max_horizontal(
        [
            pl.when(pl.col(n)).then(SEVERITY[r.lane]).otherwise(0)
            for n, r in zip(names, rules, strict=True)
        ]
    )


def _listed(names: list[str], rules: list[Rule]) -> pl.Expr:
    return pl.concat_str(
        [pl.when(pl.col(n)).then(pl.lit(r.id)) for n, r in zip(names, rules, strict=True)],
        separator=";",
        ignore_nulls=True,
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
    #: Inspected and positive declarations of the random control sample (a ``random``
    #: column of the history file, 1/true), the unbiased baseline; 0 when it has none.
    random_inspected: int = 0
    random_positive: int = 0

    @property
    def random_rate(self) -> float | None:
        return self.random_positive / self.random_inspected if self.random_inspected else None

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
    out = Backtest(decl.height, int(sums["insp"]), int(sums["pos"]), results)
    if "random" in history.columns:
        drawn = (
            history.select("declaration_id", "random", "inspected", "outcome")
            .unique("declaration_id", keep="first")
            .filter(
                pl.col("random").str.to_lowercase().is_in(["1", "true"])
                & pl.col("inspected").is_in(["1", "true"])
            )
        )
        out.random_inspected = drawn.height
        out.random_positive = int(drawn["outcome"].is_in(list(POSITIVE)).sum())
    return out


# ------------------------------------------------------------------ row by row


def group_rows(rows: Iterable[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        out.setdefault(row["declaration_id"], []).append(row)
    return out


def evaluate_rows(
    declarations: dict[str, list[dict[str, str]]],
    rules: list[Rule],
    *,
    extra: dict[str, dict[str, Any]] | None = None,
) -> dict[str, tuple[float, str, list[str]]]:
    """Plain Python: declaration id → (rule score, rule lane, ids of the rules hit).
    ``extra``: declaration id → features added to each of its items (watchlist columns)."""
    out: dict[str, tuple[float, str, list[str]]] = {}
    for key, items in declarations.items():
        feats = row_features(items)
        more = {**WATCHLIST_DEFAULTS, **((extra or {}).get(key) or {})}
        for f in feats:
            f.update(more)
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
