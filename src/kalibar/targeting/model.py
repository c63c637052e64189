"""The learned risk score: declaration features, a stored versioned model, scores with reasons.

Features (one row per declaration, from ``features.prepare`` item rows): numeric totals,
extremes of the per-item ratios (unit value, weight per item, value per kg), the boolean
flags (HS chapter 93, decoy heading, HS/description mismatch, vehicle, every keyword
group) as 0/1, and small-cardinality text fields (flow, office, item category, transport
mode, countries, HS chapter and heading) as categories — the ``CATEGORY_LIMIT`` most
frequent values in training, the rest "other" — which the gradient boosting splits natively.

Top contributing features ("occlusion"): for each scored row and each feature, the row's
value is replaced by a reference value (the training median for numbers, missing for
categories) and the drop of the calibrated score is that feature's contribution; the
largest positive drops are reported. It is one-at-a-time, so interacting features share
credit unevenly, and it costs one prediction per feature and row (``explain_top`` limits
it to the highest scores). It is an approximation, not SHAP values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from kalibar.config import get_settings
from kalibar.errors import NotFound
from kalibar.targeting.features import (
    declaration_runs,
    keyword_groups,
    prepare,
    with_consignee_defaults,
)
from kalibar.targeting.predictor import Predictor
from kalibar.targeting.signals import Signals

NUMERIC_SUM = ("quantity", "gross_weight_kg", "value_eur")
NUMERIC_EXTREMES = ("unit_value", "weight_per_item", "value_per_kg")
FLAGS = ("hs_ch93", "hs_decoy", "hs_mismatch", "has_vehicle")
CATEGORICAL = (
    "flow",
    "office",
    "item_category",
    "transport_mode",
    "dispatch_country",
    "consignor_country",
    "consignee_country",
    "origin_country",
    "hs_chapter",
    "hs_heading",
)
CATEGORY_LIMIT = 60
#: Below this many rows the OpenMP pool of the boosting runs on one thread: on small
#: batches (and on a busy 2-core host) thread hand-offs cost far more than they save.
PARALLEL_ROWS = 200_000
MODEL_FILE = "model.joblib"
META_FILE = "metadata.json"


def threads(rows: int) -> threadpool_limits:
    """Context limiting OpenMP threads for a batch of ``rows`` (see ``PARALLEL_ROWS``)."""
    return threadpool_limits(limits=1 if rows < PARALLEL_ROWS else None, user_api="openmp")


def cpu_threads() -> int:
    """OpenMP threads for a large batch (the effective CPU count, cgroup quotas included)."""
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    return int(_openmp_effective_n_threads())


def model_root(model_dir: Path | None = None) -> Path:
    return model_dir or get_settings().data_dir / "models" / "targeting"


def declaration_features(
    items: pl.DataFrame,
    *,
    prepared: bool = False,
    signals: Signals | None = None,
    item_signals: pl.DataFrame | None = None,
    rule_hits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per declaration: ``declaration_id``, ``lodged_at``, numeric and text features
    (and ``inspected``/``outcome`` when present). With ``signals``: its columns too
    (``item_signals``: its ``item_columns`` of ``items`` when already computed;
    ``rule_hits``: ``engine.evaluate`` rows with ``rule_score`` and ``hit:<id>``, missing
    ones count as no hit)."""
    df = items if prepared else prepare(items)
    kw = [f"kw_{g}" for g in keyword_groups()]
    keep: list[str] = [c for c in ("inspected", "outcome") if c in df.columns]
    if signals is not None:
        extra = item_signals if item_signals is not None else signals.item_columns(df)
        df = with_consignee_defaults(df).hstack(extra.get_columns())
        decl = _grouped(df, _aggs(keep, kw) + signals.declaration_aggs())
        return _with_rule_hits(decl, signals, rule_hits)
    return _grouped(df, _aggs(keep, kw))


def _with_rule_hits(
    decl: pl.DataFrame, signals: Signals, rule_hits: pl.DataFrame | None
) -> pl.DataFrame:
    cols = ["rule_score", *(f"hit:{r}" for r in signals.rule_ids)]
    if rule_hits is None:
        return decl.with_columns(pl.lit(0.0).alias(c) for c in cols)
    present = [c for c in cols if c in rule_hits.columns]
    hits = rule_hits.select(
        "declaration_id", *(pl.col(c).cast(pl.Float64).fill_null(0.0) for c in present)
    )
    if hits.height == decl.height and hits["declaration_id"].equals(decl["declaration_id"]):
        out = decl.hstack(hits.drop("declaration_id").get_columns())
    else:
        out = decl.join(hits, on="declaration_id", how="left", maintain_order="left")
    return out.with_columns(
        *(pl.col(c).fill_null(0.0) for c in present),
        *(pl.lit(0.0).alias(c) for c in cols if c not in present),
    )


def _aggs(keep: list[str], kw: list[str]) -> list[pl.Expr]:
    aggs: list[pl.Expr] = [pl.col("lodged_at").first()]
    aggs += [pl.col(c).first() for c in keep]
    aggs += [pl.col("n_items").first()]
    aggs += [pl.col(c).sum().alias(f"{c}_sum") for c in NUMERIC_SUM]
    for c in NUMERIC_EXTREMES:
        aggs += [pl.col(c).max().alias(f"{c}_max"), pl.col(c).min().alias(f"{c}_min")]
    aggs += [pl.col(c).any().cast(pl.Float64).alias(c) for c in (*FLAGS, *kw)]
    aggs += [pl.col(c).first().cast(pl.Utf8).fill_null("") for c in CATEGORICAL]
    return aggs


def _grouped(df: pl.DataFrame, aggs: list[pl.Expr]) -> pl.DataFrame:
    runs = declaration_runs(df["declaration_id"])
    if runs is None:
        return df.group_by("declaration_id", maintain_order=True).agg(aggs)
    # items listed together (files): group on the integer run number, same rows and order
    return (
        df.with_columns(runs.alias("_run"))
        .group_by("_run", maintain_order=True)
        .agg(pl.col("declaration_id").first(), *aggs)
        .drop("_run")
    )


def keyword_columns() -> list[str]:
    return [f"kw_{g}" for g in keyword_groups()]


def numeric_columns() -> list[str]:
    kw = [f"kw_{g}" for g in keyword_groups()]
    cols = ["n_items", *(f"{c}_sum" for c in NUMERIC_SUM)]
    for c in NUMERIC_EXTREMES:
        cols += [f"{c}_max", f"{c}_min"]
    return [*cols, *FLAGS, *kw]


@dataclass
class Encoder:
    """Turns declaration features into the model's matrix (categories as small integers)."""

    numeric: list[str]
    categories: dict[str, list[str]]
    reference: list[float] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categories]

    @property
    def categorical_mask(self) -> list[bool]:
        return [False] * len(self.numeric) + [True] * len(self.categories)

    @classmethod
    def fit(
        cls,
        decl: pl.DataFrame,
        *,
        signals: Signals | None = None,
        categorical: tuple[str, ...] = CATEGORICAL,
        raw_numbers: bool = True,
    ) -> Encoder:
        cats: dict[str, list[str]] = {}
        for c in categorical:
            counts = decl.group_by(c).len().sort(["len", c], descending=[True, False])
            values = [v for v in counts[c].to_list() if v][:CATEGORY_LIMIT]
            cats[c] = [*values, "other"]
        base = numeric_columns() if raw_numbers else [*FLAGS, *keyword_columns()]
        enc = cls([*base, *(signals.columns if signals else [])], cats)
        x = enc.transform(decl)
        ref = [
            float(np.nanmedian(x[:, j])) if np.isfinite(x[:, j]).any() else 0.0
            for j in range(len(enc.numeric))
        ]
        enc.reference = ref + [float("nan")] * len(cats)
        return enc

    def transform(self, decl: pl.DataFrame) -> np.ndarray:
        exprs: list[pl.Expr] = [pl.col(c).cast(pl.Float64) for c in self.numeric]
        for c, values in self.categories.items():
            mapping = {v: float(i) for i, v in enumerate(values[:-1])}
            code = (
                pl.when(pl.col(c) == "")
                .then(None)
                .otherwise(pl.col(c).replace_strict(mapping, default=float(len(values) - 1)))
            )
            exprs.append(code.cast(pl.Float64).alias(c))
        return decl.select(exprs).to_numpy().astype(np.float64)

    def row_vector(
        self, feats: list[dict[str, Any]], extra: dict[str, float] | None = None
    ) -> list[float]:
        """One declaration's row of :meth:`transform`, from ``features.row_features`` of its
        items (plain Python, the same values as ``declaration_features`` + ``transform``);
        ``extra``: the values of the signal columns (``Signals.row_values``)."""
        nan = float("nan")
        out: list[float] = []
        extra = extra or {}
        for name in self.numeric:
            if name in extra:
                out.append(float(extra[name]))
            elif name == "n_items":
                out.append(float(feats[0]["n_items"]))
            elif name.endswith("_sum") and name[:-4] in NUMERIC_SUM:
                out.append(float(sum(float(f[name[:-4]]) for f in feats)))
            elif name[-4:] in ("_max", "_min") and name[:-4] in NUMERIC_EXTREMES:
                vals = [float(v) for f in feats if (v := f.get(name[:-4])) is not None]
                pick = max if name.endswith("_max") else min
                out.append(pick(vals) if vals else nan)
            else:
                out.append(1.0 if any(bool(f.get(name)) for f in feats) else 0.0)
        for c, values in self.categories.items():
            value = feats[0].get(c) or ""
            if not value:
                out.append(nan)
            else:
                codes = self._codes.get(c)
                if codes is None:
                    codes = self._codes[c] = {v: float(i) for i, v in enumerate(values[:-1])}
                out.append(codes.get(str(value), float(len(values) - 1)))
        return out

    @property
    def _codes(self) -> dict[str, dict[str, float]]:
        cache: dict[str, dict[str, float]] | None = self.__dict__.get("_code_cache")
        if cache is None:
            cache = self.__dict__["_code_cache"] = {}
        return cache

    def as_dict(self) -> dict[str, Any]:
        return {"numeric": self.numeric, "categories": self.categories, "reference": self.reference}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Encoder:
        return cls(list(data["numeric"]), dict(data["categories"]), list(data["reference"]))


@dataclass
class RiskModel:
    """A trained, calibrated model with its encoder and metadata."""

    version: str
    estimator: Any  # a calibrated scikit-learn classifier with predict_proba
    encoder: Encoder
    metadata: dict[str, Any]
    #: the carried features learned in training (``None``: a model from before them)
    signals: Signals | None = None

    @property
    def learned_rules(self) -> list[str]:
        """Rules whose hits the model learned to weigh (they fired in its training data)."""
        return list(self.metadata.get("learned_rules", []))

    @property
    def predictor(self) -> Predictor | None:
        """The compiled predictor (``predictor.Predictor``), built once per model."""
        if "_predictor" not in self.__dict__:
            self.__dict__["_predictor"] = Predictor.build(self.estimator)
        fast: Predictor | None = self.__dict__["_predictor"]
        return fast

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of a finding per row of the encoder's matrix."""
        fast = self.predictor
        if fast is not None and len(x):
            return fast.predict(x, n_threads=1 if len(x) < PARALLEL_ROWS else cpu_threads())
        with threads(len(x)):
            return np.asarray(self.estimator.predict_proba(x)[:, 1], dtype=np.float64)

    def score_row(
        self,
        feats: list[dict[str, Any]],
        *,
        top: int = 0,
        rule_ids: list[str] | tuple[str, ...] = (),
        rule_score: float = 0.0,
    ) -> tuple[float, str]:
        """One declaration from ``features.row_features`` of its items (and the ids and
        summed weight of the rules it hit) → (score, ``top_features``) without Polars or
        scikit-learn's input checks: the small-request path of the screening API. Same
        score as :meth:`score` (tested)."""
        extra = None
        if self.signals is not None:
            extra = self.signals.row_values(feats, rule_ids)
            extra["rule_score"] = float(rule_score)
        row = self.encoder.row_vector(feats, extra)
        fast = self.predictor
        if fast is None:
            x = np.asarray([row], dtype=np.float64)
            raw_p = float(self.predict(x)[0])
            score = self._adjust_one(raw_p, extra)
            return score, (self._top(x, np.asarray([raw_p]), top)[0] if top else "")
        raw = fast.predict_one(row)
        score = self._adjust_one(raw, extra)
        if not top:
            return score, ""
        ref = self.encoder.reference
        contrib = []
        for j, value in enumerate(row):
            r = ref[j]
            if value == r or (value != value and r != r):
                contrib.append(0.0)
                continue
            changed = list(row)
            changed[j] = r
            contrib.append(raw - fast.predict_one(changed))
        return score, self._format(contrib, top)

    def _adjust_one(self, p: float, extra: dict[str, float] | None) -> float:
        if self.signals is None or extra is None:
            return p
        anomaly = np.asarray([extra.get("anomaly", 0.0)])
        return float(self.signals.adjust(np.asarray([p]), anomaly)[0])

    def _format(self, contrib: Any, top: int) -> str:
        names = self.encoder.columns
        values = np.asarray(contrib, dtype=np.float64)
        best = np.argsort(-values, kind="stable")[:top]
        return ";".join(f"{names[j]}:{values[j]:+.3f}" for j in best if values[j] > 0)

    def _top(self, x: np.ndarray, scores: np.ndarray, top: int) -> list[str]:
        contrib = self.contributions(x, scores)
        return [self._format(contrib[i], top) for i in range(len(x))]

    def score(
        self,
        items: pl.DataFrame,
        *,
        explain_top: int | None = None,
        top: int = 3,
        prepared: bool = False,
        rule_hits: pl.DataFrame | None = None,
    ) -> pl.DataFrame:
        """``declaration_id, score, top_features`` (``name:+0.12;…``) per declaration;
        ``rule_hits``: ``engine.evaluate`` rows of the same items (the rules as evidence)."""
        decl = declaration_features(
            items, prepared=prepared, signals=self.signals, rule_hits=rule_hits
        )
        x = self.encoder.transform(decl)
        raw = self.predict(x) if len(x) else np.zeros(0)
        scores = self.adjusted(raw, decl)
        if explain_top == 0:
            return decl.select("declaration_id").with_columns(
                pl.Series("score", scores, dtype=pl.Float64), pl.lit("").alias("top_features")
            )
        reasons = [""] * len(scores)
        order = np.argsort(-scores, kind="stable")
        chosen = order if explain_top is None else order[:explain_top]
        if len(chosen):
            for i, text in zip(chosen, self._top(x[chosen], raw[chosen], top), strict=True):
                reasons[i] = text
        return pl.DataFrame(
            {"declaration_id": decl["declaration_id"], "score": scores, "top_features": reasons}
        )

    def adjusted(self, p: np.ndarray, decl: pl.DataFrame) -> np.ndarray:
        """The model's probabilities with the anomaly evidence of ``decl`` (``Signals.adjust``;
        unchanged for a model without it)."""
        if self.signals is None or "anomaly" not in decl.columns or not len(p):
            return p
        return self.signals.adjust(p, decl["anomaly"].to_numpy())

    def contributions(self, x: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Occlusion: score drop when each feature takes its reference value (rows × features)."""
        n, f = x.shape
        out = np.zeros((n, f))
        ref = np.asarray(self.encoder.reference, dtype=np.float64)
        for j in range(f):
            changed = x.copy()
            changed[:, j] = ref[j]
            same = (x[:, j] == ref[j]) | (np.isnan(x[:, j]) & np.isnan(ref[j]))
            out[:, j] = np.where(same, 0.0, base - self.predict(changed))
        return out

    def save(self, root: Path | None = None) -> Path:
        folder = model_root(root) / self.version
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump({"estimator": self.estimator, "signals": self.signals}, folder / MODEL_FILE)
        meta = {**self.metadata, "version": self.version, "encoder": self.encoder.as_dict()}
        (folder / META_FILE).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
        return folder


def versions(root: Path | None = None) -> list[str]:
    base = model_root(root)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / META_FILE).is_file())


#: Names the version that screens (written when an administrator activates one); without
#: it the newest stored version screens (models trained from files before versions).
ACTIVE_FILE = "ACTIVE"


def active_version(root: Path | None = None) -> str | None:
    """The version that screens: the one ``ACTIVE_FILE`` names (``None`` when it names
    none), else the newest stored one."""
    marker = model_root(root) / ACTIVE_FILE
    if marker.is_file():
        name = marker.read_text(encoding="utf-8").strip()
        return name if name in versions(root) else None
    known = versions(root)
    return known[-1] if known else None


def write_active(version: str | None, root: Path | None = None) -> None:
    """Make ``version`` (``None``: no model) the one that screens, atomically."""
    base = model_root(root)
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".{ACTIVE_FILE}.tmp"
    tmp.write_text(version or "", encoding="utf-8")
    tmp.replace(base / ACTIVE_FILE)


def load_model(version: str = "latest", root: Path | None = None) -> RiskModel:
    """A stored model; ``latest`` is the newest version (versions sort by time), ``active``
    the one that screens (:func:`active_version`)."""
    known = versions(root)
    if version == "active":
        version = active_version(root) or ""
        if not version:
            raise NotFound("model", "active")
    if version == "latest":
        if not known:
            raise NotFound("model", "latest")
        version = known[-1]
    folder = model_root(root) / version
    if version not in known:
        raise NotFound("model", version)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    stored = joblib.load(folder / MODEL_FILE)
    encoder = Encoder.from_dict(meta.pop("encoder"))
    return RiskModel(version, stored["estimator"], encoder, meta, stored.get("signals"))


__all__ = [
    "Encoder",
    "RiskModel",
    "active_version",
    "declaration_features",
    "load_model",
    "model_root",
    "versions",
    "write_active",
]
