"""The scenarios of the demo seizures and what they are made of (see
:mod:`kalibar.demo.seizures.plan`): ids, planned rows, the entity pool, and one function
per scenario filling a planned seizure's place values, route, items and people.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from kalibar.demo.records.generator import record_row
from kalibar.demo.records.spellings import ModelSpec, agency_info, spelling_tables
from kalibar.demo.seizures import people
from kalibar.demo.seizures.texts import AMMO, BUS_LINES, PARTS
from kalibar.seizures.places import Place

#: Tag of every demo seizure id: ``5e12`` + seed + version 8 + object kind + index.
TAG = 0x5E12
KINDS = {"seizure": 1, "entity": 2, "record": 3, "child": 4}


def demo_id(kind: str, seed: int, index: int) -> uuid.UUID:
    """Deterministic id of a demo object (RFC 9562 version 8, like the records demo)."""
    value = (TAG << 112) | ((seed & 0xFFFFFFFF) << 80) | (0x8 << 76) | (KINDS[kind] << 64)
    return uuid.UUID(int=value | (0b10 << 62) | (index & ((1 << 62) - 1)))


def id_range(kind: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Smallest and largest demo id of ``kind`` (every seed)."""
    lo = (TAG << 112) | (0x8 << 76) | (KINDS[kind] << 64)
    return uuid.UUID(int=lo), uuid.UUID(int=lo | (0xFFFFFFFF << 80) | ((1 << 64) - 1))


@dataclass
class PlannedItem:
    kind: str
    record: dict[str, str] | None = None  # import row of the firearm record
    part_kind: str = ""
    calibre: str = ""
    ammunition_type: str = ""
    explosive_type: str = ""
    description: str = ""
    quantity: float = 1
    unit: str = "pieces"


@dataclass
class PlannedEntity:
    uuid: uuid.UUID
    country: str  # pool key: entities are reused within one owner country only
    values: dict[str, Any]
    uses: int = 0


@dataclass
class PlannedSeizure:
    index: int
    uuid: uuid.UUID
    agency: str  # seizing agency code
    occurred_at: datetime
    values: dict[str, Any]  # seizure columns (context, place, route, conveyance ...)
    items: list[PlannedItem]
    involvements: list[tuple[PlannedEntity, str]] = field(default_factory=list)
    handover_to: str | None = None
    fate: float = 0.0  # uniform draw deciding hand-over outcome and closing
    recorded_by: str = "demo"


# ------------------------------------------------------------------ weights

NEIGHBOURS = {"BA": ["HR", "RS", "ME"], "RS": ["BA", "HR", "ME", "BG", "HU", "MK"],
              "HR": ["BA", "RS", "SI", "HU", "ME"], "ME": ["BA", "RS", "AL", "XK"]}  # fmt: skip
WEST = ["AT", "DE", "SI", "HR", "NL", "SE", "FR", "IT", "CH"]
DETECTION = {
    "road": [("risk_profile", 30), ("random_selection", 20), ("dog", 10), ("detector", 8),
             ("xray", 5), ("intelligence", 15), ("tip_off", 8), ("videoscope", 4)],
    "parcel": [("xray", 60), ("risk_profile", 25), ("random_selection", 8), ("intelligence", 7)],
    "air": [("xray", 80), ("detector", 10), ("random_selection", 10)],
}  # fmt: skip
CONCEALMENT_CAR = [("hidden_compartment", 30), ("vehicle_body", 22), ("spare_tyre", 10),
                   ("fuel_tank", 5), ("luggage", 20), ("on_person", 8), ("none", 5)]  # fmt: skip


def _pick(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


# ------------------------------------------------------------------ firearms


@dataclass(frozen=True)
class _Guns:
    classes: dict[str, tuple[list[ModelSpec], list[float]]]


@lru_cache(maxsize=1)
def _guns() -> _Guns:
    """The records generator's model specs, grouped: handguns, converted, long, printed."""
    tables = spelling_tables()
    weights = [b - a for a, b in zip((0.0, *tables.model_cum), tables.model_cum, strict=False)]
    groups: dict[str, tuple[list[ModelSpec], list[float]]] = {}
    for spec, w in zip(tables.specs, weights, strict=True):
        mod, kind = spec.modification, spec.model.type
        if mod == "converted_alarm":
            name = "converted"
        elif mod in ("home_made", "printed_3d"):
            name = "printed"
        elif kind in ("pistol", "revolver"):
            name = "handgun"
        elif kind in ("rifle", "assault_rifle", "carbine", "shotgun", "sub_machine_gun"):
            name = "long"
        else:
            continue
        specs, ws = groups.setdefault(name, ([], []))
        specs.append(spec)
        ws.append(w)
    return _Guns(groups)


def _firearm(
    rng: random.Random, group: str, agency: str, day: datetime, place: str, rid: uuid.UUID
) -> PlannedItem:
    guns = _guns().classes
    specs, weights = guns.get(group) or guns["handgun"]
    spec = rng.choices(specs, weights=weights)[0]
    row = record_row(rng, spelling_tables(), "seized", spec, _agency(agency),
                     day.date().isoformat(), day.year, rid.int)  # fmt: skip
    row.update(event_place=place, reporting_agency=agency, record_id=str(rid), notes="")
    return PlannedItem(kind="firearm", record=row)


@lru_cache(maxsize=32)
def _agency(code: str) -> Any:
    return agency_info(code)


class Pool:
    """Persons, vehicles and companies of one block, reused within one country."""

    def __init__(self, seed: int, block: int) -> None:
        self.seed, self.next = seed, block * 4096
        self.by: dict[tuple[str, str], list[PlannedEntity]] = {}

    def get(self, rng: random.Random, country: str, kind: str, make: Any, reuse: float) -> Any:
        known = [e for e in self.by.get((country, kind), []) if e.uses < 4]
        if known and rng.random() < reuse:
            entity = rng.choice(known)
        else:
            entity = PlannedEntity(demo_id("entity", self.seed, self.next), country, make())
            self.next += 1
            self.by.setdefault((country, kind), []).append(entity)
        entity.uses += 1
        return entity


def _place_values(s: PlannedSeizure, place: Place, context: str) -> None:
    s.values.update(
        context=context,
        place_code=place.code,
        place_name=place.name,
        place_country=place.country,
        latitude=place.lat,
        longitude=place.lon,
    )


def _route(rng: random.Random, s: PlannedSeizure, country: str, origin: str | None = None) -> None:
    direction = "exit" if rng.random() < 0.55 else "entry"
    foreign = rng.choice(WEST if direction == "exit" else NEIGHBOURS[country] + ["TR", "BG"])
    src, dst = (country, foreign) if direction == "exit" else (origin or foreign, country)
    transit = [] if rng.random() < 0.6 else [rng.choice(NEIGHBOURS[country])]
    transit = [c for c in transit if c not in (src, dst)]
    s.values.update(direction=direction, origin_country=src, destination_country=dst,
                    transit_countries=",".join(transit))  # fmt: skip


def _guns_items(rng: random.Random, s: PlannedSeizure, seed: int, group: str, n: int) -> None:
    place = s.values.get("place_name") or s.values.get("address", "")
    for _ in range(n):
        g = group if rng.random() < 0.8 else "handgun"
        rid = demo_id("record", seed, s.index * 16 + len(s.items))
        s.items.append(_firearm(rng, g, s.agency, s.occurred_at, place, rid))


def _ammo(rng: random.Random, s: PlannedSeizure, lo: int, hi: int, calibre: str = "") -> None:
    guns = [it.record["calibre"] for it in s.items if it.record and it.record["calibre"]]
    if not calibre and guns and rng.random() < 0.7:
        calibre = guns[0]
    cal, kind = rng.choice(AMMO) if not calibre else (calibre, "ball")
    qty = rng.randint(lo, hi)
    s.items.append(PlannedItem(kind="ammunition", calibre=cal, ammunition_type=kind,
                               quantity=qty, unit="rounds"))  # fmt: skip


def _person(rng: random.Random, s: PlannedSeizure, pool: Pool, role: str, nat: str) -> None:
    owner = s.agency.split("-")[0]
    e = pool.get(rng, owner, "person", lambda: people.person(rng, nat), 0.3)
    if any(x is e for x, _r in s.involvements):  # drawn twice: a new person instead
        e = pool.get(rng, owner, "person", lambda: people.person(rng, nat), 0.0)
    s.involvements.append((e, role))


def _vehicle(rng: random.Random, s: PlannedSeizure, pool: Pool, kind: str, country: str) -> None:
    owner = s.agency.split("-")[0]
    e = pool.get(rng, owner, kind, lambda: people.vehicle(rng, country, kind), 0.2)
    s.involvements.append((e, "owner" if kind == "car" and rng.random() < 0.1 else "carrier"))
    s.values.update(conveyance_kind=kind if kind != "van" else "van",
                    vehicle_registration=e.values["vehicle_registration"],
                    vehicle_make=e.values["vehicle_make"])  # fmt: skip


def _nat(rng: random.Random, country: str) -> str:
    return country if rng.random() < 0.75 else rng.choice(NEIGHBOURS[country] + ["AT", "DE"])


def _ant_car(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "border_check")
    _route(rng, s, place.country)
    s.values.update(detection_method=_pick(rng, DETECTION["road"]),
                    concealment_method=_pick(rng, CONCEALMENT_CAR))  # fmt: skip
    _guns_items(rng, s, seed, "converted" if rng.random() < 0.2 else "handgun",
                rng.choices([1, 2, 3], weights=[60, 28, 12])[0])  # fmt: skip
    if rng.random() < 0.4:
        _ammo(rng, s, 16, 150)
    plate_country = (
        s.values["origin_country"] if s.values["direction"] == "entry" else place.country
    )
    plate_country = plate_country if plate_country in people.CITIES else place.country
    _vehicle(rng, s, pool, "car" if rng.random() < 0.85 else "van", plate_country)
    _person(rng, s, pool, "driver", _nat(rng, place.country))
    if rng.random() < 0.35:
        _person(rng, s, pool, "passenger", _nat(rng, place.country))
    s.values["criminal_context"] = (
        "illicit_trafficking,organized_crime" if rng.random() < 0.2 else "illicit_trafficking"
    )


def _ant_bus(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "border_check")
    _route(rng, s, place.country)
    s.values.update(detection_method=_pick(rng, DETECTION["road"]), conveyance_kind="bus",
                    concealment_method=_pick(rng, [("luggage", 60), ("vehicle_body", 25),
                                                   ("on_person", 15)]),
                    bus_line=rng.choice(BUS_LINES))  # fmt: skip
    if rng.random() < 0.7:
        _guns_items(rng, s, seed, "handgun", rng.choices([1, 2], weights=[75, 25])[0])
    if rng.random() < 0.5 or not s.items:
        _ammo(rng, s, 10, 200)
    if rng.random() < 0.4:
        _vehicle(rng, s, pool, "bus", place.country)
        s.values["conveyance_kind"] = "bus"
    _person(
        rng, s, pool, "passenger" if rng.random() < 0.6 else "suspect", _nat(rng, place.country)
    )
    s.values["criminal_context"] = "illicit_trafficking"


def _alarm(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    parcel = place.kind in ("postal_centre", "cargo_terminal")
    _place_values(s, place, "postal_inspection" if place.kind == "postal_centre" else
                  "cargo_inspection" if parcel else "border_check")  # fmt: skip
    s.values.update(direction="entry", origin_country="TR", destination_country=place.country,
                    transit_countries="BG" if rng.random() < 0.7 else "BG,RS")  # fmt: skip
    if place.country == "RS":
        s.values["transit_countries"] = "BG"
    _guns_items(rng, s, seed, "converted", rng.choices([1, 2, 3, 4, 6], [40, 25, 15, 12, 8])[0])
    if rng.random() < 0.3:
        _ammo(rng, s, 20, 100, "9mm P.A.K.")
    if parcel:
        s.values.update(conveyance_kind="parcel", parcel_number=_parcel(rng, "TR"),
                        detection_method=_pick(rng, DETECTION["parcel"]),
                        concealment_method=_pick(rng, [("misdeclared_goods", 60),
                                                       ("inside_declared_goods", 30),
                                                       ("postal_item", 10)]))  # fmt: skip
        sender = pool.get(rng, s.agency[:2], "person", lambda: people.person(rng, "TR"), 0.4)
        s.involvements.append((sender, "sender"))
        _person(rng, s, pool, "recipient", place.country)
    else:
        s.values.update(detection_method=_pick(rng, DETECTION["road"]),
                        concealment_method=_pick(rng, CONCEALMENT_CAR))  # fmt: skip
        _vehicle(rng, s, pool, "car", rng.choice(["TR", "BG", place.country]))
        _person(rng, s, pool, "driver", _nat(rng, place.country))
    s.values["criminal_context"] = "illicit_trafficking"


def _parcel(rng: random.Random, country: str) -> str:
    prefix = rng.choice(["RR", "CP", "LX", "RB", "EE"])
    return f"{prefix}{rng.randrange(10**8, 10**9)}{country}"


def _parts(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    context = "postal_inspection" if place.kind == "postal_centre" else "cargo_inspection"
    _place_values(s, place, context)
    origin = rng.choice(["US", "DE", "AT", "CZ", "SI", "TR", "CN", "PL", "SK"])
    s.values.update(direction="entry", origin_country=origin, destination_country=place.country,
                    conveyance_kind="parcel", parcel_number=_parcel(rng, origin),
                    detection_method=_pick(rng, DETECTION["parcel"]),
                    concealment_method=_pick(rng, [("misdeclared_goods", 55),
                                                   ("inside_declared_goods", 30),
                                                   ("postal_item", 15)]))  # fmt: skip
    for part in rng.sample(PARTS, rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]):
        code, cal, desc, lo, hi = part
        s.items.append(PlannedItem(kind="part", part_kind=code, calibre=cal, description=desc,
                                   quantity=rng.randint(lo, hi)))  # fmt: skip
    if rng.random() < 0.2:
        _ammo(rng, s, 20, 500)
    if rng.random() < 0.5:
        make = lambda: people.company(rng, origin)  # noqa: E731
        s.involvements.append((pool.get(rng, s.agency[:2], "company", make, 0.4), "sender"))
    else:
        sender = pool.get(rng, s.agency[:2], "person",
                          lambda: people.person(rng, origin if origin in people.NAME_POOLS
                                                else "DE"), 0.2)  # fmt: skip
        s.involvements.append((sender, "sender"))
    _person(rng, s, pool, "recipient", place.country)
    s.values["criminal_context"] = (
        "illegal_possession" if rng.random() < 0.6 else ("illicit_trafficking")
    )


def _printed(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _parts(rng, s, place, pool, seed)
    s.items.insert(0, PlannedItem(kind="part", part_kind="printed_3d_part", calibre="9×19mm",
                                  description="3D-printed pistol frame (FGC-9 type), unfinished",
                                  quantity=rng.randint(1, 3)))  # fmt: skip
    if rng.random() < 0.3:
        _guns_items(rng, s, seed, "printed", 1)


def _ammo_air(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "border_check")
    _route(rng, s, place.country)
    s.values.update(
        conveyance_kind="aircraft",
        detection_method=_pick(rng, DETECTION["air"]),
        concealment_method=_pick(rng, [("luggage", 80), ("on_person", 20)]),
    )
    _ammo(rng, s, 1, 60 if rng.random() < 0.8 else 300)
    if rng.random() < 0.2:
        _ammo(rng, s, 1, 30)
    if rng.random() < 0.1:
        s.items.append(PlannedItem(kind="part", part_kind="magazine", description="Pistol magazine",
                                   quantity=rng.randint(1, 3)))  # fmt: skip
    _person(rng, s, pool, "passenger", _nat(rng, place.country))
    s.values["criminal_context"] = "illegal_possession"


def _cargo(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "cargo_inspection")
    _route(rng, s, place.country)
    port = place.kind == "port"
    s.values.update(conveyance_kind="container" if port else "truck",
                    detection_method=_pick(rng, [("xray", 40), ("risk_profile", 30),
                                                 ("intelligence", 30)]),
                    concealment_method=_pick(rng, [("inside_declared_goods", 45),
                                                   ("misdeclared_goods", 30),
                                                   ("hidden_compartment", 25)]))  # fmt: skip
    if port:
        s.values["container_number"] = (
            f"{rng.choice(['MSCU', 'MAEU', 'CMAU', 'HLXU'])}{rng.randrange(10**6, 10**7)}"
        )
    r = rng.random()
    if r < 0.4:
        _guns_items(rng, s, seed, "long", rng.randint(2, 8))
    elif r < 0.7:
        _guns_items(rng, s, seed, "handgun", rng.randint(3, 10))
    if r >= 0.4 or rng.random() < 0.5:
        _ammo(rng, s, 500, 5000)
    if not port:
        _vehicle(rng, s, pool, "truck", rng.choice([place.country, "TR", "BG", "AT"]))
        _person(rng, s, pool, "driver", _nat(rng, place.country))
    company = pool.get(
        rng, s.agency[:2], "company", lambda: people.company(rng, place.country), 0.3
    )
    s.involvements.append((company, "recipient"))
    s.values["criminal_context"] = "illicit_trafficking,organized_crime"


def _explosives(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "border_check" if rng.random() < 0.6 else "vehicle_search")
    _route(rng, s, place.country)
    s.values.update(detection_method=_pick(rng, DETECTION["road"]),
                    concealment_method=_pick(rng, CONCEALMENT_CAR))  # fmt: skip
    s.items.append(
        PlannedItem(
            kind="explosive",
            explosive_type="hand_grenade",
            description="Hand grenade M75",
            quantity=rng.randint(1, 4),
        )
    )
    if rng.random() < 0.3:
        s.items.append(
            PlannedItem(
                kind="explosive",
                explosive_type="detonator",
                description="Fuse UTIU M62",
                quantity=rng.randint(1, 4),
            )
        )
    if rng.random() < 0.4:
        _guns_items(rng, s, seed, "handgun", 1)
    _vehicle(rng, s, pool, "car", place.country)
    _person(rng, s, pool, "driver", _nat(rng, place.country))
    s.values["criminal_context"] = "organized_crime,illicit_trafficking"


def _rail(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "border_check")
    _route(rng, s, place.country)
    s.values.update(
        conveyance_kind="train",
        detection_method=_pick(rng, DETECTION["road"]),
        concealment_method=_pick(rng, [("luggage", 50), ("vehicle_body", 50)]),
    )
    _guns_items(rng, s, seed, "handgun", rng.choices([1, 2], [80, 20])[0])
    if rng.random() < 0.5:
        _ammo(rng, s, 10, 100)
    _person(rng, s, pool, "passenger", _nat(rng, place.country))
    s.values["criminal_context"] = "illicit_trafficking"


def _found(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    _place_values(s, place, "found")
    kind = {"rail_crossing": "train", "airport": "aircraft"}.get(place.kind, "bus")
    s.values.update(direction="entry", conveyance_kind=kind, concealment_method="vehicle_body",
                    detection_method=_pick(rng, [("dog", 30), ("random_selection", 40),
                                                 ("other", 30)]))  # fmt: skip
    if rng.random() < 0.6:
        _guns_items(rng, s, seed, "handgun", 1)
    else:
        _ammo(rng, s, 5, 120)
    s.values["criminal_context"] = "unknown"


def _inland(rng: random.Random, s: PlannedSeizure, place: Place, pool: Pool, seed: int) -> None:
    lat, lon = place.lat + rng.uniform(-0.08, 0.08), place.lon + rng.uniform(-0.08, 0.08)
    s.values.update(context="vehicle_search" if rng.random() < 0.75 else "premises_search",
                    address=f"{rng.randint(2, 15)} km from the border crossing {place.name}",
                    place_country=place.country, latitude=round(lat, 3),
                    longitude=round(lon, 3), direction="domestic",
                    detection_method=_pick(rng, [("intelligence", 50), ("tip_off", 30),
                                                 ("dog", 20)]),
                    concealment_method=_pick(rng, CONCEALMENT_CAR))  # fmt: skip
    _guns_items(rng, s, seed, rng.choice(["handgun", "long"]), rng.randint(1, 3))
    if rng.random() < 0.5:
        _ammo(rng, s, 20, 400)
    if s.values["context"] == "vehicle_search":
        _vehicle(rng, s, pool, "car", place.country)
    _person(rng, s, pool, "suspect", _nat(rng, place.country))
    s.values["criminal_context"] = "illegal_possession"


SCENARIO_FUNCS = {
    "ant_car": _ant_car, "ant_bus": _ant_bus, "alarm_converted": _alarm, "parts_post": _parts,
    "printed_3d": _printed, "ammo_air": _ammo_air, "cargo": _cargo, "explosives": _explosives,
    "rail": _rail, "found": _found, "inland": _inland,
}  # fmt: skip
