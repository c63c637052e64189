"""Lanes within inspection capacity, from one risk score, mandatory rules and a random
control sample.

1. Risk: one score in 0..1 per declaration, higher = riskier (the ``risk`` column when the
   pipeline gives one; else the model probability and the rule weights combined, see
   :func:`risk_expr`). It ranks everything below and is the declaration's ``score``.
2. Requested lane (``asked``): the most severe of the rule lane and the risk's lane
   (``score_thresholds``); a hit of a rule marked ``mandatory`` asks red.
3. Control sample: every declaration is drawn with probability ``random_rate`` from a
   seeded hash of its id (the same declaration and seed always give the same draw, in any
   order); drawn ones go red with the reason ``random``. The sample comes on top of
   capacity: drawn declarations count in the period's size but take no lane's quota, so
   its hit rate stays an unbiased baseline.
4. Capacity: per (office, flow) each lane with a rate takes at most ``ceil(rate × n)`` of
   the ``n`` declarations — mandatory hits first (always red, even past the quota), then
   the highest risk. What would exceed goes one lane down (red → yellow → blue → green)
   with the coded reason ``over_capacity:red>yellow`` (:func:`reason_text` reads it).

   A whole file is ranked exactly (:func:`rank_capacity`). A single declaration or a small
   batch through the API cannot be ranked against traffic that has not arrived, so with a
   ``Period`` (``capacity.period_for``) it is decided in arrival order against the running
   counts of the current period and a risk threshold per office, flow and lane: the risk
   at which the exact ranking of the recent screened traffic filled the lane. Over a
   period both give each lane the same share (tested).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from kalibar.i18n import _
from kalibar.targeting.engine import LANE_OF, SEVERITY

_ORDER = ("red", "yellow", "blue")
#: Rule weight that, alone, makes a risk of 1 - 1/e (rules-only score, no model).
RULE_SCALE = 100.0
#: Capacity of an office and flow that sets none: shares of the period's declarations (the
#: random control sample comes on top).
DEFAULT_CAPACITY = {"red": 0.02, "yellow": 0.05}
#: Reason code of a declaration sent one or more lanes down by capacity.
OVER_CAPACITY = "over_capacity"
_EPS = 1e-9


@dataclass
class Period:
    """The API's view of the current capacity period of one agency.

    ``counts``: (office, flow) → ``total`` (all screened declarations of the period, the
    random sample included), ``red``/``yellow``/``blue`` (lanes given by capacity, drawn
    ones excluded) and ``mandatory``; updated as declarations are decided.
    ``thresholds``: (office, flow) → lane → the lowest risk that lane takes."""

    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    thresholds: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)


@dataclass
class LanePolicy:
    random_rate: float = 0.01
    seed: int = 0
    #: "office/flow", "office/*", "*/flow" or "*/*" → lane → highest share of declarations.
    rates: dict[str, dict[str, float]] = field(default_factory=dict)
    #: risk (0..1) at or above which a declaration asks for the lane.
    score_thresholds: dict[str, float] = field(default_factory=dict)
    #: lane → share when no line of ``rates`` sets it (``capacity.DEFAULT_CAPACITY``).
    defaults: dict[str, float] = field(default_factory=dict)
    #: Decide in arrival order against running counts (the API); None: rank the frame.
    period: Period | None = None

    def rate(self, office: str, flow: str, lane: str) -> float | None:
        for key in (f"{office}/{flow}", f"{office}/*", f"*/{flow}", "*/*"):
            if key in self.rates and lane in self.rates[key]:
                return self.rates[key][lane]
        return self.defaults.get(lane)


def quota(n: int, rate: float) -> int:
    """The most declarations of a group of ``n`` that a lane at ``rate`` takes."""
    return max(0, math.ceil(rate * n - _EPS))


def random_draw(ids: pl.Expr, seed: int, rate: float) -> pl.Expr:
    """True for a seeded, order-independent share ``rate`` of the ids."""
    u = ids.hash(seed=seed).cast(pl.Float64) / float(2**64)
    return u < rate


def risk_expr(has_model: bool) -> pl.Expr:
    """Risk in 0..1 from the rule weights and, when there is one, the model probability:
    ``1 - (1 - p) · exp(-rule_score / RULE_SCALE)`` — either alone decides when the other
    says nothing, and more evidence never lowers it."""
    rules = (-pl.col("rule_score").fill_null(0.0).clip(lower_bound=0.0) / RULE_SCALE).exp()
    if not has_model:
        return 1.0 - rules
    p = pl.col("model_score").fill_null(0.0).clip(0.0, 1.0)
    return 1.0 - (1.0 - p) * rules


def reason_text(reason: str) -> str:
    """A reason as an officer reads it; codes are translated, the rest kept."""
    if reason.startswith(OVER_CAPACITY + ":"):
        lanes = reason.split(":", 1)[1].split(">")
        return _("over capacity: %(path)s") % {"path": " → ".join(lanes)}
    if reason == "mandatory":
        return _("mandatory rule: red whatever the capacity")
    if reason == "random":
        return _("random control sample")
    return reason


def assign(decl: pl.DataFrame, policy: LanePolicy) -> pl.DataFrame:
    """``decl`` from ``engine.evaluate`` (+ optional ``score``: a model probability, or
    ``risk``) → adds ``score`` (= ``risk``), ``asked``, ``lane``, ``random``, ``reasons``."""
    df = decl
    has_model = "score" in df.columns
    if has_model:
        df = df.rename({"score": "model_score"})
    risk = (pl.col("risk") if "risk" in df.columns else risk_expr(has_model)).cast(pl.Float64)
    risk = risk.fill_null(0.0)
    mandatory = pl.col("mandatory").fill_null(False) if "mandatory" in df.columns else pl.lit(False)
    risk_sev = pl.lit(0)
    for lane, threshold in sorted(policy.score_thresholds.items(), key=lambda kv: SEVERITY[kv[0]]):
        risk_sev = pl.when(risk >= threshold).then(SEVERITY[lane]).otherwise(risk_sev)
    rule_sev = pl.col("rule_lane").replace_strict(SEVERITY, return_dtype=pl.Int32)
    asked = (
        pl.when(mandatory)
        .then(SEVERITY["red"])
        .otherwise(pl.max_horizontal(rule_sev, risk_sev))
        .cast(pl.Int32)
    )
    df = df.with_columns(
        risk.alias("risk"),
        mandatory.alias("mandatory"),
        asked.alias("_asked"),
        asked.alias("_sev"),
        pl.lit("").alias("_capacity"),
        random_draw(pl.col("declaration_id"), policy.seed, policy.random_rate).alias("random"),
        pl.col("office").fill_null("") if "office" in df.columns else pl.lit("").alias("office"),
        pl.col("flow").fill_null("") if "flow" in df.columns else pl.lit("").alias("flow"),
    )
    if policy.period is not None:
        df = decide_in_order(df, policy, policy.period)
    else:
        df = rank_capacity(df, policy)
    final = pl.when(pl.col("random")).then(SEVERITY["red"]).otherwise(pl.col("_sev"))
    parts = [
        pl.when(pl.col("rules") != "").then(pl.lit("rules:") + pl.col("rules")),
        pl.when(pl.col("mandatory")).then(pl.lit("mandatory")),
        pl.when(pl.col("_capacity") != "").then(pl.lit(OVER_CAPACITY + ":") + pl.col("_capacity")),
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
        pl.col("risk").alias("score"),
        pl.col("_asked").replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("asked"),
        final.replace_strict(LANE_OF, return_dtype=pl.Utf8).alias("lane"),
        pl.concat_str(parts, separator=";", ignore_nulls=True).fill_null("").alias("reasons"),
    ).drop("_sev", "_asked", "_capacity")


def _demote(df: pl.DataFrame, rows: pl.Series, sev: int) -> pl.DataFrame:
    """Send ``rows`` (row numbers) from lane ``sev`` one lane down, noting the path."""
    over = pl.zeros(df.height, pl.Boolean, eager=True).alias("_over").scatter(rows, True)
    lane, lower = LANE_OF[sev], LANE_OF[sev - 1]
    path = (
        pl.when(pl.col("_capacity") == "")
        .then(pl.lit(f"{lane}>{lower}"))
        .otherwise(pl.col("_capacity") + pl.lit(f">{lower}"))
    )
    return (
        df.with_columns(over)
        .with_columns(
            pl.when("_over").then(sev - 1).otherwise(pl.col("_sev")).alias("_sev"),
            pl.when("_over").then(path).otherwise(pl.col("_capacity")).alias("_capacity"),
        )
        .drop("_over")
    )


def rank_capacity(df: pl.DataFrame, policy: LanePolicy) -> pl.DataFrame:
    """Exact ranking of a whole frame: lane by lane from red down, per (office, flow), the
    declarations asking for the lane (drawn ones aside) by mandatory first, then risk
    (ties in frame order); past the quota they go one lane down."""
    if not policy.rates and not policy.defaults:
        return df
    groups = df.group_by("office", "flow").agg(pl.len().alias("_size"))
    keys = list(groups.select("office", "flow").iter_rows())
    for lane in _ORDER:
        rates = [policy.rate(o, f, lane) for o, f in keys]
        if all(r is None for r in rates):
            continue
        sev = SEVERITY[lane]
        caps = groups.with_columns(pl.Series("_rate", rates, dtype=pl.Float64))
        asking = (
            df.select("office", "flow", "risk", "mandatory", "_sev", "random")
            .with_row_index("_row")
            .filter((pl.col("_sev") == sev) & ~pl.col("random"))
            .join(caps, on=["office", "flow"], how="left", maintain_order="left")
        )
        key = pl.col("risk") + pl.col("mandatory").cast(pl.Float64) * 2.0
        rank = key.rank("ordinal", descending=True).over("office", "flow")
        limit = (pl.col("_rate") * pl.col("_size") - _EPS).ceil()
        rows = asking.filter(pl.col("_rate").is_not_null() & (rank > limit) & ~pl.col("mandatory"))[
            "_row"
        ]
        if not rows.is_empty():
            df = _demote(df, rows, sev)
    return df


def decide_in_order(df: pl.DataFrame, policy: LanePolicy, period: Period) -> pl.DataFrame:
    """Decide each declaration in frame order against ``period`` (updated in place): a lane
    takes it when its risk reaches the lane's threshold and the lane's count stays within
    ``quota(total so far, rate)``; otherwise it goes one lane down."""
    sevs: list[int] = []
    paths: list[str] = []
    cols = ("office", "flow", "risk", "mandatory", "random", "_sev")
    for office, flow, risk, mandatory, drawn, asked in df.select(cols).iter_rows():
        counts = period.counts.setdefault((office, flow), _zero())
        counts["total"] += 1
        sev, path = int(asked), ""
        if drawn:
            sevs.append(sev)
            paths.append("")
            continue
        if mandatory:
            counts["mandatory"] += 1
        else:
            limits = period.thresholds.get((office, flow), {})
            for lane in _ORDER:
                rate = policy.rate(office, flow, lane)
                if sev != SEVERITY[lane] or rate is None:
                    continue
                if risk >= limits.get(lane, 0.0) and counts[lane] < quota(counts["total"], rate):
                    break
                sev -= 1
                path = f"{path}>{LANE_OF[sev]}" if path else f"{lane}>{LANE_OF[sev]}"
        if sev >= SEVERITY["blue"]:
            counts[LANE_OF[sev]] += 1
        sevs.append(sev)
        paths.append(path)
    return df.with_columns(
        pl.Series("_sev", sevs, dtype=pl.Int32), pl.Series("_capacity", paths, dtype=pl.Utf8)
    )


def _zero() -> dict[str, int]:
    return {"total": 0, "red": 0, "yellow": 0, "blue": 0, "mandatory": 0}
