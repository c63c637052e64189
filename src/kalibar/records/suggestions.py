"""Choices offered by record forms: the catalogue's makes, models, calibres and types.

Forms suggest these but accept anything; unknown values are flagged for review.
"""

from __future__ import annotations

from typing import Any

from kalibar.records.identify import identify
from kalibar.records.labels import MODIFICATION_LABELS, TYPE_LABELS
from kalibar.reference.catalogue import active_catalogue


def _static_choices() -> dict[str, list[tuple[str, str]]]:
    cat = active_catalogue()
    return {
        "makes": sorted(((m.code, m.name) for m in cat.makes.values()), key=lambda p: p[1]),
        "calibres": sorted((c.name, c.name) for c in cat.calibres.values()),
    }


def catalogue_choices() -> dict[str, Any]:
    """Labels are translated per request, so only the catalogue part is cached."""
    return {
        **_static_choices(),
        "weapon_types": [(code, str(label)) for code, label in TYPE_LABELS.items()],
        "modifications": [(code, str(label)) for code, label in MODIFICATION_LABELS.items()],
    }


def model_choices(make_text: str) -> list[str]:
    code = identify(make=make_text).make_code
    make = active_catalogue().make(code) if code else None
    return sorted(m.name for m in make.models) if make else []
