"""One registry of words for coded values: every code a page shows has a label in every
language (gettext), looked up by vocabulary and code.

Templates write ``{{ code | label("role") }}``; Python calls :func:`label`. A code with no
label is shown as it is stored (never an error) — the one-language test
(tests/core/test_one_language.py) fails when a known code reaches a page unlabelled.
Vocabularies that already have their own table in a slice (record statuses, weapon types,
distributions, the seizure form's words, trace fields) are registered here rather than
copied — by the composition root (:mod:`kalibar.app.vocabularies`, at assembly), since this
module is a platform floor and imports no domain slice; so are the slices' ways of saying
a stored value (a hit's explanation, a procedure step's requirement).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kalibar.i18n import N_

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
    "federation_sent": N_("sent to a peer instance"),
    "federation_received": N_("received from a peer instance"),
    "federation_refused": N_("refused from a peer instance"),
}
#: Every field a person may meet by name (the audit trail's changes): the words on the forms.
#: The slices' own field words are added at assembly (:func:`add_fields`); these win.
FIELD: dict[str, Any] = {
    "reference": N_("Reference"),
    "status": N_("Status"),
    "modifications": N_("Modifications"),
    "serial_obliterated": N_("Serial number obliterated"),
    "serial_restored": N_("Serial number restored"),
    "other_markings": N_("Other markings"),
    "event_date": N_("Event date"),
    "event_place": N_("Event place"),
    "reporting_agency_id": N_("Reporting agency"),
    "case_reference": N_("Case reference"),
    "notes": N_("Notes"),
    "distribution": N_("Who may see it"),
    "make_code": N_("Make"),
    "model_code": N_("Model"),
    "calibre_code": N_("Calibre"),
    "serial_normalised": N_("Serial number"),
    "explanation": N_("Why"),
}
#: What an audit entry is about (the audited classes).
OBJECT_TYPE = {
    "FirearmRecord": N_("firearm record"),
    "Seizure": N_("seizure"),
    "SeizedItem": N_("seized item"),
    "Involvement": N_("person or company involved"),
    "Entity": N_("person or company"),
    "ProcedureTemplate": N_("procedure"),
    "ProcedureStep": N_("procedure step"),
    "CustodyEvent": N_("custody event"),
    "EvidenceFile": N_("evidence file"),
    "Handover": N_("hand-over"),
    "TraceRequest": N_("trace request"),
    "TraceMessage": N_("trace message"),
    "Hit": N_("hit"),
    "RecordLink": N_("record link"),
    "Notification": N_("notification"),
    "MatchJob": N_("file match"),
    "Agency": N_("agency"),
    "User": N_("user"),
    "ApiToken": N_("API token"),
    "CatalogueEntry": N_("catalogue entry"),
    "SharedObject": N_("shared object"),
    "SharingGroup": N_("sharing group"),
    "SharingGroupMember": N_("sharing group member"),
    "ObjectSharingGroup": N_("object shared with a group"),
    "ObjectReader": N_("object reader"),
    "CountryPartnership": N_("country partnership"),
    "Operation": N_("joint operation"),
    "OperationMember": N_("operation member"),
    "OperationLink": N_("object linked to an operation"),
    "OperationLogEntry": N_("operation log entry"),
    "OperationTask": N_("operation task"),
    "Screening": N_("screening"),
    "Inspection": N_("inspection"),
    "RuleSet": N_("rule set"),
    "LaneRate": N_("lane rates"),
    "ModelVersion": N_("model version"),
    "AuditChain": N_("audit trail"),
    "Declaration": N_("declaration"),
    "WatchlistEntry": N_("watchlist entry"),
    "Instance": N_("this instance"),
    "OwnKey": N_("instance key"),
    "Peer": N_("peer instance"),
    "PeerKey": N_("peer instance key"),
    "Agreement": N_("exchange agreement"),
    "ForeignSeizure": N_("seizure of a peer instance"),
    "RemoteHit": N_("hit at a peer instance"),
    "SavedChart": N_("saved link chart"),
    "EntityMerge": N_("merge of entities"),
    "Alert": N_("early-warning alert"),
    "Training": N_("training"),
    "Participant": N_("training participant"),
    "Equipment": N_("equipment"),
    "EquipmentEvent": N_("equipment event"),
    "ProcedureAdoption": N_("procedure adopted"),
    "RoadmapReport": N_("Roadmap report"),
    "RoadmapValue": N_("Roadmap value"),
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
    "handover_state": HANDOVER_STATE,
    "field": FIELD,
    "object_type": OBJECT_TYPE,
}
#: field → its values' words kept by a slice (e.g. the seizure form's lists).
FIELD_LISTS: dict[str, Mapping[str, Any]] = {}
#: field → how a slice says a stored value (``None``: not a value it says).
SAYERS: dict[str, Callable[[Any], str | None]] = {}


def register(vocabulary: str, table: Mapping[str, Any]) -> None:
    """Add (or replace) a vocabulary kept by a slice."""
    REGISTRY[vocabulary] = table


def add_fields(table: Mapping[str, Any]) -> None:
    """Add a slice's field words to ``field``; a word already there stays."""
    for name, words in table.items():
        FIELD.setdefault(name, words)


def add_field_lists(lists: Mapping[str, Mapping[str, Any]]) -> None:
    """Words for the values of fields that a slice keeps as lists of codes."""
    FIELD_LISTS.update(lists)


def add_sayer(field: str, say: Callable[[Any], str | None]) -> None:
    """How the values of ``field`` are said (a slice's own wording)."""
    SAYERS[field] = say


def label(code: object, vocabulary: str) -> str:
    """The word for ``code`` of ``vocabulary`` in the current language; the code itself
    when it has none (a value stored before its vocabulary grew)."""
    if code is None:
        return ""
    found = REGISTRY.get(vocabulary, {}).get(str(code))
    return str(found) if found is not None else str(code)


def vocabulary(name: str) -> Mapping[str, Any]:
    """Every code of a vocabulary with its (lazy) word, in the table's order."""
    return REGISTRY.get(name, {})


def codes() -> set[str]:
    """Every registered code (the one-language test looks for them on pages)."""
    return {code for table in REGISTRY.values() for code in table}


#: A field whose value is a code of a vocabulary (the audit trail shows its word).
_VALUE_OF = {
    "status": "status",
    "weapon_type": "weapon_type",
    "distribution": "distribution",
    "roles": "role",
    "role": "role",
    "kind": "agency_kind",
    "lane": "lane",
    "flow": "flow",
}


def field_value(field: str, value: object) -> object:
    """A stored value of ``field`` as shown to people: a code by its word (also a list of
    codes), an explanation said in the reader's language; anything else unchanged."""
    if field == "explanation" and isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)  # a hit's explanation, kept as JSON text
        except ValueError:
            return value
    if (say := SAYERS.get(field)) is not None and (said := say(value)) is not None:
        return said
    if isinstance(value, list):
        return ", ".join(str(field_value(field, v)) for v in value)
    if not isinstance(value, str):
        return value
    if field in FIELD_LISTS and value in FIELD_LISTS[field]:
        return str(FIELD_LISTS[field][value])
    vocabulary = _VALUE_OF.get(field)
    return label(value, vocabulary) if vocabulary else value
