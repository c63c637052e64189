"""Calibrated confidence of a candidate: the probability that it is the queried firearm.

The rank score mixes serial distance and attribute agreement; it orders candidates well
but says little across queries (a 0.8 may be a sure hit for a ten-character serial and
noise for a four-character one). A logistic model over a few features turns it into a
probability: the score, the weighted cost per character, the skeleton edits, the
record's serial length, whether a non-visual reading or a set-aside designation was
needed, whether attributes were compared, the margin to the next candidate, how
crowded the top of the list is (candidates within 0.05 of it), how many records a serial
of that shape would meet by chance within the same edits (:class:`Chance`), and how many
readings the query was tried in (each is a chance of a spurious match).

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

import numpy as np

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
    "chance",
    "readings",
)
_PATH = Path(__file__).with_name("calibration.json")


class _Scored(Protocol):
    @property
    def key(self) -> str: ...
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


class Chance:
    """How many records of the register a serial shaped like a candidate's would meet by
    chance within the candidate's edits: the random-match expectation, which says more
    than the score alone (one edit from a six-digit serial in a register holding 100,000
    six-digit serials is expected six times over; one edit from a ten-character one,
    never).

    ``counts[n, d]``: records whose folded serial has ``n`` characters, ``d`` of them
    digits. A serial of ``n`` characters with ``d`` digits is one of ``10^d · 24^(n-d)``
    (letters of the skeleton alphabet); ``C(n, e) · 9^e`` serials are ``e`` substitutions
    from it. Feature: ``log10`` of the expectation, clipped to [-6, 3].
    """

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = counts

    @classmethod
    def of_base(cls, blob: np.ndarray, offsets: np.ndarray) -> Chance:
        """From a base index's folded blob and offsets (one numpy pass)."""
        off = np.asarray(offsets, dtype=np.int64)
        lengths = np.diff(off)
        b = np.asarray(blob)
        digits = np.zeros(len(b) + 1, dtype=np.int64)
        np.cumsum((b >= 48) & (b <= 57), out=digits[1:])
        ndig = digits[off[1:]] - digits[off[:-1]]
        top = _MAX_LEN + 1
        counts = np.zeros((top, top), dtype=np.int64)
        np.add.at(counts, (np.minimum(lengths, _MAX_LEN), np.minimum(ndig, _MAX_LEN)), 1)
        return cls(counts)

    @lru_cache(maxsize=4096)  # noqa: B019 - one per engine, bounded
    def log_expected(self, serial: str, edits: int) -> float:
        n = min(len(serial), _MAX_LEN)
        d = min(sum(1 for ch in serial if "0" <= ch <= "9"), n)
        held = float(self.counts[n, d]) if n else 0.0
        space = d * math.log10(10) + (n - d) * math.log10(24)
        e = min(edits, n)
        near = math.log10(math.comb(n, e)) + e * math.log10(9) if n else 0.0
        if held <= 0:
            return -6.0
        return max(-6.0, min(3.0, math.log10(held) + near - space))


_MAX_LEN = 24
_NO_CHANCE = Chance(np.zeros((_MAX_LEN + 1, _MAX_LEN + 1), dtype=np.int64))


def _rows(
    cands: Sequence[_Scored], attributes: bool, chance: Chance | None, n_readings: int
) -> list[tuple[float, ...]]:
    """The feature vector of every candidate of one ranked list."""
    n_c = len(cands)
    scores = [c.score for c in cands]
    attr = 1.0 if attributes else 0.0
    alone = 1.0 if n_c == 1 else 0.0
    chance = chance or _NO_CHANCE
    many = math.log2(max(n_readings, 1)) / 8
    out: list[tuple[float, ...]] = []
    for i, c in enumerate(cands):
        x = scores[i]
        n = max(len(c.serial), 1)
        margin = x - (scores[1] if n_c > 1 else 0.0) if i == 0 else x - scores[i - 1]
        floor = x - 0.05
        out.append(
            (
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
                chance.log_expected(c.serial, c.edits) / 3,
                many,
            )
        )
    return out


def features(
    cands: Sequence[_Scored],
    i: int,
    attributes: bool,
    chance: Chance | None = None,
    n_readings: int = 1,
) -> list[float]:
    """Feature vector of ``cands[i]`` among its query's ranked candidates."""
    return list(_rows(cands, attributes, chance, n_readings)[i])


@lru_cache(maxsize=2)
def model(kind: str = "check") -> tuple[tuple[float, ...], float]:
    """``(weights, intercept)`` from ``calibration.json``: ``check`` (every feature) or
    ``alert`` (fitted without :class:`Chance`, whose register differs between the two
    hit paths; falls back to the check model in files fitted before it)."""
    data = json.loads(_PATH.read_text())
    names = tuple(data["features"])
    if FEATURES[: len(names)] != names:
        raise ValueError("calibration.json does not match the feature list")
    part = data.get(kind, data) if kind != "check" else data
    # A model fitted before features were added gives them no weight (same confidences).
    weights = [float(w) for w in part["weights"]] + [0.0] * (len(FEATURES) - len(names))
    return tuple(weights), float(part["intercept"])


def confidences(
    cands: Sequence[_Scored],
    attributes: bool,
    chance: Chance | None = None,
    n_readings: int = 1,
    exclude: str | None = None,
    kind: str = "check",
) -> list[float]:
    """Probability per candidate (same order), rounded to 4 decimals.

    ``exclude``: the key of the query's own record when a record is looked up in a
    register that holds it (the hit scan): the margin and the crowding are those of the
    list without it, and its own entry gets 0."""
    if exclude is not None and any(c.key == exclude for c in cands):
        rest = [c for c in cands if c.key != exclude]
        it = iter(confidences(rest, attributes, chance, n_readings, kind=kind))
        return [0.0 if c.key == exclude else next(it) for c in cands]
    weights, b = model(kind)
    out = []
    for row in _rows(cands, attributes, chance, n_readings):
        z = b + sum([w * v for w, v in zip(weights, row, strict=True)])
        out.append(round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), 4))
    return out


#: Candidates of the other side a hit alert's confidence is computed over.
ALERT_LIST = 10


def alert_confidences(cands: Sequence[_Scored], attributes: bool, n_readings: int) -> list[float]:
    """Confidence for the hit alert, the same in both hit paths: over the first
    :data:`ALERT_LIST` candidates *of the other side* (wanted for a recovered record and
    the other way round), the record's own entry left out — the per-record path searches
    the whole live register, the bulk scan an engine of the other side only, and this is
    the list both can form — with the ``alert`` model (no feature that depends on which
    register was searched). Candidates past the list get 0."""
    head = list(cands[:ALERT_LIST])
    conf = confidences(head, attributes, None, n_readings, kind="alert")
    return conf + [0.0] * (len(cands) - len(head))
