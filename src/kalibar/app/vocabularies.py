"""The slices' words registered in the one label registry (:mod:`kalibar.labels`).

The registry is a platform floor and knows no slice; the composition root hands it the
tables the slices keep (record statuses, weapon types, distributions, the seizure form's
words and lists, trace fields) and the slices' ways of saying a stored value (a hit's
explanation, a procedure step's requirement). Called by :func:`kalibar.app.assemble`.
"""

from __future__ import annotations

from typing import Any

from kalibar import labels
from kalibar.i18n import N_
from kalibar.matching.explain_words import explanation_in_words
from kalibar.records.labels import DISTRIBUTION_LABELS, STATUS_LABELS, TYPE_LABELS
from kalibar.seizures.labels import FIELD_LABELS as SEIZURE_FORM_FIELDS
from kalibar.seizures.labels import LABELS as SEIZURE_LISTS
from kalibar.seizures.procedures import describe_requirement
from kalibar.tracing.labels import FIELD_LABELS as TRACE_FIELDS

#: The facts of a seizure, by the words on its form (step requirements name them): the
#: seizure form's own words for the event, without its item lines and sharing.
SEIZURE_FIELD = {
    **{
        name: words
        for name, words in SEIZURE_FORM_FIELDS.items()
        if not name.startswith(("fa_", "ot_")) and name != "distribution"
    },
    "declaration_uuid": N_("Declaration"),
}


def _explanation(value: Any) -> str | None:
    """A hit's explanation (its parts, read from JSON) in the reader's language."""
    if not isinstance(value, list):
        return None
    return "; ".join(explanation_in_words(v if isinstance(v, dict) else str(v) for v in value))


def _requirement(value: Any) -> str | None:
    """A procedure step's requirements (comma-separated codes) in words."""
    if not isinstance(value, str):
        return None
    return "; ".join(describe_requirement(r) for r in value.split(",") if r)


def install() -> None:
    """Register every slice's vocabulary (idempotent)."""
    labels.register("status", STATUS_LABELS)
    labels.register("weapon_type", TYPE_LABELS)
    labels.register("distribution", DISTRIBUTION_LABELS)
    labels.register("seizure_field", SEIZURE_FIELD)
    labels.add_fields(SEIZURE_FIELD)  # the seizure's words before the trace's, as before
    labels.add_fields(TRACE_FIELDS)
    labels.add_field_lists(SEIZURE_LISTS)
    labels.add_sayer("explanation", _explanation)
    labels.add_sayer("requires", _requirement)
