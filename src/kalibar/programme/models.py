"""The programme ledger: trainings and their participants, equipment and its events,
procedures adopted.

Trainings, equipment and procedures are ``SharedObject`` rows (owner agency, distribution,
tombstone), read only through the one visibility filter; participants and equipment
events belong to their training or piece of equipment and are read only through it.

A **gender workshop is a kind of training** (``Training.kind = "gender_workshop"``), not
a table of its own: it has the same dates, place, trainers, participants and
certificates, it counts towards the officers trained, and the indicators can still split
it out by kind. A **training of trainers** is a flag (``trainers_training``), since any
course can be given to future trainers; its participants are the "trainers trained".

Names here are read by other slices (``reports`` counts trainings by gender for the
Roadmap): keep them stable.
"""

from __future__ import annotations

import enum
from datetime import date
from uuid import UUID

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Distribution, SharedObject, Timestamped
from kalibar.ids import uuid7
from kalibar.seizures.models import Seizure


class TrainingKind(enum.StrEnum):
    course = "course"
    gender_workshop = "gender_workshop"


class Gender(enum.StrEnum):
    female = "female"
    male = "male"
    #: Not recorded or not said: counted, never guessed.
    unspecified = "unspecified"


class EquipmentKind(enum.StrEnum):
    videoscope = "videoscope"
    detector = "detector"
    xray = "xray"
    contraband_kit = "contraband_kit"
    other = "other"


class EquipmentEventKind(enum.StrEnum):
    issued = "issued"
    returned = "returned"
    maintained = "maintained"


class Training(SharedObject, Base):
    """One session of a course (or a gender workshop) given on some days at one place."""

    __tablename__ = "programme_trainings"
    __table_args__ = (
        UniqueConstraint("owner_agency_id", "reference"),
        Index("ix_programme_trainings_visibility", "owner_country", "distribution"),
        Index("ix_programme_trainings_start", "start_date", "uuid"),
    )

    #: The programme's own reference for the session (e.g. ``TR-2026-004``); import sheets
    #: link participants to trainings by it.
    reference: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), default=TrainingKind.course.value)
    course: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: The catalogue place (office or crossing) when the training was given at one; the
    #: before/after detections are counted there.
    place_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    #: Trainers' names, one per line or comma-separated, as the programme writes them.
    trainers: Mapped[str] = mapped_column(Text, default="")
    trainers_training: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    participants: Mapped[list[Participant]] = relationship(
        back_populates="training", order_by="Participant.position", cascade="all, delete-orphan"
    )


class Participant(Audited, Timestamped, Base):
    """One officer in one training: agency, unit, region, role, gender, certificate."""

    __tablename__ = "programme_participants"
    #: Covers the indicator's count (by training, gender, agency, region, unit): the
    #: participants are never read from the table for the figures.
    __table_args__ = (
        Index(
            "ix_programme_participants_counts", "training_id", "gender", "agency", "region", "unit"
        ),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    training_id: Mapped[UUID] = mapped_column(ForeignKey("programme_trainings.uuid"))
    position: Mapped[int] = mapped_column(default=0)
    full_name: Mapped[str] = mapped_column(String(200))
    #: The officer's agency code (``BA-UIO``); may name an agency not on this instance.
    agency: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    gender: Mapped[str] = mapped_column(String(16), default=Gender.unspecified.value)
    #: Certificate number; empty when none was given.
    certificate: Mapped[str] = mapped_column(String(80), default="")

    training: Mapped[Training] = relationship(back_populates="participants")


class Equipment(SharedObject, Base):
    """One piece of detection equipment handed to an office or crossing."""

    __tablename__ = "programme_equipment"
    __table_args__ = (
        UniqueConstraint("owner_agency_id", "kind", "serial"),
        Index("ix_programme_equipment_visibility", "owner_country", "distribution"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str] = mapped_column(String(80))
    #: The office or crossing that holds it (catalogue code), and its name as written.
    place_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    place_name: Mapped[str] = mapped_column(String(200), default="")
    programme: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    events: Mapped[list[EquipmentEvent]] = relationship(
        back_populates="equipment",
        order_by="[EquipmentEvent.on, EquipmentEvent.created_at]",
        cascade="all, delete-orphan",
    )


class EquipmentEvent(Audited, Timestamped, Base):
    """Issued, returned or maintained on a day; ``issued`` is when it arrived."""

    __tablename__ = "programme_equipment_events"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    equipment_id: Mapped[UUID] = mapped_column(ForeignKey("programme_equipment.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    equipment: Mapped[Equipment] = relationship(back_populates="events")


class ProcedureAdoption(SharedObject, Base):
    """A standard operating procedure (or its new version) adopted by an agency on a day."""

    __tablename__ = "programme_procedures"
    __table_args__ = (
        UniqueConstraint("owner_agency_id", "name", "version"),
        Index("ix_programme_procedures_visibility", "owner_country", "distribution"),
    )

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40), default="1")
    adopted_on: Mapped[date] = mapped_column(Date)
    #: The adopting agency's code (usually the owner).
    agency: Mapped[str] = mapped_column(String(64))
    #: A seizure procedure template it corresponds to (``seizures`` procedure code), if any.
    procedure_code: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


#: The seizures the indicators count (by day, place and detection method, within the
#: visibility filter) read from this covering index instead of the wide seizure rows:
#: 3x faster over a year of 100,000 seizures (docs/performance.md). Declared here, with
#: the queries that need it, and created by the programme's migration.
SEIZURE_DETECTIONS_INDEX = Index(
    "ix_seizures_programme_detections",
    Seizure.occurred_at,
    Seizure.place_code,
    Seizure.detection_method,
    Seizure.owner_country,
    Seizure.distribution,
    Seizure.owner_agency_id,
    Seizure.deleted_at,
    Seizure.uuid,
)

#: Ledger rows are shared nationally by default: programmes report national figures.
DEFAULT_DISTRIBUTION = Distribution.national.value

__all__ = [
    "DEFAULT_DISTRIBUTION",
    "SEIZURE_DETECTIONS_INDEX",
    "Equipment",
    "EquipmentEvent",
    "EquipmentEventKind",
    "EquipmentKind",
    "Gender",
    "Participant",
    "ProcedureAdoption",
    "Training",
    "TrainingKind",
]
