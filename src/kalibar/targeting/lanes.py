"""Lanes from rule hits, an optional model score, capacity per office and flow, and a
random control sample.

1. Requested lane: the most severe of the rule lane and the model lane (``score`` column
   in 0..1 against ``score_thresholds``).
2. Capacity: per (office, flow) the expected rate of each lane caps how many targeted
   declarations it takes — the highest scores first; the rest of a full lane drop one lane
   (red → yellow → blue → green) and say so (``capacity:red>yellow``).
3. Control sample: every declaration, whatever its rules say, is drawn with probability
   ``random_rate`` from a seeded hash of its id (the same declaration and seed always
   give the same draw, in any order); drawn ones go red with the reason ``random``.
   The sample comes on top of capacity so its hit rate stays an unbiased baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from kalibar.targeting.engine import LANE_OF, SEVERITY

_ORDER = ("red", "yellow", "blue")


@dataclass
class LanePolicy:
    random_rate: float = 0.01
    seed: int = 0
    #: "office/flow", "office/*", "*/flow" or "*/*" → lane → highest share of declarations.
    rates: dict[str, dict[str, float]] = field(default_factory=dict)
    #: model score (0..1) at or above which a declaration asks for the lane.
    score_thresholds: dict[str, float] = field(default_factory=dict)
    #: points added to the rule score per unit of model score.
    model_weight: float = 100.0

    def rate(self, office: str, flow: str, lane: str) -> float | None:
        for key in (f"{office}/{flow}", f"{office}/*", f"*/{flow}", "*/*"):
            if key in self.rates and lane in self.rates[key]:
                return self.rates[key][lane]
        return None


def random_draw(ids: pl.Expr, seed: int, rate: float) -> pl.Expr:
    """True for a seeded, order-independent share ``rate`` of the ids."""
    u = ids.hash(seed=seed).cast(pl.Float64) / float(2**64)
    return u < rate


def assign(decl: pl.DataFrame, policy: LanePolicy) -> pl.DataFrame:
    """``decl`` from ``engine.evaluate`` (+ optional ``score``) → adds ``score``, ``lane``,
    ``random``, ``reasons``."""
    df = decl
    has_model = "score" in df.columns
    if has_model:
        df = df.rename({"score": "model_score"})
        model_sev = pl.lit(0)
        for lane, threshold in sorted(
            policy.score_thresholds.items(), key=lambda kv: SEVERITY[kv[0]]
        ):
            model_sev = (
                pl.when(pl.col("model_score") >= threshold)
                .then(SEVERITY[lane])
                .otherwise(model_sev)
            )
        total = pl.col("rule_score") + policy.model_weight * pl.col("model_score").fill_null(0)
    else:
        model_sev = pl.lit(0)
        total = pl.col("rule_score")
    rule_sev = pl.col("rule_lane").replace_strict(SEVERITY, return_dtype=pl.Int32)
    df = df.with_columns(
        total.alias("score"),
        pl.max_horizontal(rule_sev, model_sev).alias("_sev"),
        pl.lit("").alias("_capacity"),
        pl.col("office").fill_null("") if "office" in df.columns else pl.lit("").alias("office"),
        pl.col("flow").fill_null("") if "flow" in df.columns else pl.lit("").alias("flow"),
    )
    df = _apply_capacity(df, policy)
    drawn = random_draw(pl.col("declaration_id"), policy.seed, policy.random_rate)
    df = df.with_columns(drawn.alias("random"))
    final = pl.when(pl.col("random")).then(SEVERITY["red"]).otherwise(pl.col("_sev"))
    parts = [
        pl.when(pl.col("rules") != "").then(pl.lit("rules:") + pl.col("rules")),
        pl.when(pl.col("_capacity") != "").then(pl.col("_capacity")),
        pl.when(pl.col("random")).then(pl.lit("random")),
    ]
    if "watchlist_reason" in df.columns:
        # hits stay one reason token: ``;`` separates reasons, so hits are joined by `` | ``
        reason = pl.col("watchlist_reason").fill_null("")
        parts.insert(
            1,
            pl.when(reason != "").then(
                pl.lit("watchlist:") + reason.str.replace_all(";", " |", literal=True)
            ),
        )
    if has_model:
        parts.insert(
            1,
            pl.when(pl.col("model_score").is_not_null()).then(
                pl.lit("score:") + pl.col("model_score").round(3).cast(pl.Utf8)
            ),
        )
    return df.with_columns(
        final.replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("lane"),
        pl.concat_str(parts, separator=";", ignore_nulls=True).fill_null("").alias("reasons"),
    ).drop("_sev", "_capacity")


def _apply_capacity(df: pl.DataFrame, policy: LanePolicy) -> pl.DataFrame:
    """Demote what exceeds each lane's quota, lane by lane from red down.

    Only the declarations asking for a lane with a rate are ranked (by score, highest
    first, ties in file order); the group sizes come from one ``group_by``.
    """
    if not policy.rates:
        return df
    groups = df.group_by("office", "flow").agg(pl.len().alias("_size"))
    for lane in _ORDER:
        rates = [policy.rate(o, f, lane) for o, f in groups.select("office", "flow").iter_rows()]
        if all(r is None for r in rates):
            continue
        sev = SEVERITY[lane]
        caps = groups.with_columns(pl.Series("_rate", rates, dtype=pl.Float64))
        asking = (
            df.select("office", "flow", "score", "_sev")
            .with_row_index("_row")
            .filter(pl.col("_sev") == sev)
            .join(caps, on=["office", "flow"], how="left", maintain_order="left")
        )
        rank = pl.col("score").rank("ordinal", descending=True).over("office", "flow")
        quota = (pl.col("_rate") * pl.col("_size")).ceil()
        rows = asking.filter(pl.col("_rate").is_not_null() & (rank > quota))["_row"]
        if rows.is_empty():
            continue
        over = pl.zeros(df.height, pl.Boolean, eager=True).alias("_over").scatter(rows, True)
        lower = LANE_OF[sev - 1]
        df = (
            df.with_columns(over)
            .with_columns(
                pl.when("_over").then(sev - 1).otherwise(pl.col("_sev")).alias("_sev"),
                pl.when("_over")
                .then(
                    pl.concat_str(
                        [
                            pl.col("_capacity"),
                            pl.when(pl.col("_capacity") == "")
                            .then(pl.lit("capacity:"))
                            .otherwise(pl.lit(">")),
                            pl.when(pl.col("_capacity") == "")
                            .then(pl.lit(f"{lane}>{lower}"))
                            .otherwise(pl.lit(lower)),
                        ]
                    )
                )
                .otherwise(pl.col("_capacity"))
                .alias("_capacity"),
            )
            .drop("_over")
        )
    return df


def quota(n: int, rate: float) -> int:
    """The most declarations of a group of ``n`` that a lane at ``rate`` takes."""
    return math.ceil(rate * n)
