"""Words for the codes the reports show (one place, through gettext at display time)."""

from __future__ import annotations

from kalibar.i18n import N_, _
from kalibar.indicators.schemas import context_label, made_label, type_label
from kalibar.reference.catalogue import load_catalogue
from kalibar.reference.countries import country_label
from kalibar.reports import iafq
from kalibar.seizures.labels import label as seizure_label
from kalibar.tracing.labels import RESULT_LABELS

DIMENSION_TITLES = {
    "type": N_("Arms by type"),
    "make": N_("Arms by make"),
    "calibre": N_("Arms by calibre"),
    "made": N_("Arms by country of manufacture"),
    "context": N_("Arms by context"),
}
STATUS_TITLES = {
    "seized": N_("Seized"),
    "found": N_("Found"),
    "surrendered": N_("Surrendered"),
}
RESULT_TITLES = {
    "traced": N_("Traced"),
    "partly_traced": N_("Partly traced"),
    "not_traced": N_("Not traced"),
    "pending": N_("No answer yet"),
}


def unknown() -> str:
    return _("not known")


def key_label(dimension: str, key: str) -> str:
    """A cell's key in words: weapon type, make, calibre, country or context."""
    if dimension == "type":
        return type_label(iafq.UNKNOWN if key == iafq.UNKNOWN else key)
    if dimension == "made":
        return made_label(key)
    if dimension == "context":
        return _("recorded outside a seizure") if key == iafq.NONE else context_label(key)
    if key == iafq.UNKNOWN:
        return unknown()
    if dimension == "make":
        make = load_catalogue().make(key)
        return make.name if make else key
    return key


def part_label(key: str) -> str:
    return unknown() if key == iafq.UNKNOWN else seizure_label("part_kind", key)


def unit_label(unit: str) -> str:
    return seizure_label("unit", unit)


def country(code: str) -> str:
    if not code or code in (iafq.UNKNOWN, "-"):
        return unknown()
    return country_label(code)


def countries(codes: str) -> str:
    """Comma-separated codes (transit countries) as names."""
    return ", ".join(country(c) for c in codes.split(",") if c) or "—"


def result_label(result: str) -> str:
    return str(RESULT_TITLES.get(result) or RESULT_LABELS.get(result) or result)


def seizure_word(list_name: str, code: str) -> str:
    """A seizure's coded field (context, direction …) in words."""
    return seizure_label(list_name, code) if code else "—"
