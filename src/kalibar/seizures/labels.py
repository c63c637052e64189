"""Translated labels for seizure codes, shared by pages, the PDF and the CLI.

Each label is written out as an ``N_`` literal so message extraction finds it; the English
text must equal ``data/vocabulary.yaml`` (a test checks both lists stay the same).
"""

from __future__ import annotations

from typing import Any

from kalibar.i18n import N_, ngettext

#: list name → code → translatable label (templates call ``_()`` on each).
LABELS: dict[str, dict[str, Any]] = {
    "context": {
        "border_check": N_("border check"),
        "cargo_inspection": N_("cargo inspection"),
        "postal_inspection": N_("postal inspection"),
        "vehicle_search": N_("vehicle search"),
        "premises_search": N_("premises search"),
        "street": N_("street"),
        "surrendered": N_("surrendered"),
        "found": N_("found"),
    },
    "direction": {
        "entry": N_("entry"),
        "exit": N_("exit"),
        "transit": N_("transit"),
        "domestic": N_("domestic"),
    },
    "detection_method": {
        "risk_profile": N_("risk-profile selection"),
        "random_selection": N_("random selection"),
        "xray": N_("X-ray"),
        "videoscope": N_("videoscope"),
        "detector": N_("detector"),
        "dog": N_("detection dog"),
        "intelligence": N_("intelligence"),
        "tip_off": N_("tip-off"),
        "other": N_("other"),
    },
    "concealment_method": {
        "hidden_compartment": N_("hidden compartment"),
        "fuel_tank": N_("fuel tank"),
        "spare_tyre": N_("spare tyre"),
        "luggage": N_("luggage"),
        "inside_declared_goods": N_("inside declared goods"),
        "on_person": N_("on the person"),
        "misdeclared_goods": N_("mis-declared goods"),
        "vehicle_body": N_("vehicle body"),
        "postal_item": N_("postal item"),
        "none": N_("not concealed"),
        "other": N_("other"),
    },
    "conveyance_kind": {
        "car": N_("car"),
        "van": N_("van"),
        "truck": N_("truck"),
        "bus": N_("bus"),
        "train": N_("train"),
        "aircraft": N_("aircraft"),
        "vessel": N_("vessel"),
        "pedestrian": N_("pedestrian"),
        "parcel": N_("parcel"),
        "letter": N_("letter"),
        "container": N_("container"),
        "other": N_("other"),
    },
    "item_kind": {
        "firearm": N_("firearm"),
        "part": N_("part"),
        "ammunition": N_("ammunition"),
        "explosive": N_("explosive"),
        "accessory": N_("accessory"),
    },
    "part_kind": {
        "barrel": N_("barrel"),
        "slide": N_("slide"),
        "frame_receiver": N_("frame or receiver"),
        "bolt": N_("bolt"),
        "bolt_carrier": N_("bolt carrier"),
        "magazine": N_("magazine"),
        "firing_pin": N_("firing pin"),
        "trigger_group": N_("trigger group"),
        "conversion_kit": N_("conversion kit"),
        "printed_3d_part": N_("3D-printed part"),
        "suppressor": N_("suppressor"),
        "other": N_("other"),
    },
    "ammunition_type": {
        "ball": N_("ball"),
        "hollow_point": N_("hollow point"),
        "soft_point": N_("soft point"),
        "armour_piercing": N_("armour-piercing"),
        "tracer": N_("tracer"),
        "blank": N_("blank"),
        "shotgun_shell": N_("shotgun shell"),
        "other": N_("other"),
    },
    "explosive_type": {
        "hand_grenade": N_("hand grenade"),
        "rifle_grenade": N_("rifle grenade"),
        "mine": N_("mine"),
        "tnt": N_("TNT"),
        "plastic_explosive": N_("plastic explosive"),
        "detonator": N_("detonator"),
        "fuse": N_("fuse"),
        "other": N_("other"),
    },
    "unit": {
        "pieces": N_("pieces"),
        "rounds": N_("rounds"),
        "g": N_("g"),
        "kg": N_("kg"),
    },
    "criminal_context": {
        "illicit_trafficking": N_("illicit trafficking"),
        "organized_crime": N_("organized crime"),
        "terrorism": N_("terrorism"),
        "drug_trafficking": N_("drug trafficking"),
        "homicide": N_("homicide"),
        "armed_robbery": N_("armed robbery"),
        "illegal_possession": N_("illegal possession"),
        "domestic_violence": N_("domestic violence"),
        "other": N_("other"),
        "unknown": N_("unknown"),
    },
    "entity_role": {
        "driver": N_("driver"),
        "passenger": N_("passenger"),
        "sender": N_("sender"),
        "recipient": N_("recipient"),
        "owner": N_("owner"),
        "suspect": N_("suspect"),
        "witness": N_("witness"),
        "carrier": N_("carrier"),
        "other": N_("other"),
    },
    "custody_action": {
        "seized": N_("seized"),
        "sealed": N_("sealed"),
        "transferred": N_("transferred"),
        "received": N_("received"),
        "examined": N_("examined"),
        "stored": N_("stored"),
        "released": N_("released"),
        "destroyed": N_("destroyed"),
    },
    "evidence_kind": {
        "photo": N_("photo"),
        "markings": N_("photo of markings"),
        "xray": N_("X-ray image"),
        "scan": N_("scan"),
        "document": N_("document"),
    },
    "place_kind": {
        "road_crossing": N_("road border crossing"),
        "rail_crossing": N_("rail border crossing"),
        "airport": N_("airport"),
        "port": N_("port"),
        "postal_centre": N_("postal centre"),
        "cargo_terminal": N_("cargo or express terminal"),
    },
    # States (not vocabulary: fixed by the code, not by data).
    "seizure_status": {"open": N_("open"), "closed": N_("closed")},
    "handover_status": {
        "pending": N_("pending"),
        "accepted": N_("accepted"),
        "declined": N_("declined"),
        "cancelled": N_("cancelled"),
    },
    "step_status": {"open": N_("open"), "done": N_("done"), "waived": N_("waived")},
}


def label(list_name: str, code: str) -> str:
    """The label of ``code`` in the current language (the code itself when unknown)."""
    found = LABELS.get(list_name, {}).get(code)
    return str(found) if found is not None else code


def quantity_text(quantity: float, unit: str) -> str:
    """ "1 piece", "50 rounds", "1.5 kg": counted units agree with their number."""
    number = f"{quantity:g}"
    # Plural forms are chosen by whole numbers; a fraction reads as the "many" form.
    n = int(quantity) if float(quantity).is_integer() else 5
    if unit == "pieces":
        return ngettext("%(num)s piece", "%(num)s pieces", n) % {"num": number}
    if unit == "rounds":
        return ngettext("%(num)s round", "%(num)s rounds", n) % {"num": number}
    return f"{number} {label('unit', unit)}".strip()


#: The words on the seizure form for each field: messages and the error summary name
#: fields by these, never by their internal names.
FIELD_LABELS = {
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
    "fa_weapon_type": N_("Type"),
    "fa_serial_number": N_("Serial number"),
    "ot_kind": N_("What"),
    "ot_subtype": N_("Type"),
    "ot_quantity": N_("Quantity"),
    "distribution": N_("Who may see it"),
}


def field_words(names: list[str]) -> str:
    """``["place_code"]`` → ``"Place from the catalogue"`` in the reader's language."""
    return ", ".join(str(FIELD_LABELS.get(n.split(".")[0], n)) for n in names)


TEMPLATE_GLOBALS: dict[str, Any] = {
    "seizure_labels": LABELS,
    "seizure_quantity": quantity_text,
    "seizure_field_labels": FIELD_LABELS,
}
