"""Screening a file end to end: read, features, watchlists, model, rules, lanes, write
``LANES.csv``.

Order: item features (``features.prepare``) → watchlist columns (``names.watchlist_features``:
``watchlist_score``, ``watchlist_hit``, ``watchlist_reason``) → the model's ``score`` per
declaration (one vectorised prediction, no explanations) → rules (which may use the
watchlist columns) → lanes (one risk score from the model and the rules, thresholds,
mandatory rules, capacity per office and flow, random sample; see ``lanes``). The risk is
the model's calibrated probability, which weighs the rule hits as features, or without a
model the rules-only score (``risk``); a rule's own lane no longer decides. Top
contributing features are computed afterwards, for the red and yellow declarations only,
when asked (``explain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kalibar.targeting.engine import active_rules, evaluate
from kalibar.targeting.features import prepare, read_frame
from kalibar.targeting.lanes import DEFAULT_CAPACITY, LanePolicy, assign
from kalibar.targeting.names import WatchEntry, watchlist_per_declaration
from kalibar.targeting.norms import from_traffic
from kalibar.targeting.risk import as_evidence
from kalibar.targeting.rules import Rule

if TYPE_CHECKING:
    from kalibar.targeting.model import RiskModel

OUTPUT = ("declaration_id", "score", "lane", "reasons")
#: Risk (calibrated probability of a finding) → requested lane, when the policy sets none.
DEFAULT_SCORE_THRESHOLDS = {"red": 0.5, "yellow": 0.2}

Entries = Iterable[WatchEntry] | pl.DataFrame


def model_policy(policy: LanePolicy) -> LanePolicy:
    """``policy`` with ``DEFAULT_SCORE_THRESHOLDS`` when it sets no score thresholds."""
    if policy.score_thresholds:
        return policy
    return replace(policy, score_thresholds=dict(DEFAULT_SCORE_THRESHOLDS))


def with_watchlist(
    feats: pl.DataFrame, entries: Entries | None
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Prepared item rows with the watchlist columns, and the hits per declaration."""
    if entries is None:
        return feats, None
    per = watchlist_per_declaration(feats, entries)
    out = feats.join(per, on="declaration_id", how="left", maintain_order="left").with_columns(
        pl.col("watchlist_score").fill_null(0.0),
        pl.col("watchlist_reason").fill_null(""),
    )
    return out.with_columns((pl.col("watchlist_score") > 0).alias("watchlist_hit")), per


def _attach(decl: pl.DataFrame, per: pl.DataFrame) -> pl.DataFrame:
    """Per-declaration columns onto ``evaluate``'s rows (same order: a stack, else a join)."""
    if per.height == decl.height and per["declaration_id"].equals(decl["declaration_id"]):
        return decl.hstack(per.drop("declaration_id").get_columns())
    return decl.join(per, on="declaration_id", how="left", maintain_order="left")


def screen(
    items: pl.DataFrame,
    *,
    rules: list[Rule],
    policy: LanePolicy,
    watchlist: Entries | None = None,
    model: RiskModel | None = None,
    explain: bool = False,
    prepared: bool = False,
) -> pl.DataFrame:
    """Item rows (text columns, optional ``score`` in 0..1) → one lane per declaration.

    With ``watchlist`` entries the rules see ``watchlist_hit``/``watchlist_score`` and the
    reasons carry the hits; with ``model`` its score (replacing any ``score`` column) goes
    to the lanes, against ``policy.score_thresholds`` (``DEFAULT_SCORE_THRESHOLDS`` when
    empty). ``explain`` adds ``top_features`` for the red and yellow declarations."""
    feats = items if prepared else prepare(items)
    feats, hits = with_watchlist(feats, watchlist)
    decl = evaluate(feats, active_rules(rules), prepared=True)
    if hits is not None:
        decl = decl.join(
            hits.select("declaration_id", "watchlist_reason"),
            on="declaration_id",
            how="left",
            maintain_order="left",
        )
    if model is not None:
        scored = model.score(feats, explain_top=0, prepared=True, rule_hits=decl)
        decl = as_evidence(
            _attach(decl, scored.select("declaration_id", "score")),
            has_model=True,
            rules=active_rules(rules),
            learned=model.learned_rules,
        )
        policy = model_policy(policy)
    elif "score" in items.columns:
        given = feats.group_by("declaration_id").agg(
            pl.col("score").cast(pl.Float64, strict=False).max()
        )
        decl = decl.join(given, on="declaration_id", how="left")
    else:
        decl = as_evidence(decl, has_model=False)
        policy = model_policy(policy)
    lanes = assign(decl, policy)
    if explain and model is not None:
        lanes = _explain(lanes, feats, model, decl)
    return lanes


def _explain(
    lanes: pl.DataFrame, feats: pl.DataFrame, model: RiskModel, hits: pl.DataFrame
) -> pl.DataFrame:
    """``top_features`` of the model for the red and yellow declarations ("" elsewhere)."""
    ids = lanes.filter(pl.col("lane").is_in(["red", "yellow"]))["declaration_id"]
    top = pl.DataFrame(schema={"declaration_id": pl.Utf8, "top_features": pl.Utf8})
    if len(ids):
        chosen = feats.filter(pl.col("declaration_id").is_in(ids.implode()))
        top = model.score(chosen, prepared=True, rule_hits=hits).select(
            "declaration_id", "top_features"
        )
    return lanes.join(top, on="declaration_id", how="left", maintain_order="left").with_columns(
        pl.col("top_features").fill_null("")
    )


def screen_file(
    path: Path,
    out: Path,
    *,
    rules: list[Rule],
    random_rate: float = 0.01,
    seed: int = 0,
    red_rate: float | None = DEFAULT_CAPACITY["red"],
    yellow_rate: float | None = DEFAULT_CAPACITY["yellow"],
    watchlist: Entries | None = None,
    model: RiskModel | None = None,
    used: dict[str, object] | None = None,
) -> dict[str, int]:
    """Screen ``path`` into ``out``; returns the number of declarations per lane. Red and
    yellow are capped at ``red_rate``/``yellow_rate`` of each office's and flow's
    declarations (``None``: uncapped), the whole file ranked by risk. ``used`` (when
    given) receives ``norms``: "traffic" when the model measured against the file's own
    norms, "model" when the file was too small (``norms.MIN_TRAFFIC``), and ``items``."""
    caps = {"red": red_rate, "yellow": yellow_rate}
    policy = LanePolicy(
        random_rate=random_rate,
        seed=seed,
        rates={"*/*": {k: v for k, v in caps.items() if v is not None}},
    )
    feats = prepare(read_frame(path))
    # the file is the recent traffic: its own norms where it is large enough (``norms``)
    model = from_traffic(model, feats, prepared=True)
    if used is not None and model is not None and model.signals is not None:
        used["norms"] = model.metadata.get("norms", "model")
        used["items"] = feats.height
    lanes = screen(
        feats, rules=rules, policy=policy, watchlist=watchlist, model=model, prepared=True
    )
    lanes.select(pl.col("declaration_id"), pl.col("score").round(2), "lane", "reasons").write_csv(
        out
    )
    counts = dict(lanes.group_by("lane").len().iter_rows())
    return {lane: int(counts.get(lane, 0)) for lane in ("red", "yellow", "blue", "green")}
