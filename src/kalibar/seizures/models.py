"""Seizures: the event, what was seized, who and what was involved, the procedure steps,
the chain of custody, the evidence files and hand-overs between agencies.

A :class:`Seizure` is a ``SharedObject`` (owner agency, distribution level, tombstone);
its items, links to entities, steps, custody events, evidence files and hand-overs belong
to it and are read only through it, so the seizure's visibility decides who sees them.
An :class:`Entity` (person, company, vehicle, phone, address) is shared on its own: the
same person found again in another seizure is linked, not copied.

After a hand-over the receiving agency owns the seizure; the sending agency keeps read
access through a :class:`kalibar.sharing.models.ObjectReader` grant.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, SharedObject, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7


class SeizureStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class ItemKind(enum.StrEnum):
    firearm = "firearm"
    part = "part"
    ammunition = "ammunition"
    explosive = "explosive"
    accessory = "accessory"


class StepStatus(enum.StrEnum):
    open = "open"
    done = "done"
    waived = "waived"


class HandoverStatus(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"


class EntityKind(enum.StrEnum):
    person = "person"
    company = "company"
    vehicle = "vehicle"
    phone = "phone"
    address = "address"


class Seizure(SharedObject, Base):
    """One seizure event: where, when, how it was found, how it travelled, why it is illicit.

    Coded fields (context, direction, detection, concealment, conveyance kind, criminal
    context) hold vocabulary codes from ``seizures/data/vocabulary.yaml``; countries are
    ISO 3166-1 alpha-2; ``transit_countries`` and ``criminal_context`` are comma-separated.
    """

    __tablename__ = "seizures"
    __read_grants__ = True
    __table_args__ = (
        Index("ix_seizures_visibility", "owner_country", "distribution"),
        Index("ix_seizures_occurred", "occurred_at", "uuid"),
        Index("ix_seizures_status", "status", "occurred_at"),
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=SeizureStatus.open.value)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where: a catalogue place (border crossing, terminal, postal centre) or a free address.
    place_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    place_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    place_country: Mapped[str | None] = mapped_column(String(2), default=None)
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    # How and in what context.
    context: Mapped[str] = mapped_column(String(32), index=True)
    direction: Mapped[str] = mapped_column(String(16), default="domestic")
    origin_country: Mapped[str | None] = mapped_column(String(2), default=None)
    transit_countries: Mapped[str] = mapped_column(String(200), default="")
    destination_country: Mapped[str | None] = mapped_column(String(2), default=None)
    detection_method: Mapped[str] = mapped_column(String(32), default="")
    concealment_method: Mapped[str] = mapped_column(String(32), default="")
    # Conveyance.
    conveyance_kind: Mapped[str] = mapped_column(String(32), default="")
    vehicle_registration: Mapped[str] = mapped_column(String(32), default="")
    vehicle_make: Mapped[str] = mapped_column(String(80), default="")
    bus_line: Mapped[str] = mapped_column(String(120), default="")
    parcel_number: Mapped[str] = mapped_column(String(64), default="")
    container_number: Mapped[str] = mapped_column(String(32), default="")
    # Why it is illicit.
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    criminal_context: Mapped[str] = mapped_column(String(200), default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    #: The declaration whose inspection led here (risk targeting), if any.
    declaration_uuid: Mapped[UUID | None] = mapped_column(Uuid(), index=True, default=None)
    #: The agency that made the seizure (stays when ownership is handed over).
    seizing_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_by: Mapped[str] = mapped_column(String(80), default="")

    items: Mapped[list[SeizedItem]] = relationship(
        back_populates="seizure", order_by="SeizedItem.position"
    )
    steps: Mapped[list[ProcedureStep]] = relationship(
        back_populates="seizure",
        order_by="[ProcedureStep.procedure_position, ProcedureStep.position]",
    )
    involvements: Mapped[list[Involvement]] = relationship(back_populates="seizure")


class SeizedItem(Audited, Timestamped, Base):
    """One line of what was seized. A firearm line points at its firearm record."""

    __tablename__ = "seized_items"
    __table_args__ = (UniqueConstraint("seizure_id", "position"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    #: Firearms: the record created (status seized) and checked against records.
    record_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("firearm_records.uuid"), index=True, default=None
    )
    #: Parts: vocabulary code (barrel, slide, frame_receiver, bolt, magazine ...).
    part_kind: Mapped[str] = mapped_column(String(32), default="")
    calibre: Mapped[str] = mapped_column(String(80), default="")
    calibre_code: Mapped[str | None] = mapped_column(String(80), default=None)
    #: Ammunition: vocabulary code (ball, hollow_point, blank, tracer ...).
    ammunition_type: Mapped[str] = mapped_column(String(32), default="")
    #: Explosives: vocabulary code (hand_grenade, tnt, plastic, detonator ...).
    explosive_type: Mapped[str] = mapped_column(String(32), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[float] = mapped_column(Float, default=1)
    #: pieces, rounds, g, kg.
    unit: Mapped[str] = mapped_column(String(16), default="pieces")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    seizure: Mapped[Seizure] = relationship(back_populates="items")
    custody: Mapped[list[CustodyEvent]] = relationship(
        back_populates="item", order_by="CustodyEvent.sequence"
    )


class Entity(SharedObject, Base):
    """A person, company, vehicle, phone or address, reusable across seizures.

    ``name`` is as written (Latin or Cyrillic); ``name_key`` is folded to one Latin script
    without diacritics so the same person written either way is found again.
    """

    __tablename__ = "entities"
    __table_args__ = (
        Index("ix_entities_visibility", "owner_country", "distribution"),
        Index("ix_entities_kind_key", "kind", "name_key"),
    )

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: Display name: person's full name, company name, registration, number or address.
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), default="")
    # Persons.
    given_names: Mapped[str] = mapped_column(String(150), default="")
    family_name: Mapped[str] = mapped_column(String(150), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    nationality: Mapped[str | None] = mapped_column(String(2), default=None)
    #: Identity documents, one per line: ``kind:number:issuing country``.
    identity_documents: Mapped[str] = mapped_column(Text, default="")
    # Companies.
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    # Vehicles.
    vehicle_registration: Mapped[str] = mapped_column(String(32), default="")
    vehicle_make: Mapped[str] = mapped_column(String(80), default="")
    vehicle_kind: Mapped[str] = mapped_column(String(32), default="")
    # Phones.
    phone_number: Mapped[str] = mapped_column(String(40), default="")
    # Addresses (and a company's or person's address as text).
    address: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class Involvement(Audited, Timestamped, Base):
    """An entity's part in a seizure (driver, passenger, sender, recipient, owner, suspect)."""

    __tablename__ = "seizure_involvements"
    __table_args__ = (UniqueConstraint("seizure_id", "entity_id", "role"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    entity_id: Mapped[UUID] = mapped_column(ForeignKey("entities.uuid"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")

    seizure: Mapped[Seizure] = relationship(back_populates="involvements")
    entity: Mapped[Entity] = relationship()


class ProcedureTemplate(Audited, Timestamped, Base):
    """A standard operating procedure as data (YAML), seeded from the package, editable by
    admins. Seizures copy its steps when it applies, so later edits never rewrite history."""

    __tablename__ = "procedure_templates"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The whole procedure as YAML text (name, applies_to, steps), validated on save.
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: True once an admin changed it: the package's version no longer overwrites it.
    customised: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(80), default="")


class ProcedureStep(Audited, Timestamped, Base):
    """One step of one procedure, copied into a seizure; completed, or waived by an admin."""

    __tablename__ = "seizure_steps"
    __table_args__ = (
        UniqueConstraint("seizure_id", "procedure_code", "step_code"),
        Index("ix_seizure_steps_open_due", "status", "due_at"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(64))
    procedure_position: Mapped[int] = mapped_column(Integer, default=0)
    step_code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    #: The title as the template said it when copied (English; pages translate by code).
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32), default="officer")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: What must exist before the step can be completed, comma-separated
    #: (e.g. ``field:legal_basis``, ``evidence:photo``, ``custody:sealed``).
    requires: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    status: Mapped[str] = mapped_column(String(16), default=StepStatus.open.value)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    completed_by: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    waived_reason: Mapped[str] = mapped_column(Text, default="")

    seizure: Mapped[Seizure] = relationship(back_populates="steps")

    def is_overdue(self, now: datetime) -> bool:
        """Open, required and past its date (the one rule for pages, API and dashboard:
        an optional step has a date to aim for, never a deadline)."""
        if self.status != StepStatus.open.value or not self.required or self.due_at is None:
            return False
        due = self.due_at if self.due_at.tzinfo else self.due_at.replace(tzinfo=UTC)
        return due < (now if now.tzinfo else now.replace(tzinfo=UTC))


class CustodyEvent(Audited, Base):
    """One link of an item's chain of custody. Append-only: never updated or deleted.

    ``signed_by`` is the login of the user who recorded the event (for a receipt, the
    receiving user); ``digest`` chains each event to the previous one of the same item.
    """

    __tablename__ = "custody_events"
    __table_args__ = (UniqueConstraint("item_id", "sequence"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    item_id: Mapped[UUID] = mapped_column(ForeignKey("seized_items.uuid"), index=True)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    #: seized, sealed, transferred, received, examined, stored, released, destroyed.
    action: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seal_number: Mapped[str] = mapped_column(String(64), default="")
    from_party: Mapped[str] = mapped_column(String(200), default="")
    to_party: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    condition: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    signed_by: Mapped[str] = mapped_column(String(80))
    signed_agency: Mapped[str] = mapped_column(String(32), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    digest: Mapped[str] = mapped_column(String(64), default="")

    item: Mapped[SeizedItem] = relationship(back_populates="custody")


class EvidenceFile(Audited, Timestamped, Base):
    """A photo, X-ray, scan or document, stored once by its SHA-256 under the data folder."""

    __tablename__ = "evidence_files"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    item_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("seized_items.uuid"), index=True, default=None
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    #: As sniffed from the content (image/jpeg, image/png, application/pdf ...).
    media_type: Mapped[str] = mapped_column(String(80))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    #: photo, xray, scan, document, markings.
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    caption: Mapped[str] = mapped_column(String(300), default="")
    has_thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(String(80), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Handover(Audited, Timestamped, Base):
    """A seizure offered by one agency to another (e.g. customs → SIPA) and its answer."""

    __tablename__ = "seizure_handovers"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    seizure_id: Mapped[UUID] = mapped_column(ForeignKey("seizures.uuid"), index=True)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=HandoverStatus.pending.value)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(80), default="")
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
