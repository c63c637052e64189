"""Planting seizures for the analysis tests, and recomputing their figures by hand.

Rows are inserted directly (no procedures, no matching) so a test can plant hundreds;
:class:`Planted` keeps what was planted so each figure is recomputed independently of
the SQL under test: visibility by the sharing rules, months in the instance's zone.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from support import World

from kalibar.auth.actor import Actor
from kalibar.clock import reader_zone
from kalibar.db.session import unit_of_work
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Involvement, SeizedItem, Seizure
from kalibar.seizures.places import place

PLACES = [
    "BA-BIJACA",
    "BA-IZACIC",
    "BA-GRADISKA",
    "BA-KARAKAJ",
    "BA-AIRPORT-SJJ",
    "BA-SAMAC",
    "BA-SAMAC-RAIL",
]
CONCEALMENTS = ["spare_tyre", "fuel_tank", "luggage", "hidden_compartment", "postal_item", ""]
DETECTIONS = ["xray", "dog", "risk_profile", "random_selection", ""]
CONVEYANCES = ["car", "bus", "truck", "parcel", ""]
CONTEXTS = ["border_check", "postal_inspection", "vehicle_search"]
COUNTRIES = ["HR", "RS", "ME", "TR", "DE", "AT", None]
MAKES = [("zastava", "M70"), ("glock", "17"), ("cz", "CZ 75"), ("ekol", "Firat Magnum"),
         ("retay", ""), ("tokarev", "TT-33")]  # fmt: skip
CALIBRES = ["9x19mm Parabellum", "7.62x39mm", "7.65mm Browning", ""]


@dataclass
class PItem:
    kind: str = "firearm"
    make: str = ""
    model: str = ""
    calibre: str = ""
    weapon_type: str = "pistol"
    made_in: str | None = None
    modifications: str = ""


@dataclass
class Planted:
    owner: Actor
    occurred_at: datetime
    distribution: str = "national"
    place_code: str | None = None
    context: str = "border_check"
    direction: str = "entry"
    origin: str | None = None
    transit: list[str] = field(default_factory=list)
    destination: str | None = None
    concealment: str = ""
    detection: str = ""
    conveyance: str = ""
    plate: str = ""
    items: list[PItem] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    uuid: uuid.UUID | None = None


def plant(world: World, rows: list[Planted]) -> None:
    """Insert the rows (seizure, items, firearm records, persons), one transaction each owner."""
    by_owner: dict[str, list[Planted]] = defaultdict(list)
    for r in rows:
        by_owner[r.owner.username].append(r)
    for group in by_owner.values():
        owner = group[0].owner
        with unit_of_work(world.engine, actor=owner) as s:
            for r in group:
                spot = place(r.place_code) if r.place_code else None
                sz = Seizure(
                    reference=f"T-SZ-{uuid.uuid4().hex[:14]}",
                    owner_agency_id=owner.agency_id, owner_country=owner.country,
                    distribution=r.distribution, occurred_at=r.occurred_at,
                    place_code=spot.code if spot else None, place_name=spot.name if spot else "",
                    place_country=spot.country if spot else None,
                    latitude=spot.lat if spot else None, longitude=spot.lon if spot else None,
                    context=r.context, direction=r.direction, origin_country=r.origin,
                    transit_countries=",".join(r.transit), destination_country=r.destination,
                    detection_method=r.detection, concealment_method=r.concealment,
                    conveyance_kind=r.conveyance, vehicle_registration=r.plate,
                    seizing_agency_id=owner.agency_id, recorded_by=owner.username,
                )  # fmt: skip
                s.add(sz)
                s.flush()
                r.uuid = sz.uuid
                for n, it in enumerate(r.items, start=1):
                    record_id = None
                    if it.kind == "firearm":
                        rec = FirearmRecord(
                            reference=f"T-{uuid.uuid4().hex[:20]}", status="seized",
                            owner_agency_id=owner.agency_id, owner_country=owner.country,
                            distribution=r.distribution, make=it.make, make_code=it.make or None,
                            model=it.model, model_code=it.model or None,
                            calibre=it.calibre, calibre_code=it.calibre or None,
                            weapon_type=it.weapon_type, country_of_manufacture=it.made_in,
                            modifications=it.modifications,
                        )  # fmt: skip
                        s.add(rec)
                        s.flush()
                        record_id = rec.uuid
                    s.add(SeizedItem(
                        seizure_id=sz.uuid, position=n, kind=it.kind, record_id=record_id,
                        calibre=it.calibre if it.kind != "firearm" else "",
                        calibre_code=(it.calibre or None) if it.kind != "firearm" else None,
                        quantity=1 if it.kind == "firearm" else 50,
                        unit="pieces" if it.kind != "ammunition" else "rounds",
                    ))  # fmt: skip
                for name in r.persons:
                    involve_person(s, owner, sz, name, r.distribution)


def involve_person(s: Any, owner: Actor, seizure: Seizure, name: str, distribution: str) -> None:
    from kalibar.seizures.entities import name_key

    ent = Entity(
        reference=f"T-EN-{uuid.uuid4().hex[:14]}", kind="person", name=name,
        name_key=name_key("person", name), owner_agency_id=owner.agency_id,
        owner_country=owner.country, distribution=distribution,
    )  # fmt: skip
    s.add(ent)
    s.flush()
    s.add(Involvement(seizure_id=seizure.uuid, entity_id=ent.uuid, role="driver"))


def random_rows(rng: random.Random, owners: list[Actor], n: int, *, start: datetime,
                days: int) -> list[Planted]:  # fmt: skip
    """Background: attributes drawn independently, plates unique."""
    rows = []
    for _ in range(n):
        items = [
            PItem(kind="firearm", make=m, model=mo, calibre=rng.choice(CALIBRES),
                  made_in=rng.choice(COUNTRIES))
            for m, mo in rng.sample(MAKES, rng.choice([0, 1, 1, 2]))
        ]  # fmt: skip
        items += [PItem(kind="ammunition", calibre=rng.choice(CALIBRES))] * rng.choice([0, 0, 1])
        rows.append(Planted(
            owner=rng.choice(owners),
            occurred_at=start + timedelta(minutes=rng.randrange(days * 24 * 60)),
            distribution=rng.choice(["national", "national", "agency"]),
            place_code=rng.choice(PLACES + [None]), context=rng.choice(CONTEXTS),
            origin=rng.choice(COUNTRIES), destination=rng.choice(COUNTRIES),
            transit=rng.sample(["HR", "SI", "RS", "HU"], rng.choice([0, 0, 1, 2])),
            concealment=rng.choice(CONCEALMENTS), detection=rng.choice(DETECTIONS),
            conveyance=rng.choice(CONVEYANCES),
            plate=f"R{rng.randrange(10**9):09d}" if rng.random() < 0.5 else "",
            items=items,
        ))  # fmt: skip
    return rows


# ------------------------------------------------------------------ by hand


def sees(actor: Actor, row: Planted) -> bool:
    """The sharing rules as the docs state them (no groups or grants are planted)."""
    if row.owner.agency_id == actor.agency_id:
        return True
    if row.distribution in ("national", "partners") and row.owner.country == actor.country:
        return True
    return row.distribution == "partners" and row.owner.country in actor.partner_countries


def local_month(when: datetime) -> str:
    return when.astimezone(reader_zone()).strftime("%Y-%m")


UNKNOWN = "unknown"


def seizure_keys(by: str, r: Planted) -> list[str]:
    if by == "place":
        return [r.place_code or UNKNOWN]
    if by == "concealment":
        return [r.concealment or UNKNOWN]
    if by == "detection":
        return [r.detection or UNKNOWN]
    if by == "conveyance":
        return [r.conveyance or UNKNOWN]
    if by == "origin":
        return [r.origin or UNKNOWN]
    if by == "destination":
        return [r.destination or UNKNOWN]
    if by == "transit":
        return list(r.transit) or [UNKNOWN]
    if by == "route":
        return [f"{r.origin or ''}|{','.join(r.transit)}|{r.destination or ''}"]
    if by == "month":
        return [local_month(r.occurred_at)]
    if by == "agency":
        return [str(r.owner.agency_id)]
    if by == "context":
        return [r.context]
    if by == "direction":
        return [r.direction]
    if by == "place_country":
        spot = place(r.place_code) if r.place_code else None
        return [spot.country if spot else UNKNOWN]
    raise KeyError(by)


ITEM_DIMS = {"item_kind", "make", "model", "calibre", "made_in", "weapon_type"}


def item_key(by: str, it: PItem) -> str | None:
    """The item's key, or None when the dimension does not count this item."""
    if by == "item_kind":
        return it.kind
    if by == "calibre":
        return (it.calibre or UNKNOWN) if it.kind in ("firearm", "ammunition", "part") else None
    if it.kind != "firearm":
        return None
    if by == "make":
        return it.make or UNKNOWN
    if by == "model":
        return f"{it.make or UNKNOWN}|{it.model or UNKNOWN}"
    if by == "made_in":
        return it.made_in or UNKNOWN
    if by == "weapon_type":
        return it.weapon_type or UNKNOWN
    raise KeyError(by)


def expected(
    rows: list[Planted], actor: Actor, by: str, item_ok: Any = lambda it: True
) -> dict[str, tuple[int, int]]:
    """key → (seizures, items) over the rows ``actor`` sees (items passing ``item_ok``)."""
    seizures: dict[str, set[Any]] = defaultdict(set)
    items: dict[str, int] = defaultdict(int)
    for r in rows:
        if not sees(actor, r):
            continue
        if by in ITEM_DIMS:
            for it in r.items:
                key = item_key(by, it)
                if key is not None and item_ok(it):
                    seizures[key].add(r.uuid)
                    items[key] += 1
        else:
            for key in seizure_keys(by, r):
                seizures[key].add(r.uuid)
                items[key] += sum(1 for it in r.items if item_ok(it))
    keys = set(seizures) | set(items)
    return {k: (len(seizures[k]), items[k]) for k in keys}


def in_period(r: Planted, start: datetime, end: datetime) -> bool:
    return start <= r.occurred_at < end


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# ------------------------------------------------------------------ declarations


@dataclass
class PDecl:
    owner: Actor
    lodged_at: datetime
    plate: str = ""
    phone: str = ""
    consignee: str = ""
    lane: str | None = None
    distribution: str = "national"
    uuid: uuid.UUID | None = None


def plant_declarations(world: World, rows: list[PDecl]) -> None:
    from kalibar.targeting.inspection_models import Screening
    from kalibar.targeting.models import Declaration

    by_owner: dict[str, list[PDecl]] = defaultdict(list)
    for r in rows:
        by_owner[r.owner.username].append(r)
    for group in by_owner.values():
        owner = group[0].owner
        with unit_of_work(world.engine, actor=owner) as s:
            for r in group:
                d = Declaration(
                    declaration_id=f"T-{uuid.uuid4().hex[:16]}", flow="postal",
                    lodged_at=r.lodged_at, office="BA-POST-SARAJEVO",
                    consignee_name=r.consignee, consignee_phone=r.phone,
                    consignee_country="BA", vehicle_registration=r.plate,
                    owner_agency_id=owner.agency_id, owner_country=owner.country,
                    distribution=r.distribution,
                )  # fmt: skip
                s.add(d)
                s.flush()
                r.uuid = d.uuid
                if r.lane:
                    s.add(Screening(declaration_uuid=d.uuid, lane=r.lane, score=0.5))


GIVEN = ["Ana", "Marko", "Ivan", "Jelena", "Nikola", "Amra", "Edin", "Maja", "Goran", "Lejla"]
FAMILY = ["Horvat", "Jovanović", "Hodžić", "Kovač", "Babić", "Petrović", "Delić", "Perić"]


def random_declarations(rng: random.Random, owners: list[Actor], n: int, *, start: datetime,
                        days: int) -> list[PDecl]:  # fmt: skip
    """Background declarations: unique plates and phones, unique consignees (a number in
    the name), a tenth of them red."""
    return [
        PDecl(
            owner=rng.choice(owners),
            lodged_at=start + timedelta(minutes=rng.randrange(days * 24 * 60)),
            plate=f"D{rng.randrange(10**9):09d}" if rng.random() < 0.5 else "",
            phone=f"+3876{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
            consignee=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}",
            lane="red" if rng.random() < 0.1 else "green",
        )
        for i in range(n)
    ]


def random_people(rng: random.Random, rows: list[Planted]) -> None:
    """Background persons on a third of the seizures, each unique."""
    for i, r in enumerate(rows):
        if rng.random() < 0.33:
            r.persons.append(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} S{i}")
