"""API shapes for partnerships and sharing groups."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from kalibar.sharing.models import SharingGroup

CountryCode = Annotated[str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]
AgencyCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class PartnershipIn(BaseModel):
    """``country`` opens its ``partners``-level objects to ``partner``."""

    country: CountryCode = Field(examples=["BA"])
    partner: CountryCode = Field(examples=["RS"])


class PartnershipOut(BaseModel):
    country: str = Field(description="The country whose partners-level objects are shared.")
    partner: str = Field(description="The country that may read them.")


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    agencies: list[AgencyCode] = Field(default_factory=list, max_length=200)
    countries: list[CountryCode] = Field(default_factory=list, max_length=60)


class MemberIn(BaseModel):
    """Exactly one of ``agency`` and ``country``."""

    agency: AgencyCode | None = None
    country: CountryCode | None = None


class MemberOut(BaseModel):
    agency: str | None = None
    country: str | None = None


class GroupOut(BaseModel):
    uuid: uuid.UUID
    name: str
    description: str
    owner_agency: str | None
    purpose: str
    members: list[MemberOut]

    @classmethod
    def of(cls, group: SharingGroup, agency_codes: dict[int, str]) -> GroupOut:
        return cls(
            uuid=group.uuid,
            name=group.name,
            description=group.description,
            owner_agency=agency_codes.get(group.owner_agency_id or 0),
            purpose=group.purpose,
            members=[
                MemberOut(
                    agency=agency_codes.get(m.agency_id) if m.agency_id else None,
                    country=m.country_code,
                )
                for m in group.members
            ],
        )
