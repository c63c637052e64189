"""Demo programme ledger: trainings with participants in the proportions a real programme
reported (738 officers, 195 of them women — 26 % — in 32 sessions; here 8 sessions and
about 185 participations, a quarter of them women), two of them gender workshops and one a
training of trainers, videoscopes and detectors at busy crossings, and procedures adopted.

Placed at the demo seizures' busiest crossings over the last year, so the before/after
comparison has detections on both sides. Written through the ledger's service (audit
hook and all); idempotent: nothing is added when a ``DEMO-`` training exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.programme import service
from kalibar.programme.models import Training
from kalibar.programme.schemas import EquipmentEventIn, EquipmentIn, ProcedureIn, TrainingIn

SESSIONS = [
    # (agency, course, kind, training of trainers, crossing, days ago, participants)
    ("BA-UIO", "Detecting firearms and parts in vehicles", "course", False, "BA-IZACIC", 330, 26),
    ("BA-GP", "Concealment methods at border crossings", "course", False, "BA-GRADISKA", 300, 24),
    ("BA-UIO", "Postal consignments: X-ray reading", "course", False, "BA-BIJACA", 260, 22),
    ("BA-UIO", "Gender perspectives in SALW control", "gender_workshop", False, "", 220, 20),
    ("BA-GP", "Training of trainers: firearms identification", "course", True, "BA-RACA", 180, 16),
    ("BA-UIO", "Identification and tracing (ISACS 05.31)", "course", False, "BA-KARAKAJ", 140, 28),
    ("BA-GP", "Risk profiling of passengers and vehicles", "course", False, "BA-ORASJE", 100, 27),
    ("BA-UIO", "Gender and detecting arms trafficking", "gender_workshop", False, "", 60, 22),
]  # fmt: skip
AGENCIES = ["BA-UIO", "BA-UIO", "BA-UIO", "BA-GP", "BA-GP", "BA-SIPA", "BA-FUP", "BA-MUPRS"]
UNITS = ["Mobile team", "Inspection unit", "Border crossing shift", "Intelligence unit",
         "Postal centre", "Criminal investigation"]  # fmt: skip
REGIONS = ["Una-Sana", "Posavina", "Herzegovina-Neretva", "Sarajevo", "Tuzla", "Banja Luka",
           "Bijeljina"]  # fmt: skip
ROLES = ["inspector", "officer", "senior officer", "shift leader", "analyst"]
FIRST_F = ["Amra", "Jelena", "Sanja", "Lejla", "Ivana", "Milica", "Azra", "Marija", "Dragana"]
FIRST_M = ["Edin", "Dragan", "Mirza", "Nikola", "Adnan", "Goran", "Haris", "Zoran", "Ivan",
           "Damir", "Saša", "Emir"]  # fmt: skip
LAST = ["Hodžić", "Perić", "Begić", "Marić", "Kovačević", "Jovanović", "Delić", "Babić",
        "Mehmedović", "Ilić", "Šarić", "Tomić", "Husić", "Knežević"]  # fmt: skip
EQUIPMENT = [
    ("BA-UIO", "videoscope", "Olympus IPLEX GX", "BA-IZACIC", 320),
    ("BA-UIO", "videoscope", "Olympus IPLEX GX", "BA-BIJACA", 250),
    ("BA-GP", "detector", "CEIA PD140", "BA-GRADISKA", 290),
    ("BA-GP", "detector", "CEIA PD140", "BA-RACA", 170),
    ("BA-UIO", "contraband_kit", "Contraband inspection kit", "BA-KARAKAJ", 130),
    ("BA-UIO", "xray", "Mobile X-ray scanner", "BA-ORASJE", 90),
]
PROCEDURES = [
    ("BA-UIO", "Detection and first response", "2", 200, "detection_first_response"),
    ("BA-GP", "Detection and first response", "2", 190, "detection_first_response"),
    ("BA-UIO", "Evidence and chain of custody", "1", 150, "evidence_custody"),
    ("BA-UIO", "Initiating a trace request", "1", 120, "tracing_initiation"),
]
#: Share of women among the demo participants (195 / 738 in the real programme).
WOMEN = 195 / 738


def _actors(session: Session) -> dict[str, Actor]:
    agencies = session.execute(select(Agency).where(Agency.code.in_(["BA-UIO", "BA-GP"])))
    return {
        a.code: Actor(user_id=None, username="demo", agency_id=a.id, agency_code=a.code,
                      country=a.country_code, roles=frozenset({"admin"}))
        for a in agencies.scalars()
    }  # fmt: skip


def load_demo_programme(session: Session, *, seed: int = 1, today: date | None = None) -> int:
    """Add the demo ledger unless it is there; the number of trainings added."""
    exists = session.execute(
        select(Training.uuid).where(Training.reference.like("DEMO-%")).limit(1)
    ).first()
    actors = _actors(session)
    if exists is not None or len(actors) < 2:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = today or utcnow().date()
    for n, (agency, course, kind, tot, place, ago, size) in enumerate(SESSIONS, start=1):
        start = today - timedelta(days=ago)
        people = []
        for _i in range(size):
            woman = rng.random() < WOMEN
            first = rng.choice(FIRST_F if woman else FIRST_M)
            people.append({
                "full_name": f"{first} {rng.choice(LAST)}",
                "agency": rng.choice(AGENCIES),
                "unit": rng.choice(UNITS),
                "region": rng.choice(REGIONS),
                "role": rng.choice(ROLES),
                "gender": "female" if woman else "male",
                "certificate": f"C-{start.year}-{n:02d}{_i + 1:03d}" if rng.random() < 0.9 else "",
            })  # fmt: skip
        data = TrainingIn.model_validate({
            "reference": f"DEMO-{start.year}-{n:02d}", "kind": kind, "course": course,
            "programme": "EU / UNDP SEESAC", "start_date": start,
            "end_date": start + timedelta(days=2), "place_code": place or None,
            "place": "" if place else "Sarajevo", "trainers": "M. Trainer, S. Trainer",
            "trainers_training": tot, "participants": people,
        })  # fmt: skip
        service.create_training(session, actor=actors[agency], data=data)
    for k, (agency, kind, model, place, ago) in enumerate(EQUIPMENT, start=1):
        issued = today - timedelta(days=ago)
        made = service.create_equipment(
            session, actor=actors[agency],
            data=EquipmentIn(kind=kind, model=model, serial=f"DEMO-{kind[:3].upper()}-{k:03d}",
                             place_code=place, programme="EU / UNDP SEESAC", issued_on=issued),
        )  # fmt: skip
        if ago > 200:
            session.flush()
            service.add_equipment_event(
                session, actor=actors[agency], equipment_id=made.uuid,
                data=EquipmentEventIn(kind="maintained", on=issued + timedelta(days=180)),
            )  # fmt: skip
    for agency, name, version, ago, code in PROCEDURES:
        service.create_procedure(
            session, actor=actors[agency],
            data=ProcedureIn(name=name, version=version, adopted_on=today - timedelta(days=ago),
                             procedure_code=code),
        )  # fmt: skip
    return len(SESSIONS)
