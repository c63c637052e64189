"""API shapes for the catalogue."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    code: str
    name: str
    make_code: str
    country: str | None
    weapon_type: str | None
    source: str


class EntryCreate(BaseModel):
    kind: str = Field(pattern="^(make|model|calibre)$")
    name: str = Field(min_length=1, max_length=200)
    make: str = ""
    country: str | None = Field(default=None, max_length=2)
    weapon_type: str | None = None
    calibres: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class NormaliseOut(BaseModel):
    field: str
    input: str
    value: str | None
    explanation: str
