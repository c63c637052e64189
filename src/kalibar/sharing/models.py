"""Partner countries and sharing groups."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Timestamped
from kalibar.ids import uuid7


class CountryPartnership(Audited, Base):
    """One direction of a partnership: ``country`` reads the ``partners``-level objects of
    ``partner`` (``partner_countries(country)`` is what the visibility filter widens to).

    The row is the decision of ``partner``, whose data it opens: only that country's
    administrators or focal point add or remove it (``sharing.service``)."""

    __tablename__ = "country_partnerships"
    __table_args__ = (UniqueConstraint("country_code", "partner_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    partner_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))


class SharingGroup(Audited, Timestamped, Base):
    """A named set of agencies and countries that objects can be distributed to.

    ``owner_agency_id`` is the agency whose administrators change the members (a group
    made before owners existed has none: only the console operator changes it).
    ``purpose`` is ``""`` for a plain group, or the slice that keeps the members itself
    (``"operation"``: a joint-operation workspace adds and removes its members there, so
    the group pages refuse to change them).
    """

    __tablename__ = "sharing_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    owner_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id"), default=None, index=True
    )
    purpose: Mapped[str] = mapped_column(String(16), default="")

    members: Mapped[list[SharingGroupMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class SharingGroupMember(Audited, Base):
    """A member is an agency or a whole country."""

    __tablename__ = "sharing_group_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    group_id: Mapped[int] = mapped_column(ForeignKey("sharing_groups.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), default=None)


class ObjectSharingGroup(Audited, Base):
    """Links any shared object (by UUID) to the groups it is distributed to."""

    __tablename__ = "object_sharing_groups"
    __table_args__ = (UniqueConstraint("object_uuid", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    object_uuid: Mapped[UUID] = mapped_column(Uuid(), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("sharing_groups.id"), index=True)


class ObjectReader(Audited, Base):
    """Grants one agency read access to one shared object whatever its distribution.

    Used where ownership moved (a seizure handed over keeps its sender as a reader). Only
    models that set ``__read_grants__ = True`` consult it, so other lists pay nothing.
    """

    __tablename__ = "object_readers"
    __table_args__ = (UniqueConstraint("object_uuid", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    object_uuid: Mapped[UUID] = mapped_column(Uuid(), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
