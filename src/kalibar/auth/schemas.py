"""API shapes for users and the caller."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from kalibar.auth.models import Role


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    uuid: uuid.UUID
    username: str
    full_name: str
    email: str
    agency: str
    roles: list[str]
    active: bool
    totp_enabled: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=512)
    agency: str
    roles: list[Role] = Field(min_length=1)
    full_name: str = ""
    email: str = ""


class UserUpdate(BaseModel):
    full_name: str | None = None
    email: str | None = None
    roles: list[Role] | None = None
    agency: str | None = None
    active: bool | None = None


class MeOut(BaseModel):
    username: str
    agency: str
    country: str
    roles: list[str]
    partner_countries: list[str]
