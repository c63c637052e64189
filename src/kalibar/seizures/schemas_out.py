"""API output shapes of seizures: the detail view with its items, people, steps, custody,
evidence and hand-overs; the list and map. The input shapes are in
:mod:`kalibar.seizures.schemas`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from kalibar.matching.schemas import HitOut
from kalibar.seizures.models import (
    CustodyEvent,
    Entity,
    EvidenceFile,
    Handover,
    ProcedureStep,
    SeizedItem,
    Seizure,
)


def _listed(text: str) -> list[str]:
    return [v for v in text.split(",") if v]


def _columns(obj: Any, model: type, names: Iterable[str]) -> dict[str, Any]:
    """The stored values of ``obj`` for those of ``names`` that are attributes of ``model``."""
    return {k: getattr(obj, k) for k in names if hasattr(model, k)}


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
        plain = _columns(e, Entity, cls.model_fields)
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
        plain = _columns(i, SeizedItem, cls.model_fields)
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
        plain = _columns(s, ProcedureStep, cls.model_fields)
        plain.update(title=title, requires=_listed(s.requires))
        return cls(**plain, step_id=s.uuid, procedure_name=procedure, overdue=s.is_overdue(now))


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
        plain = _columns(e, CustodyEvent, cls.model_fields)
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
        plain = _columns(f, EvidenceFile, cls.model_fields)
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
        plain = _columns(h, Handover, cls.model_fields)
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
        plain = _columns(s, Seizure, names - parts)
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
