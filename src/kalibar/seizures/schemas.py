"""API shapes of seizures: the create body (event, items, involvements), the detail view,
custody, evidence and hand-overs. The same input shapes are read by ``kalibar seizures
import`` (plus custody events per item), so one body works for both."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from kalibar.db.base import Distribution
from kalibar.matching.schemas import HitOut
from kalibar.records.schemas import RecordFields
from kalibar.records.service import RecordData
from kalibar.seizures.entities import EntityData
from kalibar.seizures.models import (
    CustodyEvent,
    Entity,
    EvidenceFile,
    Handover,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.seizures.service import ItemData, SeizureData


def _codes(value: Any) -> Any:
    """``"RS, HR"`` or ``["rs", "hr"]`` → ``["RS", "HR"]``."""
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return value


def _country(value: Any) -> Any:
    return (value.strip().upper() or None) if isinstance(value, str) else value


def _listed(text: str) -> list[str]:
    return [v for v in text.split(",") if v]


# ---------------------------------------------------------------- input


class SeizureFields(BaseModel):
    """The event; vocabulary codes are checked by the service (``seizures.vocabulary``)."""

    occurred_at: datetime
    context: str = Field(max_length=32)
    place_code: str | None = Field(None, max_length=64)
    place_name: str = Field("", max_length=200)
    address: str = Field("", max_length=300)
    place_country: str | None = Field(None, max_length=2)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    direction: str = Field("domestic", max_length=16)
    origin_country: str | None = Field(None, max_length=2)
    transit_countries: list[str] = Field(default_factory=list, max_length=20)
    destination_country: str | None = Field(None, max_length=2)
    detection_method: str = Field("", max_length=32)
    concealment_method: str = Field("", max_length=32)
    conveyance_kind: str = Field("", max_length=32)
    vehicle_registration: str = Field("", max_length=32)
    vehicle_make: str = Field("", max_length=80)
    bus_line: str = Field("", max_length=120)
    parcel_number: str = Field("", max_length=64)
    container_number: str = Field("", max_length=32)
    legal_basis: str = Field("", max_length=8000)
    criminal_context: list[str] = Field(default_factory=list, max_length=10)
    narrative: str = Field("", max_length=20000)
    declaration_uuid: uuid.UUID | None = None

    _lists = field_validator("transit_countries", "criminal_context", mode="before")(_codes)
    _countries = field_validator(
        "place_country", "origin_country", "destination_country", mode="before"
    )(_country)

    @field_validator("transit_countries")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [v.upper() for v in value]

    def seizure_data(self) -> SeizureData:
        return SeizureData(**self.model_dump(include=set(SeizureFields.model_fields)))


class FirearmIn(RecordFields):
    """The firearm record an item becomes (its status is always ``seized``)."""

    def record_data(self) -> RecordData:
        return RecordData(status="seized", **self.model_dump())


class ItemIn(BaseModel):
    kind: str = Field(max_length=16)
    firearm: FirearmIn | None = None
    part_kind: str = Field("", max_length=32)
    calibre: str = Field("", max_length=80)
    ammunition_type: str = Field("", max_length=32)
    explosive_type: str = Field("", max_length=32)
    description: str = Field("", max_length=4000)
    quantity: float = Field(1, le=10_000_000)
    unit: str = Field("", max_length=16)

    def item_data(self) -> ItemData:
        fields = self.model_dump(include=set(ItemIn.model_fields) - {"firearm"})
        return ItemData(firearm=self.firearm.record_data() if self.firearm else None, **fields)


class EntityIn(BaseModel):
    kind: str = Field(max_length=16)
    name: str = Field("", max_length=300)
    given_names: str = Field("", max_length=150)
    family_name: str = Field("", max_length=150)
    date_of_birth: date | None = None
    nationality: str | None = Field(None, max_length=2)
    identity_documents: list[str] = Field(default_factory=list, max_length=20)
    registration_number: str = Field("", max_length=64)
    vehicle_registration: str = Field("", max_length=32)
    vehicle_make: str = Field("", max_length=80)
    vehicle_kind: str = Field("", max_length=32)
    phone_number: str = Field("", max_length=40)
    address: str = Field("", max_length=300)
    country: str | None = Field(None, max_length=2)
    notes: str = Field("", max_length=8000)

    _countries = field_validator("nationality", "country", mode="before")(_country)

    def entity_data(self) -> EntityData:
        return EntityData(**self.model_dump())


class InvolvementIn(BaseModel):
    """Link an existing entity (``entity_id``) or describe one (``entity``). A described
    entity that looks like one already known answers 409 with suggestions, unless
    ``allow_new`` confirms it is someone else."""

    role: str = Field(max_length=32)
    entity_id: uuid.UUID | None = None
    entity: EntityIn | None = None
    note: str = Field("", max_length=4000)
    allow_new: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> InvolvementIn:
        if (self.entity_id is None) == (self.entity is None):
            raise ValueError("give exactly one of entity_id or entity")
        return self


class SeizureCreate(SeizureFields):
    distribution: Distribution = Distribution.national
    sharing_groups: list[int] = Field(default_factory=list)
    items: list[ItemIn] = Field(default_factory=list, max_length=500)
    involvements: list[InvolvementIn] = Field(default_factory=list, max_length=100)


class SeizureUpdate(BaseModel):
    """Only the fields sent are changed."""

    occurred_at: datetime | None = None
    context: str | None = Field(None, max_length=32)
    place_code: str | None = Field(None, max_length=64)
    place_name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    place_country: str | None = Field(None, max_length=2)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    direction: str | None = Field(None, max_length=16)
    origin_country: str | None = Field(None, max_length=2)
    transit_countries: list[str] | None = None
    destination_country: str | None = Field(None, max_length=2)
    detection_method: str | None = Field(None, max_length=32)
    concealment_method: str | None = Field(None, max_length=32)
    conveyance_kind: str | None = Field(None, max_length=32)
    vehicle_registration: str | None = Field(None, max_length=32)
    vehicle_make: str | None = Field(None, max_length=80)
    bus_line: str | None = Field(None, max_length=120)
    parcel_number: str | None = Field(None, max_length=64)
    container_number: str | None = Field(None, max_length=32)
    legal_basis: str | None = Field(None, max_length=8000)
    criminal_context: list[str] | None = None
    narrative: str | None = Field(None, max_length=20000)
    declaration_uuid: uuid.UUID | None = None

    _lists = field_validator("transit_countries", "criminal_context", mode="before")(_codes)
    _countries = field_validator(
        "place_country", "origin_country", "destination_country", mode="before"
    )(_country)

    def changes(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        if data.get("transit_countries"):
            data["transit_countries"] = [c.upper() for c in data["transit_countries"]]
        return data


class CustodyIn(BaseModel):
    action: str = Field(max_length=16)
    occurred_at: datetime | None = None
    seal_number: str = Field("", max_length=64)
    from_party: str = Field("", max_length=200)
    to_party: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    condition: str = Field("", max_length=300)
    note: str = Field("", max_length=4000)


class HandoverIn(BaseModel):
    to_agency: str = Field(min_length=2, max_length=32)
    note: str = Field("", max_length=4000)

    @field_validator("to_agency", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class ReasonIn(BaseModel):
    reason: str = Field("", max_length=4000)


class NoteIn(BaseModel):
    note: str = Field("", max_length=4000)


# ---------------------------------------------------------------- output


class EntityOut(BaseModel):
    entity_id: uuid.UUID
    reference: str
    kind: str
    name: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    nationality: str | None
    identity_documents: list[str]
    registration_number: str
    vehicle_registration: str
    vehicle_make: str
    vehicle_kind: str
    phone_number: str
    address: str
    country: str | None
    notes: str
    owner_agency: str
    distribution: str

    @classmethod
    def of(cls, e: Entity, codes: dict[int, str]) -> EntityOut:
        plain = {k: getattr(e, k) for k in cls.model_fields if hasattr(Entity, k)}
        plain["identity_documents"] = [d for d in e.identity_documents.splitlines() if d]
        return cls(**plain, entity_id=e.uuid, owner_agency=codes.get(e.owner_agency_id or 0, ""))


class SuggestionOut(BaseModel):
    entity: EntityOut
    score: float
    reasons: list[str]
    #: Likely the same: a new entity described like this one needs ``allow_new``.
    strong: bool


class InvolvementOut(BaseModel):
    involvement_id: uuid.UUID
    role: str
    note: str
    entity_id: uuid.UUID
    #: ``None`` when the caller may not see the entity itself.
    entity: EntityOut | None


class ItemOut(BaseModel):
    item_id: uuid.UUID
    position: int
    kind: str
    record_id: uuid.UUID | None
    record_reference: str | None
    part_kind: str
    calibre: str
    calibre_code: str | None
    ammunition_type: str
    explosive_type: str
    description: str
    quantity: float
    unit: str
    hits: list[HitOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls, i: SeizedItem, *, reference: str | None = None, hits: list[HitOut] | None = None
    ) -> ItemOut:
        plain = {k: getattr(i, k) for k in cls.model_fields if hasattr(SeizedItem, k)}
        return cls(**plain, item_id=i.uuid, record_reference=reference, hits=hits or [])


class StepOut(BaseModel):
    step_id: uuid.UUID
    procedure_code: str
    procedure_name: str
    step_code: str
    title: str
    role: str
    required: bool
    requires: list[str]
    status: str
    due_at: datetime | None
    overdue: bool
    completed_at: datetime | None
    completed_by: str
    note: str
    waived_reason: str

    @classmethod
    def of(cls, s: ProcedureStep, *, now: datetime, title: str, procedure: str) -> StepOut:
        plain = {k: getattr(s, k) for k in cls.model_fields if hasattr(ProcedureStep, k)}
        plain.update(title=title, requires=_listed(s.requires))
        overdue = s.status == "open" and s.due_at is not None and s.due_at < now
        return cls(**plain, step_id=s.uuid, procedure_name=procedure, overdue=overdue)


class CustodyEventOut(BaseModel):
    event_id: uuid.UUID
    item_id: uuid.UUID
    sequence: int
    action: str
    occurred_at: datetime
    seal_number: str
    from_party: str
    to_party: str
    location: str
    condition: str
    note: str
    signed_by: str
    signed_agency: str
    recorded_at: datetime
    digest: str

    @classmethod
    def of(cls, e: CustodyEvent) -> CustodyEventOut:
        plain = {k: getattr(e, k) for k in cls.model_fields if hasattr(CustodyEvent, k)}
        return cls(**plain, event_id=e.uuid)


class CustodyChainOut(BaseModel):
    item_id: uuid.UUID
    events: list[CustodyEventOut]
    #: Digest mismatches or gaps found when the chain was re-computed (empty: intact).
    problems: list[str]


class EvidenceOut(BaseModel):
    evidence_id: uuid.UUID
    seizure_id: uuid.UUID
    item_id: uuid.UUID | None
    sha256: str
    size: int
    media_type: str
    original_name: str
    kind: str
    caption: str
    has_thumbnail: bool
    uploaded_by: str
    created_at: datetime

    @classmethod
    def of(cls, f: EvidenceFile) -> EvidenceOut:
        plain = {k: getattr(f, k) for k in cls.model_fields if hasattr(EvidenceFile, k)}
        return cls(**plain, evidence_id=f.uuid)


class VerifyOut(BaseModel):
    evidence_id: uuid.UUID
    sha256: str
    intact: bool


class HandoverOut(BaseModel):
    handover_id: uuid.UUID
    seizure_id: uuid.UUID
    seizure_reference: str
    from_agency: str
    to_agency: str
    status: str
    note: str
    requested_by: str
    decided_by: str
    decided_at: datetime | None
    decline_reason: str
    created_at: datetime

    @classmethod
    def of(cls, h: Handover, codes: dict[int, str], reference: str = "") -> HandoverOut:
        plain = {k: getattr(h, k) for k in cls.model_fields if hasattr(Handover, k)}
        return cls(
            **plain,
            handover_id=h.uuid,
            seizure_reference=reference,
            from_agency=codes.get(h.from_agency_id, ""),
            to_agency=codes.get(h.to_agency_id, ""),
        )


class SeizureSummary(BaseModel):
    seizure_id: uuid.UUID
    reference: str
    status: str
    occurred_at: datetime
    context: str
    direction: str
    place_code: str | None
    place_name: str
    place_country: str | None
    latitude: float | None
    longitude: float | None
    vehicle_registration: str
    parcel_number: str
    owner_agency: str
    seizing_agency: str
    distribution: str
    #: Item kind → quantity (firearms counted, ammunition in rounds ...).
    items: dict[str, float]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, s: Seizure, codes: dict[int, str]) -> dict[str, Any]:
        names = set(SeizureSummary.model_fields) | set(SeizureOut.model_fields)
        parts = {"items", "involvements", "steps", "handovers", "evidence"}
        plain = {k: getattr(s, k) for k in names - parts if hasattr(Seizure, k)}
        plain.update(
            seizure_id=s.uuid,
            owner_agency=codes.get(s.owner_agency_id or 0, ""),
            seizing_agency=codes.get(s.seizing_agency_id or 0, ""),
        )
        return plain

    @classmethod
    def of(cls, s: Seizure, codes: dict[int, str], items: dict[str, float]) -> SeizureSummary:
        plain = cls.fields_of(s, codes)
        return cls(**{k: v for k, v in plain.items() if k in cls.model_fields}, items=items)


class SeizurePage(BaseModel):
    items: list[SeizureSummary]
    next_cursor: str | None


class SeizureOut(BaseModel):
    seizure_id: uuid.UUID
    reference: str
    status: str
    occurred_at: datetime
    place_code: str | None
    place_name: str
    address: str
    place_country: str | None
    latitude: float | None
    longitude: float | None
    context: str
    direction: str
    origin_country: str | None
    transit_countries: list[str]
    destination_country: str | None
    detection_method: str
    concealment_method: str
    conveyance_kind: str
    vehicle_registration: str
    vehicle_make: str
    bus_line: str
    parcel_number: str
    container_number: str
    legal_basis: str
    criminal_context: list[str]
    narrative: str
    declaration_uuid: uuid.UUID | None
    owner_agency: str
    seizing_agency: str
    distribution: str
    recorded_by: str
    closed_at: datetime | None
    closed_by: str
    created_at: datetime
    updated_at: datetime
    items: list[ItemOut] = Field(default_factory=list)
    involvements: list[InvolvementOut] = Field(default_factory=list)
    steps: list[StepOut] = Field(default_factory=list)
    handovers: list[HandoverOut] = Field(default_factory=list)
    evidence: list[EvidenceOut] = Field(default_factory=list)

    @classmethod
    def of(cls, s: Seizure, codes: dict[int, str], **parts: Any) -> SeizureOut:
        plain = SeizureSummary.fields_of(s, codes)
        plain = {k: v for k, v in plain.items() if k in cls.model_fields}
        plain.update(
            transit_countries=_listed(s.transit_countries),
            criminal_context=_listed(s.criminal_context),
        )
        return cls(**plain, **parts)


class MapPointOut(BaseModel):
    name: str
    country: str | None
    lat: float
    lon: float
    count: int


class ProcedureOut(BaseModel):
    code: str
    name: str
    position: int
    active: bool
    customised: bool
    updated_by: str
    #: The procedure as YAML (name, applies_to, steps).
    body: str
