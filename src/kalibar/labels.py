"""One registry of words for coded values: every code a page shows has a label in every
language (gettext), looked up by vocabulary and code.

Templates write ``{{ code | label("role") }}``; Python calls :func:`label`. A code with no
label is shown as it is stored (never an error) — the one-language test
(tests/core/test_one_language.py) fails when a known code reaches a page unlabelled.
Vocabularies that already have their own table (record statuses, weapon types,
distributions) are registered here rather than copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kalibar.i18n import N_
from kalibar.records.labels import DISTRIBUTION_LABELS, STATUS_LABELS, TYPE_LABELS

ROLE = {
    "officer": N_("officer"),
    "investigator": N_("investigator"),
    "analyst": N_("analyst"),
    "focal_point": N_("focal point"),
    "admin": N_("administrator"),
    "auditor": N_("auditor"),
}
AGENCY_KIND = {
    "customs": N_("customs"),
    "border_police": N_("border police"),
    "police": N_("police"),
    "investigation": N_("investigation agency"),
    "postal": N_("postal service"),
    "prosecutor": N_("prosecutor's office"),
    "ministry": N_("ministry"),
    "focal_point": N_("national focal point"),
}
CATALOGUE_KIND = {"make": N_("make"), "model": N_("model"), "calibre": N_("calibre")}
AUDIT_ACTION = {
    "insert": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "read": N_("read"),
    "search": N_("searched"),
    "export": N_("exported"),
    "import": N_("imported"),
    "login": N_("logged in"),
    "logout": N_("logged out"),
    "login_failed": N_("login failed"),
    "login_throttled": N_("login throttled"),
    "password_change_failed": N_("password change failed"),
    "match_job": N_("file matched"),
    "trace_origin": N_("origin established by tracing"),
    "seized": N_("marked seized"),
    "audit_sealed": N_("audit trail sealed"),
    "audit_key_rotated": N_("audit key rotated"),
}
#: The facts of a seizure, by the words on its form (step requirements name them).
SEIZURE_FIELD = {
    "occurred_at": N_("Date and time"),
    "place_code": N_("Place from the catalogue"),
    "context": N_("Context"),
    "direction": N_("Direction"),
    "place_name": N_("Place name"),
    "address": N_("Address"),
    "place_country": N_("Country"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "detection_method": N_("Detection method"),
    "concealment_method": N_("Concealment"),
    "origin_country": N_("Country of origin"),
    "transit_countries": N_("Transit countries"),
    "destination_country": N_("Country of destination"),
    "conveyance_kind": N_("Conveyance"),
    "vehicle_registration": N_("Vehicle registration"),
    "vehicle_make": N_("Vehicle make"),
    "bus_line": N_("Bus line"),
    "parcel_number": N_("Parcel number"),
    "container_number": N_("Container number"),
    "legal_basis": N_("Legal basis"),
    "criminal_context": N_("Criminal context"),
    "narrative": N_("What happened"),
    "declaration_uuid": N_("Declaration"),
}
HANDOVER_STATE = {"requested": N_("requested"), "accepted": N_("accepted")}
LANE = {
    "red": N_("red lane"),
    "yellow": N_("yellow lane"),
    "blue": N_("blue lane"),
    "green": N_("green lane"),
}
FLOW = {"cargo": N_("cargo"), "express": N_("express"), "postal": N_("postal")}

#: vocabulary → code → label (lazy: translated when shown, in the reader's language).
REGISTRY: dict[str, Mapping[str, Any]] = {
    "role": ROLE,
    "agency_kind": AGENCY_KIND,
    "catalogue_kind": CATALOGUE_KIND,
    "audit_action": AUDIT_ACTION,
    "lane": LANE,
    "flow": FLOW,
    "seizure_field": SEIZURE_FIELD,
    "handover_state": HANDOVER_STATE,
    "status": STATUS_LABELS,
    "weapon_type": TYPE_LABELS,
    "distribution": DISTRIBUTION_LABELS,
}


def label(code: object, vocabulary: str) -> str:
    """The word for ``code`` of ``vocabulary`` in the current language; the code itself
    when it has none (a value stored before its vocabulary grew)."""
    if code is None:
        return ""
    found = REGISTRY.get(vocabulary, {}).get(str(code))
    return str(found) if found is not None else str(code)


def codes() -> set[str]:
    """Every registered code (the one-language test looks for them on pages)."""
    return {code for table in REGISTRY.values() for code in table}
