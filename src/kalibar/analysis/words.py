"""Alerts said in the reader's language: built from the detector's code and figures at
display time (never stored as sentences), the pattern's value shown only to a reader who
may see at least one piece of its evidence."""

from __future__ import annotations

from typing import Any

from kalibar.analysis.dimensions import DIMENSIONS, value_words
from kalibar.analysis.models import Alert
from kalibar.i18n import N_, _
from kalibar.indicators.charts import number
from kalibar.seizures.labels import label as seizure_label

DETECTOR_LABELS = {
    "shared_identifier": N_("Same identifier at several agencies"),
    "route_pattern": N_("Recurring route, concealment and make"),
    "rising": N_("Rising make or model"),
    "red_consignee": N_("Consignee of a red declaration in a seizure"),
}
STATUS_LABELS = {"open": N_("open"), "dismissed": N_("dismissed")}
KIND_WORDS = {
    "person": N_("person"),
    "company": N_("company"),
    "vehicle": N_("vehicle"),
    "phone": N_("phone"),
}
SERIES_WORDS = {
    "make": N_("make"),
    "model": N_("make and model"),
    "modification": N_("modification"),
}
MODIFICATION_WORDS = {"converted_alarm": N_("converted alarm, gas or signal weapons")}


def detector_label(code: str) -> str:
    found = DETECTOR_LABELS.get(code)
    return str(found) if found is not None else code


def _series_value(series: str, value: str) -> str:
    if series == "modification":
        found = MODIFICATION_WORDS.get(value)
        return str(found) if found is not None else value
    return value_words(DIMENSIONS["model" if series == "model" else "make"], value)


def summary(alert: Alert, params: dict[str, Any], *, reveal: bool) -> str:
    """One sentence about the pattern; ``reveal`` shows the plate, phone or name."""
    p = params
    if alert.detector == "shared_identifier":
        kind = str(KIND_WORDS.get(p.get("kind", ""), p.get("kind", "")))
        if reveal:
            return _(
                "The same %(kind)s (%(value)s) appears in %(objects)s seizures or declarations "
                "of %(agencies)s agencies."
            ) % {"kind": kind, "value": p.get("value", ""), "objects": p.get("objects", 0),
                 "agencies": p.get("agencies", 0)}  # fmt: skip
        return _(
            "The same %(kind)s appears in %(objects)s seizures or declarations of "
            "%(agencies)s agencies."
        ) % {"kind": kind, "objects": p.get("objects", 0), "agencies": p.get("agencies", 0)}
    if alert.detector == "route_pattern":
        return _(
            "%(seizures)s seizures by %(agencies)s agencies within %(days)s days: from "
            "%(origin)s to %(destination)s, %(concealment)s, make %(make)s."
        ) % {
            "seizures": p.get("seizures", 0), "agencies": p.get("agencies", 0),
            "days": p.get("days", 0),
            "origin": value_words(DIMENSIONS["origin"], p.get("origin") or "unknown"),
            "destination": value_words(DIMENSIONS["destination"],
                                       p.get("destination") or "unknown"),
            "concealment": seizure_label("concealment_method", p.get("concealment", "")),
            "make": value_words(DIMENSIONS["make"], p.get("make", "")),
        }  # fmt: skip
    if alert.detector == "rising":
        return _(
            "%(recent)s firearms (%(series)s: %(value)s) seized in the last %(days)s days, "
            "against %(mean)s on average in each of the %(windows)s periods before; the chance "
            "of so many without a real rise is %(p)s."
        ) % {
            "recent": p.get("recent", 0),
            "series": str(SERIES_WORDS.get(p.get("series", ""), p.get("series", ""))),
            "value": _series_value(p.get("series", ""), p.get("value", "")),
            "days": p.get("days", 0), "mean": number(float(p.get("baseline_mean", 0)), 1),
            "windows": p.get("windows", 0), "p": f"{float(p.get('p_value', 0)):.1e}",
        }  # fmt: skip
    if alert.detector == "red_consignee":
        kind = str(KIND_WORDS.get(p.get("kind", ""), p.get("kind", "")))
        if reveal:
            return _(
                "The consignee of a red-lane declaration (%(kind)s %(value)s) appears in "
                "%(seizures)s seizures."
            ) % {"kind": kind, "value": p.get("value", ""), "seizures": p.get("seizures", 0)}
        return _(
            "The consignee of a red-lane declaration (a %(kind)s) appears in %(seizures)s seizures."
        ) % {"kind": kind, "seizures": p.get("seizures", 0)}
    return alert.detector
