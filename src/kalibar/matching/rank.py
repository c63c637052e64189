"""Ranking: serial similarity combined with make/model/calibre/type agreement.

Attribute values arrive already normalised to codes by the reference slice; the engine
only compares them for equality (after an optional caller-supplied normaliser). A value
missing on either side is neutral: it neither helps nor hurts, because an unknown calibre
is not evidence of a different firearm.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .config import ATTRIBUTES, UNIT

Normaliser = Callable[[str], str]

_LABELS = {"make": "make", "model": "model", "calibre": "calibre", "weapon_type": "type"}


def normalise(
    values: Mapping[str, str | None], normalisers: Mapping[str, Normaliser]
) -> dict[str, str | None]:
    """Apply per-attribute normalisers; blank values become None."""
    out: dict[str, str | None] = {}
    for name in ATTRIBUTES:
        v = values.get(name)
        if v is not None:
            v = v.strip()
            fn = normalisers.get(name)
            if fn is not None and v:
                v = fn(v)
        out[name] = v or None
    return out


def attribute_agreement(
    query: Mapping[str, str | None], record: Mapping[str, str | None]
) -> tuple[float | None, list[str]]:
    """Share of attributes known on both sides that agree (None if none comparable)."""
    compared = agreed = 0
    lines: list[str] = []
    for name in ATTRIBUTES:
        q, r = query.get(name), record.get(name)
        if q is None:
            continue
        label = _LABELS[name]
        if r is None:
            lines.append(f"{label}: not recorded")
            continue
        compared += 1
        if q == r:
            agreed += 1
            lines.append(f"{label}: agrees")
        else:
            lines.append(f"{label}: differs ({q} vs {r})")
    return (agreed / compared if compared else None), lines


def serial_score(cost_units: int, q_len: int, r_len: int) -> float:
    """1 for identical folded serials, falling linearly with weighted cost per character."""
    return max(0.0, 1.0 - cost_units / (UNIT * max(q_len, r_len, 1)))


def combine(serial: float, attributes: float | None, serial_weight: float) -> float:
    """Weighted mean in [0, 1]; without comparable attributes the serial decides alone."""
    if attributes is None:
        return round(serial, 6)
    return round(serial_weight * serial + (1.0 - serial_weight) * attributes, 6)
