"""API shapes for countries and agencies."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from kalibar.agencies.models import AgencyKind


class CountryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    uuid: uuid.UUID
    code: str
    name: str
    country_code: str
    kind: str
    active: bool


class AgencyCreate(BaseModel):
    code: str = Field(min_length=4, max_length=32, examples=["BA-UIO"])
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2, examples=["BA"])
    kind: AgencyKind


class AgencyUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: AgencyKind | None = None
    active: bool | None = None
