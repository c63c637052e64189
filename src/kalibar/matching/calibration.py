"""Calibrated confidence of a candidate: the probability that it is the queried firearm.

The rank score mixes serial distance and attribute agreement; it orders candidates well
but says little across queries (a 0.8 may be a sure hit for a ten-character serial and
noise for a four-character one). A logistic model over a few features turns it into a
probability: the score, the weighted cost per character, the skeleton edits, the
record's serial length, whether a non-visual reading or a set-aside designation was
needed, whether attributes were compared, the margin to the next candidate, and how
crowded the top of the list is (candidates within 0.05 of it).

The coefficients are data (``calibration.json`` next to this module), fitted offline by
``bench/calibrate.py`` on generated registers and misreadings (never at import). The hit
alert threshold is chosen from the same curve; ``docs/performance.md`` gives the
precision it measured.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

FEATURES = (
    "score",
    "cost_per_char",
    "edits",
    "length",
    "short",
    "reading",
    "set_aside",
    "attributes",
    "margin",
    "alone",
    "crowd",
)
_PATH = Path(__file__).with_name("calibration.json")


class _Scored(Protocol):
    @property
    def score(self) -> float: ...
    @property
    def cost(self) -> float: ...
    @property
    def edits(self) -> int: ...
    @property
    def serial(self) -> str: ...
    @property
    def reading(self) -> str: ...
    @property
    def set_aside(self) -> tuple[str, ...]: ...


def features(cands: Sequence[_Scored], i: int, attributes: bool) -> list[float]:
    """Feature vector of ``cands[i]`` among its query's ranked candidates."""
    c = cands[i]
    n = max(len(c.serial), 1)
    nxt = cands[i + 1].score if i + 1 < len(cands) else 0.0
    prev = cands[i - 1].score if i > 0 else c.score
    margin = c.score - nxt if i == 0 else c.score - prev
    return [
        c.score,
        c.cost / n,
        float(c.edits),
        min(n, 14) / 14,
        1.0 if n <= 5 else 0.0,
        0.0 if c.reading == "visual" else 1.0,
        1.0 if c.set_aside else 0.0,
        1.0 if attributes else 0.0,
        margin,
        1.0 if len(cands) == 1 else 0.0,
        sum(1 for o in cands if o.score >= c.score - 0.05) / 10,
    ]


@lru_cache(maxsize=1)
def model() -> tuple[tuple[float, ...], float]:
    """``(weights, intercept)`` from ``calibration.json``."""
    data = json.loads(_PATH.read_text())
    if tuple(data["features"]) != FEATURES:
        raise ValueError("calibration.json does not match the feature list")
    return tuple(float(w) for w in data["weights"]), float(data["intercept"])


def confidences(cands: Sequence[_Scored], attributes: bool) -> list[float]:
    """Probability per candidate (same order), rounded to 4 decimals."""
    weights, b = model()
    n_c = len(cands)
    if not n_c:
        return []
    # The feature vectors of :func:`features`, built for the whole list at once.
    scores = [c.score for c in cands]
    attr = 1.0 if attributes else 0.0
    alone = 1.0 if n_c == 1 else 0.0
    out = []
    for i, c in enumerate(cands):
        x = scores[i]
        n = max(len(c.serial), 1)
        margin = x - (scores[1] if n_c > 1 else 0.0) if i == 0 else x - scores[i - 1]
        floor = x - 0.05
        row = (
            x,
            c.cost / n,
            float(c.edits),
            min(n, 14) / 14,
            1.0 if n <= 5 else 0.0,
            0.0 if c.reading == "visual" else 1.0,
            1.0 if c.set_aside else 0.0,
            attr,
            margin,
            alone,
            sum(1 for s in scores if s >= floor) / 10,
        )
        z = b + sum([w * v for w, v in zip(weights, row, strict=True)])
        out.append(round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), 4))
    return out
