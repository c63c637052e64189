"""Countries (ISO 3166-1) and the agencies that own data."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import Boolean, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Timestamped
from kalibar.ids import uuid7


class AgencyKind(enum.StrEnum):
    customs = "customs"
    border_police = "border_police"
    police = "police"
    investigation = "investigation"
    postal = "postal"
    prosecutor = "prosecutor"
    ministry = "ministry"
    focal_point = "focal_point"


class Country(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Agency(Audited, Timestamped, Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    country: Mapped[Country] = relationship(lazy="joined")
