"""API shapes of the federation slice."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TermsIn(BaseModel):
    kinds: list[str] = Field(default_factory=list, max_length=10)
    distributions: list[str] = Field(default_factory=list, max_length=4)
    nominal: bool = False


class PeerIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    country: str = Field(min_length=2, max_length=2)
    url: str = Field(default="", max_length=300)
    public_key: str = Field(min_length=43, max_length=128)
    name: str = Field(default="", max_length=120)
    outbound: TermsIn = Field(default_factory=TermsIn)
    inbound: TermsIn = Field(default_factory=TermsIn)


class KeyIn(BaseModel):
    public_key: str = Field(min_length=43, max_length=128)


class DecisionIn(BaseModel):
    decision: str = Field(pattern="^(confirmed|rejected)$")
    reason: str = Field(min_length=1, max_length=2000)


class PeerKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    fingerprint: str
    public_key: str
    added_at: datetime
    revoked_at: datetime | None


class AgreementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    direction: str
    kinds: str
    distributions: str
    nominal: bool


class PeerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    country: str
    name: str
    url: str
    active: bool
    cursor: int
    remote_head: int
    lag: int
    last_sync_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    received: int
    refused: int
    served_cursor: int
    keys: list[PeerKeyOut]
    agreements: list[AgreementOut]


class IdentityOut(BaseModel):
    country: str
    name: str
    fingerprint: str
    public_key: str
    retired: list[str]


class SyncOut(BaseModel):
    peer: str
    applied: int
    duplicates: int
    refused: int
    pages: int
    cursor: int
    head: int
    error: str
