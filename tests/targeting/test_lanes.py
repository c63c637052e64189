from __future__ import annotations

import math

import polars as pl

from kalibar.demo.targeting.synthetic import generate
from kalibar.targeting.lanes import LanePolicy
from kalibar.targeting.rules import load_rules
from kalibar.targeting.screen import screen

N = 200_000


def _screen(policy: LanePolicy, seed: int = 5) -> pl.DataFrame:
    frame = generate(N, seed=seed, illicit_scale=10, history=False).drop("pattern")
    return screen(frame, rules=load_rules(), policy=policy)


def test_random_rate_and_quotas_hold_on_a_large_sample() -> None:
    rate, red = 0.02, 0.001
    lanes = _screen(LanePolicy(random_rate=rate, seed=42, rates={"*/*": {"red": red}}))
    assert lanes.height == N
    drawn = lanes["random"].sum()
    sd = math.sqrt(N * rate * (1 - rate))
    assert abs(drawn - N * rate) < 4 * sd
    # unbiased: drawn at the same rate among declarations some rule flagged and the rest
    flagged = lanes.filter(pl.col("rules") != "")
    assert flagged.height > 500
    sd_f = math.sqrt(flagged.height * rate * (1 - rate))
    assert abs(flagged["random"].sum() - flagged.height * rate) < 4 * sd_f
    # every randomly drawn declaration is red and says so
    assert (lanes.filter("random")["lane"] == "red").all()
    assert lanes.filter("random")["reasons"].str.contains("random").all()
    # capacity: targeted red per office and flow within quota; the rest were demoted
    targeted = lanes.filter(~pl.col("random"))
    per = targeted.group_by("office", "flow").agg(
        (pl.col("lane") == "red").sum().alias("red"), pl.len().alias("n")
    )
    sizes = lanes.group_by("office", "flow").len()
    for office, flow, reds, _n in per.iter_rows():
        n = sizes.filter((pl.col("office") == office) & (pl.col("flow") == flow))["len"][0]
        assert reds <= math.ceil(red * n)
    assert lanes["reasons"].str.contains("capacity:red>yellow").any()
    # every non-green declaration says why
    assert (lanes.filter(pl.col("lane") != "green")["reasons"] != "").all()


def test_same_seed_same_draw_other_seed_other_draw() -> None:
    a = _screen(LanePolicy(random_rate=0.01, seed=1))
    b = _screen(LanePolicy(random_rate=0.01, seed=1))
    c = _screen(LanePolicy(random_rate=0.01, seed=2))
    assert a["random"].to_list() == b["random"].to_list()
    assert a["random"].to_list() != c["random"].to_list()


def test_model_score_column_sets_lane_and_reason() -> None:
    frame = generate(1_000, seed=9, history=False).drop("pattern")
    frame = frame.with_columns(
        pl.when(pl.col("declaration_id").str.ends_with("7"))
        .then(pl.lit("0.95"))
        .otherwise(pl.lit("0.1"))
        .alias("score")
    )
    lanes = screen(
        frame, rules=[], policy=LanePolicy(random_rate=0.0, score_thresholds={"red": 0.9})
    )
    high = lanes.filter(pl.col("declaration_id").str.ends_with("7"))
    assert (high["lane"] == "red").all()
    assert high["reasons"].str.contains("score:0.95").all()
    assert (lanes.filter(~pl.col("declaration_id").str.ends_with("7"))["lane"] == "green").all()
