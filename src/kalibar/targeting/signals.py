"""Features that carry to traffic the model has never seen, learned in training and stored
with the model (``Signals``).

- **Description text**: the folded description (``features.fold_expr``: case, Cyrillic to
  Latin, diacritics — so "Пиштољ", "pištolj" and "PISTOLJ" are one text) as character
  n-grams within words (3 to 5 characters, hashed into ``TEXT_FEATURES`` columns: no
  vocabulary, no fixed word list). A logistic regression on them gives ``text_risk`` (log
  odds of a finding); in training it is computed out of fold so the boosting does not learn
  from a text score that saw its own label.
- **HS code vs description**: per HS chapter the mean n-gram vector of the training
  traffic's descriptions; ``chapter_gap`` is how much closer a description is to another
  chapter's goods than to the declared one's, ``looks_ch93`` its closeness to chapter 93.
- **Value and weight against the heading's norm**: robust z-scores (median and MAD of
  ``log1p``) of the unit value, value per kg and weight per item within the HS heading (the
  chapter, then all traffic when a heading has fewer than ``MIN_NORM`` items).
- **Off for what it claims to be** (``anomaly``): the distance of an item's value and
  weight from the norm of its heading (root mean square of the z-scores), turned into a
  surprise with the *empirical* tail of that distance in the traffic the norms were
  learned from (``-log P(D >= d)``: no labels, so it means the same on any traffic). The
  declaration's is its most surprising item's. It is not a column of the boosting: the
  score adds it to the model's log odds with one weight (never negative) fitted by
  training on its validation period (``adjust``), so a declaration whose goods are off
  for what they claim rises on any goods, not only on goods like the ones the history
  caught.
- **Route**: dispatch country differs from the origin; consignor country differs from the
  dispatch country.
- **Traders**: ``first_time_consignee`` and ``consignee_seen_in_seizure`` (names folded
  across scripts, ``features.consignee_features``), and the rules as evidence: ``rule_score``
  and one ``hit:<id>`` column per rule known at training.

Everything is computed once per distinct description (or description and HS chapter) and
gathered back, so a batch costs little more than its distinct descriptions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse

TEXT_FEATURES = 2**18
NGRAMS = (3, 5)
MIN_NORM = 30
MIN_CENTROID = 20
Z_CLIP = 20.0
_MAD = 1.4826
_MAD_FLOOR = 0.05
#: Points of the empirical tail of the distance from the norm (``anomaly``).
TAIL_POINTS = 64
#: Probabilities fed to the log odds are kept this far from 0 and 1.
_P_CLIP = 1e-6
NORM_QUANTITIES = ("unit_value", "value_per_kg", "weight_per_item")
#: Per item, reduced to a declaration by max (and min for the z-scores).
TEXT_COLUMNS = ("text_risk", "looks_ch93", "chapter_gap")
Z_COLUMNS = tuple(f"z_{q}" for q in NORM_QUANTITIES)
ROUTE_COLUMNS = ("route_origin_differs", "route_consignor_differs")
TRADER_COLUMNS = ("first_time_consignee", "consignee_seen_in_seizure")


@lru_cache(maxsize=1)
def hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        n_features=TEXT_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
        dtype=np.float32,
    )


def hashed(texts: Sequence[str]) -> sparse.csr_matrix:
    """Rows of n-gram counts (l2-normalised) of folded texts."""
    return hasher().transform([t.strip() for t in texts]).tocsr()


@dataclass
class Signals:
    """What training learned for the carried features (see the module docstring)."""

    text_coef: np.ndarray
    text_intercept: float
    chapters: list[str]
    centroids: sparse.csr_matrix
    #: level ("heading", "chapter") → code → quantity → (median, scaled MAD); "" → global
    norms: dict[str, dict[str, dict[str, tuple[float, float]]]]
    rule_ids: list[str] = field(default_factory=list)
    #: (distances, surprises) of the empirical tail of the distance from the norm; ``None``
    #: (a model from before it): no ``anomaly``
    tail: tuple[list[float], list[float]] | None = None
    #: log odds added per unit of ``anomaly`` and the offset fitted with it (``adjust``)
    anomaly_weight: float = 0.0
    anomaly_bias: float = 0.0

    # ------------------------------------------------------------------ columns

    @property
    def columns(self) -> list[str]:
        zs = [f"{z}_{e}" for z in Z_COLUMNS for e in ("max", "min")]
        hits = [f"hit:{r}" for r in self.rule_ids]
        return [*TEXT_COLUMNS, *zs, *ROUTE_COLUMNS, *TRADER_COLUMNS, "rule_score", *hits]

    # ------------------------------------------------------------------ fitting

    @classmethod
    def fit(
        cls,
        items: pl.DataFrame,
        labels: pl.DataFrame,
        *,
        rule_ids: Iterable[str] = (),
        seed: int = 0,
    ) -> tuple[Signals, np.ndarray, np.ndarray]:
        """From prepared item rows of all training traffic and ``labels``
        (``declaration_id``, ``y``: inspected training declarations). Returns the signals,
        and the labelled items' row numbers with their out-of-fold ``text_risk`` (for
        training the boosting)."""
        texts = items.select(pl.col("desc_key").str.strip_chars()).to_series()
        distinct = texts.unique(maintain_order=True)
        x_all = hashed(distinct.to_list())
        index = {t: i for i, t in enumerate(distinct.to_list())}
        chapters, centroids = _centroids(items, x_all, index)
        norms = _fit_norms(items)
        lab = (
            items.with_row_index("_row")
            .select("_row", "declaration_id", pl.col("desc_key").str.strip_chars().alias("_t"))
            .join(labels.select("declaration_id", "y"), on="declaration_id", how="inner")
            .with_columns(
                (pl.col("declaration_id").hash(seed=seed + 17) % 5).cast(pl.Int32).alias("_fold")
            )
        )
        coef, intercept = _fit_text(lab, x_all, index)
        oof = np.zeros(lab.height)
        folds = lab["_fold"].to_numpy()
        rows = np.asarray([index[t] for t in lab["_t"].to_list()], dtype=np.int64)
        for f in range(5):
            part = folds == f
            if not part.any():
                continue
            c, b = _fit_text(lab.filter(pl.Series(~part)), x_all, index)
            oof[part] = x_all[rows[part]] @ c + b
        signals = cls(coef, intercept, chapters, centroids, norms, list(rule_ids))
        signals.tail = _tail(signals._distance(items))
        return signals, lab["_row"].to_numpy().astype(np.int64), oof

    def with_traffic(self, items: pl.DataFrame) -> Signals:
        """These signals with the HS norms and chapter centroids of ``items`` (prepared rows
        of recent traffic, no labels needed) where that traffic has enough of a heading or
        chapter: what is normal moves with the traffic; what training learned stays."""
        from dataclasses import replace

        norms = _fit_norms(items)
        merged = {
            level: {**self.norms.get(level, {}), **norms.get(level, {})}
            for level in ("chapter", "heading")
        }
        merged[""] = self.norms[""]
        texts = items.select(pl.col("desc_key").str.strip_chars()).to_series().unique()
        index = {t: i for i, t in enumerate(texts.to_list())}
        chapters, cent = _centroids(items, hashed(texts.to_list()), index)
        old = [c for c in self.chapters if c not in chapters]
        keep = [self.chapters.index(c) for c in old]
        all_chapters = [*old, *chapters]
        centroids = sparse.vstack([self.centroids[keep], cent]).tocsr()
        fresh = replace(self, norms=merged, chapters=all_chapters, centroids=centroids)
        if self.tail is not None:
            fresh.tail = _tail(fresh._distance(items)) or self.tail
        return fresh

    # ------------------------------------------------------------------ batch

    def item_columns(self, items: pl.DataFrame) -> pl.DataFrame:
        """Per item row: ``TEXT_COLUMNS``, ``Z_COLUMNS``, ``ROUTE_COLUMNS`` (same order)."""
        pairs = items.select(
            pl.col("desc_key").str.strip_chars().alias("_t"), pl.col("hs_chapter").fill_null("")
        )
        key = pl.col("_t").cast(pl.Categorical).to_physical().cast(pl.UInt64) * (1 << 32) + pl.col(
            "hs_chapter"
        ).cast(pl.Categorical).to_physical().cast(pl.UInt64)
        keys = pairs.select(key.alias("_k")).to_series()
        uniq = pairs.with_columns(keys).unique("_k", maintain_order=True)
        text = self.text_values(uniq["_t"].to_list(), uniq["hs_chapter"].to_list())
        per_pair = pl.DataFrame(
            {name: text[:, j] for j, name in enumerate(TEXT_COLUMNS)},
            schema=dict.fromkeys(TEXT_COLUMNS, pl.Float64),
        )
        index = keys.replace_strict(uniq["_k"], pl.Series(np.arange(uniq.height)))
        per_item = per_pair.select(pl.all().gather(index))
        zs = self._z_frame(items)
        route = items.select(
            _differs("dispatch_country", "origin_country").alias(ROUTE_COLUMNS[0]),
            _differs("consignor_country", "dispatch_country").alias(ROUTE_COLUMNS[1]),
        )
        anomaly = pl.Series("anomaly", self.surprise(_rms(zs.to_numpy())), dtype=pl.Float64)
        return pl.concat([per_item, zs, route, anomaly.to_frame()], how="horizontal")

    def text_values(self, texts: Sequence[str], chapters: Sequence[str]) -> np.ndarray:
        """``TEXT_COLUMNS`` for (folded text, HS chapter) pairs."""
        out = np.zeros((len(texts), len(TEXT_COLUMNS)))
        if not len(texts):
            return out
        x = hashed(texts)
        out[:, 0] = x @ self.text_coef + self.text_intercept
        if self.chapters:
            sims = np.asarray((x @ self._centroids_t).todense(), dtype=np.float64)
            col = {c: i for i, c in enumerate(self.chapters)}
            idx = np.asarray([col.get(c, -1) for c in chapters], dtype=np.int64)
            declared = np.where(idx >= 0, sims[np.arange(len(texts)), np.maximum(idx, 0)], 0.0)
            out[:, 2] = sims.max(axis=1) - declared
            if "93" in col:
                out[:, 1] = sims[:, col["93"]]
        return out

    @property
    def _centroids_t(self) -> sparse.csr_matrix:
        """The centroids transposed, as CSR (built once: no conversion per product)."""
        cached: sparse.csr_matrix | None = self.__dict__.get("_cent_t")
        if cached is None:
            cached = self.__dict__["_cent_t"] = self.centroids.T.tocsr()
        return cached

    def _z_frame(self, items: pl.DataFrame) -> pl.DataFrame:
        """``Z_COLUMNS`` per item: the norm parameters are looked up once per distinct
        (heading, chapter) and joined back (one join, not a chain of replacements)."""
        keys = items.select(pl.col("hs_heading").fill_null(""), pl.col("hs_chapter").fill_null(""))
        pairs = keys.unique()
        params: dict[str, list[float]] = {f"_{k}_{q}": [] for q in NORM_QUANTITIES for k in "ms"}
        for heading, chapter in pairs.iter_rows():
            f = {"hs_heading": heading, "hs_chapter": chapter}
            for q in NORM_QUANTITIES:
                med, mad = self.norm_of(f, q)
                params[f"_m_{q}"].append(med)
                params[f"_s_{q}"].append(mad)
        table = pairs.hstack([pl.Series(k, v, dtype=pl.Float64) for k, v in params.items()])
        joined = keys.join(
            table, on=["hs_heading", "hs_chapter"], how="left", maintain_order="left"
        )
        values = items.select(
            *(pl.col(q).cast(pl.Float64).log1p().alias(q) for q in NORM_QUANTITIES)
        )
        return pl.concat([joined, values], how="horizontal").select(
            ((pl.col(q) - pl.col(f"_m_{q}")) / pl.col(f"_s_{q}"))
            .clip(-Z_CLIP, Z_CLIP)
            .alias(f"z_{q}")
            for q in NORM_QUANTITIES
        )

    def norm_of(self, f: dict[str, Any], q: str) -> tuple[float, float]:
        """(median, scaled MAD) of ``log1p`` of ``q`` for an item's heading, else its
        chapter, else all traffic."""
        for level, col in (("heading", "hs_heading"), ("chapter", "hs_chapter")):
            found = self.norms.get(level, {}).get(f.get(col) or "", {}).get(q)
            if found is not None:
                return found
        return self.norms[""][""][q]

    # ------------------------------------------------------------------ anomaly

    def _distance(self, items: pl.DataFrame) -> np.ndarray:
        return _rms(self._z_frame(items).to_numpy())

    def surprise(self, distance: np.ndarray) -> np.ndarray:
        """``-log P(D >= d)`` of distances from the norm, by the empirical tail (0 without
        one or for a missing distance)."""
        if not self.tail or not self.tail[0]:
            return np.zeros(len(distance))
        xs, ys = self.tail
        out = np.interp(distance, xs, ys, left=0.0, right=ys[-1])
        return np.where(np.isfinite(distance), out, 0.0)

    def adjust(self, p: np.ndarray, anomaly: np.ndarray) -> np.ndarray:
        """The model's probabilities with the anomaly evidence added to their log odds."""
        if not self.anomaly_weight and not self.anomaly_bias:
            return p
        q = np.clip(p, _P_CLIP, 1 - _P_CLIP)
        logit = np.log(q / (1 - q)) + self.anomaly_weight * np.nan_to_num(anomaly)
        return np.asarray(1.0 / (1.0 + np.exp(-(logit + self.anomaly_bias))), dtype=np.float64)

    def fit_anomaly(self, p: np.ndarray, anomaly: np.ndarray, y: np.ndarray, w: np.ndarray) -> None:
        """Fit ``anomaly_weight`` (>= 0: anomaly can only raise risk) and ``anomaly_bias`` by
        the weighted log loss of ``adjust`` on held-out labelled declarations (the
        validation period of training, never the traffic being tested)."""
        from scipy.optimize import minimize

        if self.tail is None or not len(y) or y.min() == y.max():
            return
        q = np.clip(p, _P_CLIP, 1 - _P_CLIP)
        base = np.log(q / (1 - q))
        a = np.nan_to_num(anomaly)

        def loss(theta: np.ndarray) -> float:
            z = base + theta[0] * a + theta[1]
            return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)))

        found = minimize(loss, np.zeros(2), method="L-BFGS-B", bounds=[(0.0, 5.0), (-20.0, 5.0)])
        self.anomaly_weight, self.anomaly_bias = float(found.x[0]), float(found.x[1])

    def declaration_aggs(self) -> list[pl.Expr]:
        """Reductions of the item columns to one declaration (after ``item_columns``)."""
        aggs = [pl.col(c).max().alias(c) for c in TEXT_COLUMNS]
        for z in Z_COLUMNS:
            aggs += [pl.col(z).max().alias(f"{z}_max"), pl.col(z).min().alias(f"{z}_min")]
        aggs += [pl.col(c).any().cast(pl.Float64).alias(c) for c in ROUTE_COLUMNS]
        aggs += [pl.col(c).first().cast(pl.Float64).alias(c) for c in TRADER_COLUMNS]
        aggs.append(pl.col("anomaly").max().fill_null(0.0).alias("anomaly"))
        return aggs

    # ------------------------------------------------------------------ one declaration

    def row_values(self, feats: list[dict[str, Any]], rule_ids: Iterable[str] = ()) -> dict:
        """The declaration's signal columns from ``features.row_features`` of its items and
        the ids of the rules it hit (plain Python but the text, which is hashed as a batch)."""
        text = self.text_values(
            [str(f.get("desc_key") or "") for f in feats], [f["hs_chapter"] for f in feats]
        )
        out: dict[str, float] = {c: float(text[:, j].max()) for j, c in enumerate(TEXT_COLUMNS)}
        per_item = [[self.z_value(f, q) for q in NORM_QUANTITIES] for f in feats]
        zs = np.asarray([[math.nan if v is None else v for v in row] for row in per_item])
        out["anomaly"] = float(self.surprise(_rms(zs)).max())
        for k, z in enumerate(Z_COLUMNS):
            vals = [v for row in per_item if (v := row[k]) is not None]
            out[f"{z}_max"] = max(vals) if vals else math.nan
            out[f"{z}_min"] = min(vals) if vals else math.nan
        out[ROUTE_COLUMNS[0]] = float(
            any(_py_differs(f, "dispatch_country", "origin_country") for f in feats)
        )
        out[ROUTE_COLUMNS[1]] = float(
            any(_py_differs(f, "consignor_country", "dispatch_country") for f in feats)
        )
        for c in TRADER_COLUMNS:
            out[c] = float(bool(feats[0].get(c)))
        hit = set(rule_ids)
        for r in self.rule_ids:
            out[f"hit:{r}"] = 1.0 if r in hit else 0.0
        return out

    def z_value(self, f: dict[str, Any], q: str) -> float | None:
        value = f.get(q)
        if value is None:
            return None
        med, mad = self.norm_of(f, q)
        z = (math.log1p(float(value)) - med) / mad
        return max(-Z_CLIP, min(Z_CLIP, z))


def history_trader_flags(items: pl.DataFrame) -> pl.DataFrame:
    """Prepared history items with ``first_time_consignee`` (no earlier declaration of the
    history has the consignee's folded name) and ``consignee_seen_in_seizure`` (an earlier
    declaration of that consignee was found with firearms, parts or ammunition), both as
    screening would have known them at the time."""
    from kalibar.targeting.features import consignee_features, consignee_key_expr
    from kalibar.targeting.fields import POSITIVE

    out = consignee_features(items.drop(TRADER_COLUMNS, strict=False), known=set(), seized=set())
    if "outcome" not in out.columns or "consignee_name" not in out.columns:
        return out
    per = (
        out.select(
            "declaration_id",
            pl.col("lodged_at").cast(pl.Utf8).fill_null(""),
            consignee_key_expr().fill_null("").alias("_ckey"),
            pl.col("outcome").cast(pl.Utf8).is_in(list(POSITIVE)).cast(pl.Int64).alias("_pos"),
        )
        .unique("declaration_id", keep="first", maintain_order=True)
        .sort("lodged_at", "declaration_id")
        .with_columns(
            ((pl.col("_pos").cum_sum().over("_ckey") - pl.col("_pos")) > 0).alias("_seen")
        )
        .with_columns(pl.col("_seen") & (pl.col("_ckey") != ""))
        .select("declaration_id", "_seen")
    )
    return (
        out.join(per, on="declaration_id", how="left", maintain_order="left")
        .with_columns(pl.col("_seen").fill_null(False).alias("consignee_seen_in_seizure"))
        .drop("_seen")
    )


def _rms(z: np.ndarray) -> np.ndarray:
    """Root mean square of each row's z-scores that are known (NaN when none is)."""
    z = np.asarray(z, dtype=np.float64)
    known = np.isfinite(z)
    n = known.sum(axis=1)
    total = np.where(known, z * z, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.sqrt(total / np.maximum(n, 1)), np.nan)


def _tail(distance: np.ndarray) -> tuple[list[float], list[float]] | None:
    """(distances, ``-log`` tail probabilities) at ``TAIL_POINTS`` probabilities from 1
    down to 1/n of the distances seen."""
    d = distance[np.isfinite(distance)]
    if len(d) < MIN_NORM:
        return None
    ps = np.geomspace(1.0, 1.0 / len(d), TAIL_POINTS)
    xs = np.maximum.accumulate(np.quantile(d, 1.0 - ps))
    return xs.tolist(), (-np.log(ps)).tolist()


def _differs(a: str, b: str) -> pl.Expr:
    x, y = pl.col(a).fill_null(""), pl.col(b).fill_null("")
    return (x != "") & (y != "") & (x != y)


def _py_differs(f: dict[str, Any], a: str, b: str) -> bool:
    x, y = f.get(a) or "", f.get(b) or ""
    return bool(x and y and x != y)


def _fit_text(
    lab: pl.DataFrame, x_all: sparse.csr_matrix, index: dict[str, int]
) -> tuple[np.ndarray, float]:
    """Logistic regression on the hashed n-grams of labelled items, one weighted row per
    distinct (text, label)."""
    from sklearn.linear_model import LogisticRegression

    counts = lab.group_by("_t", "y").len()
    if counts.height == 0 or counts["y"].n_unique() < 2:
        return np.zeros(TEXT_FEATURES), 0.0
    rows = np.asarray([index[t] for t in counts["_t"].to_list()], dtype=np.int64)
    clf = LogisticRegression(C=4.0, solver="liblinear", max_iter=200)
    clf.fit(x_all[rows], counts["y"].to_numpy(), sample_weight=counts["len"].to_numpy())
    return np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0])


def _centroids(
    items: pl.DataFrame, x_all: sparse.csr_matrix, index: dict[str, int]
) -> tuple[list[str], sparse.csr_matrix]:
    counts = (
        items.select(pl.col("desc_key").str.strip_chars().alias("_t"), "hs_chapter")
        .filter(pl.col("hs_chapter").fill_null("") != "")
        .group_by("hs_chapter", "_t")
        .len()
    )
    per = counts.group_by("hs_chapter").agg(pl.col("len").sum()).sort("hs_chapter")
    chapters = [c for c, n in per.iter_rows() if n >= MIN_CENTROID]
    if not chapters:
        return [], sparse.csr_matrix((0, TEXT_FEATURES), dtype=np.float32)
    ch = {c: i for i, c in enumerate(chapters)}
    kept = counts.filter(pl.col("hs_chapter").is_in(chapters))
    weights = sparse.csr_matrix(
        (
            kept["len"].to_numpy().astype(np.float64),
            (
                np.asarray([ch[c] for c in kept["hs_chapter"].to_list()]),
                np.asarray([index[t] for t in kept["_t"].to_list()]),
            ),
        ),
        shape=(len(chapters), x_all.shape[0]),
    )
    cent = (weights @ x_all).tocsr()
    norm = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=1)).ravel())
    cent = sparse.diags(1.0 / np.maximum(norm, 1e-12)) @ cent
    return chapters, cent.astype(np.float32).tocsr()


def _fit_norms(items: pl.DataFrame) -> dict[str, dict[str, dict[str, tuple[float, float]]]]:
    out: dict[str, dict[str, dict[str, tuple[float, float]]]] = {"": {"": {}}}
    logs = items.select(
        "hs_chapter",
        "hs_heading",
        *(pl.col(q).cast(pl.Float64).log1p().alias(q) for q in NORM_QUANTITIES),
    )
    for q in NORM_QUANTITIES:
        col = logs[q].drop_nulls().drop_nans()
        med = float(col.median()) if len(col) else 0.0  # type: ignore[arg-type]
        mad = float((col - med).abs().median()) if len(col) else 1.0  # type: ignore[arg-type]
        out[""][""][q] = (med, _MAD * mad + _MAD_FLOOR)
    for level, col_name in (("chapter", "hs_chapter"), ("heading", "hs_heading")):
        table: dict[str, dict[str, tuple[float, float]]] = {}
        for q in NORM_QUANTITIES:
            stats = (
                logs.select(col_name, q)
                .filter(pl.col(q).is_not_null() & pl.col(q).is_not_nan() & (pl.col(col_name) != ""))
                .group_by(col_name)
                .agg(
                    pl.len().alias("n"),
                    pl.col(q).median().alias("med"),
                    (pl.col(q) - pl.col(q).median()).abs().median().alias("mad"),
                )
                .filter(pl.col("n") >= MIN_NORM)
            )
            for code, _n, med, mad in stats.iter_rows():
                table.setdefault(code, {})[q] = (float(med), _MAD * float(mad) + _MAD_FLOOR)
        out[level] = table
    return out


__all__ = ["Signals", "hashed"]
