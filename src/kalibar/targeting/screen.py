"""Screening a file end to end: read, features, rules, lanes, write ``LANES.csv``."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kalibar.targeting.engine import active_rules, evaluate
from kalibar.targeting.features import read_frame
from kalibar.targeting.lanes import LanePolicy, assign
from kalibar.targeting.rules import Rule

OUTPUT = ("declaration_id", "score", "lane", "reasons")


def screen(items: pl.DataFrame, *, rules: list[Rule], policy: LanePolicy) -> pl.DataFrame:
    """Item rows (text columns, optional ``score`` in 0..1) → one lane per declaration."""
    decl = evaluate(items, active_rules(rules))
    if "score" in items.columns:
        model = items.group_by("declaration_id").agg(
            pl.col("score").cast(pl.Float64, strict=False).max()
        )
        decl = decl.join(model, on="declaration_id", how="left")
    return assign(decl, policy)


def screen_file(
    path: Path,
    out: Path,
    *,
    rules: list[Rule],
    random_rate: float = 0.01,
    seed: int = 0,
    red_rate: float | None = None,
) -> dict[str, int]:
    """Screen ``path`` into ``out``; returns the number of declarations per lane."""
    policy = LanePolicy(
        random_rate=random_rate,
        seed=seed,
        rates={"*/*": {"red": red_rate}} if red_rate is not None else {},
    )
    lanes = screen(read_frame(path), rules=rules, policy=policy)
    lanes.select(pl.col("declaration_id"), pl.col("score").round(2), "lane", "reasons").write_csv(
        out
    )
    counts = dict(lanes.group_by("lane").len().iter_rows())
    return {lane: int(counts.get(lane, 0)) for lane in ("red", "yellow", "blue", "green")}
