"""Words for the ledger's codes, said in the reader's language at display time."""

from __future__ import annotations

from typing import Any

from kalibar.i18n import N_
from kalibar.seizures.labels import label as seizure_label
from kalibar.seizures.places import place

TRAINING_KINDS = {"course": N_("course"), "gender_workshop": N_("gender workshop")}
GENDERS = {"female": N_("female"), "male": N_("male"), "unspecified": N_("not recorded")}
EQUIPMENT_KINDS = {
    "videoscope": N_("videoscope"),
    "detector": N_("detector"),
    "xray": N_("X-ray scanner"),
    "contraband_kit": N_("contraband inspection kit"),
    "other": N_("other equipment"),
}
EVENT_KINDS = {"issued": N_("issued"), "returned": N_("returned"), "maintained": N_("maintained")}
SUBJECTS = {"training": N_("training"), "equipment": N_("equipment")}
FIELDS = {
    "reference": N_("Reference"),
    "kind": N_("Kind"),
    "course": N_("Course"),
    "programme": N_("Programme"),
    "start_date": N_("First day"),
    "end_date": N_("Last day"),
    "place": N_("Place"),
    "place_code": N_("Office or crossing"),
    "trainers": N_("Trainers"),
    "trainers_training": N_("Training of trainers"),
    "notes": N_("Notes"),
    "distribution": N_("Distribution"),
    "full_name": N_("Full name"),
    "agency": N_("Agency"),
    "unit": N_("Unit"),
    "region": N_("Region"),
    "role": N_("Role"),
    "gender": N_("Gender"),
    "certificate": N_("Certificate"),
    "model": N_("Make and model"),
    "serial": N_("Serial number"),
    "place_name": N_("Place as written"),
    "issued_on": N_("Issued on"),
    "on": N_("Day"),
    "note": N_("Note"),
    "name": N_("Procedure"),
    "version": N_("Version"),
    "adopted_on": N_("Adopted on"),
    "procedure_code": N_("Seizure procedure"),
}


def word(table: dict[str, Any], code: str) -> str:
    found = table.get(code)
    return str(found) if found is not None else code


def place_name(code: str | None) -> str:
    found = place(code)
    return found.name if found else (code or "")


def method_name(code: str) -> str:
    return seizure_label("detection_method", code) if code else "—"


TEMPLATE_CONTEXT: dict[str, Any] = {
    "training_kinds": TRAINING_KINDS,
    "genders": GENDERS,
    "equipment_kinds": EQUIPMENT_KINDS,
    "event_kinds": EVENT_KINDS,
    "subjects": SUBJECTS,
    "field_labels": FIELDS,
    "word": word,
    "place_name": place_name,
    "method_name": method_name,
}
