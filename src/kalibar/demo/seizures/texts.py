"""Wordings of the demo seizures: calibres, parts, bus lines, legal bases, narratives."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kalibar.demo.seizures.plan import PlannedItem
    from kalibar.seizures.places import Place

#: (calibre as written, ammunition type), common ones repeated.
AMMO: list[tuple[str, str]] = [
    ("9×19mm", "ball"), ("9×19mm", "ball"), ("9×19mm", "hollow_point"),
    ("7.62×39mm", "ball"), ("7.62×39mm", "ball"), ("7.62×39mm", "tracer"),
    ("7.65×17mm Browning", "ball"), ("7.62×25mm Tokarev", "ball"), ("9×18mm Makarov", "ball"),
    ("12 gauge", "shotgun_shell"), ("12 gauge", "shotgun_shell"), (".22 LR", "ball"),
    ("5.56×45mm", "ball"), ("7.92×57mm Mauser", "ball"), ("9mm P.A.K.", "blank"),
    ("7.62×54mmR", "armour_piercing"), (".45 ACP", "ball"),
]  # fmt: skip
#: (part kind, calibre, description, min, max quantity).
PARTS: list[tuple[str, str, str, int, int]] = [
    ("barrel", "9×19mm", "Pistol barrel, declared as 'steel tube'", 1, 3),
    ("slide", "9×19mm", "Pistol slide, Glock 17 pattern, unmarked", 1, 2),
    ("frame_receiver", "9×19mm", "Polymer pistol frame without serial number", 1, 2),
    ("bolt", "7.62×39mm", "Bolt for AK-pattern rifle", 1, 2),
    ("bolt_carrier", "5.56×45mm", "AR-15 bolt carrier group", 1, 2),
    ("magazine", "9×19mm", "Pistol magazines, 17 rounds", 2, 10),
    ("magazine", "7.62×39mm", "Rifle magazines, 30 rounds", 2, 8),
    ("firing_pin", "9×19mm", "Firing pins, declared as 'steel pins'", 2, 20),
    ("trigger_group", "", "Trigger group, declared as 'machine parts'", 1, 3),
    ("conversion_kit", "9mm P.A.K.", "Barrel insert kit for converting alarm pistols", 1, 6),
    ("suppressor", "9×19mm", "Sound suppressor, declared as 'solvent trap'", 1, 1),
    ("other", "", "Recoil springs and guide rods", 2, 10),
]  # fmt: skip
BUS_LINES = [
    "Sarajevo – Beograd", "Sarajevo – Zagreb", "Tuzla – Beč", "Banja Luka – München",
    "Bihać – Ljubljana", "Mostar – Split", "Podgorica – Sarajevo", "Novi Pazar – Sarajevo",
    "Beograd – Podgorica", "Zenica – Stuttgart", "Bijeljina – Beograd", "Doboj – Graz",
]  # fmt: skip
LEGAL_BASIS = {
    "BA": "Law on Customs Policy of Bosnia and Herzegovina, art. 90; Criminal Code of BiH, "
    "art. 193a (illicit trafficking in weapons)",
    "RS": "Customs Law of the Republic of Serbia, art. 273; Criminal Code, art. 348",
    "HR": "Customs Service Act, art. 44; Criminal Code of Croatia, art. 331",
    "ME": "Customs Law of Montenegro, art. 218; Criminal Code of Montenegro, art. 403",
}

_FOUND_BY = {
    "risk_profile": "selected on risk profile",
    "random_selection": "selected at random for control",
    "xray": "scanned by X-ray",
    "videoscope": "examined with a videoscope",
    "detector": "checked with a metal detector",
    "dog": "indicated by the detection dog",
    "intelligence": "stopped on prior intelligence",
    "tip_off": "stopped after a tip-off",
    "other": "checked",
}
_WHERE = {
    "hidden_compartment": "in a purpose-built compartment",
    "fuel_tank": "inside the fuel tank",
    "spare_tyre": "inside the spare tyre",
    "luggage": "in the luggage",
    "inside_declared_goods": "among the declared goods",
    "on_person": "on the person",
    "misdeclared_goods": "declared as other goods",
    "vehicle_body": "behind panels of the vehicle body",
    "postal_item": "in the postal item",
    "none": "openly",
    "other": "",
}


def _what(items: list[PlannedItem]) -> str:
    guns = sum(1 for it in items if it.kind == "firearm")
    rounds = sum(int(it.quantity) for it in items if it.kind == "ammunition")
    parts = sum(int(it.quantity) for it in items if it.kind == "part")
    bombs = sum(int(it.quantity) for it in items if it.kind == "explosive")
    out = []
    if guns:
        out.append(f"{guns} firearm{'s' if guns > 1 else ''}")
    if parts:
        out.append(f"{parts} firearm part{'s' if parts > 1 else ''}")
    if rounds:
        out.append(f"{rounds} rounds of ammunition")
    if bombs:
        out.append(f"{bombs} explosive item{'s' if bombs > 1 else ''}")
    return ", ".join(out) or "items"


def narrative(
    rng: random.Random,
    scenario: str,
    values: dict[str, Any],
    place: Place,
    items: list[PlannedItem],
) -> str:
    """A short officer's account: what was found, how, where it was hidden."""
    how = _FOUND_BY.get(values.get("detection_method", ""), "checked")
    where = _WHERE.get(values.get("concealment_method", ""), "")
    what = _what(items)
    conveyance = {
        "car": f"Passenger car {values.get('vehicle_registration', '')}".strip(),
        "van": f"Van {values.get('vehicle_registration', '')}".strip(),
        "truck": f"Truck {values.get('vehicle_registration', '')}".strip(),
        "bus": f"Bus on the line {values.get('bus_line') or 'international'}",
        "parcel": f"Parcel {values.get('parcel_number', '')}".strip(),
        "aircraft": "Air passenger",
        "train": "International train",
        "container": f"Container {values.get('container_number', '')}".strip(),
    }.get(values.get("conveyance_kind", ""), "The control")
    if scenario == "found":
        where_found = f"during the control at {place.name}"
        return f"{what.capitalize()} found abandoned {where_found}; owner unknown."
    text = f"{conveyance} {how}; {what} found {where}".replace("  ", " ").strip()
    if scenario == "alarm_converted":
        text += ". The pistols are Turkish-made alarm pistols converted to fire live rounds"
    elif scenario == "printed_3d":
        text += ". Printed frame and metal parts together make a working pistol"
    if rng.random() < 0.3:
        text += ". The suspect denied knowledge of the items"
    return text + "."
