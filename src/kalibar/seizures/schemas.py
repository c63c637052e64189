"""API input shapes of seizures: the create body (event, items, involvements), changes,
custody events and hand-overs. The same shapes are read by ``kalibar seizures import``
(plus custody events per item), so one body works for both. What the API answers is in
:mod:`kalibar.seizures.schemas_out`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from kalibar.bounds import Moment, RowId
from kalibar.db.base import Distribution
from kalibar.records.schemas import RecordFields
from kalibar.records.service import RecordData
from kalibar.seizures.entities import EntityData
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


class SeizureFields(BaseModel):
    """The event; vocabulary codes are checked by the service (``seizures.vocabulary``)."""

    occurred_at: Moment
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
    sharing_groups: list[RowId] = Field(default_factory=list)
    items: list[ItemIn] = Field(default_factory=list, max_length=500)
    involvements: list[InvolvementIn] = Field(default_factory=list, max_length=100)


class SeizureUpdate(BaseModel):
    """Only the fields sent are changed."""

    occurred_at: Moment | None = None
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
    occurred_at: Moment | None = None
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
