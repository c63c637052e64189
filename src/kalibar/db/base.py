"""Declarative base and the mixins every shared table is built from."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from kalibar.ids import uuid7

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Kalibar stores UTC-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Distribution(enum.StrEnum):
    """Who may see an owned object, widest last."""

    agency = "agency"
    national = "national"
    partners = "partners"
    group = "group"


class Audited:
    """Marker: inserts, updates and soft deletes of this table are written to the audit trail."""

    __audit_exclude__: frozenset[str] = frozenset()


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SharedObject(Audited, Timestamped):
    """Every shared object: stable UUID, owner agency, distribution level, tombstone.

    Subclass it and the visibility filter, owner-only edits and the audit trail apply.
    ``owner_country`` is denormalised from the owner agency so the filter needs no join.
    """

    #: Set on models whose objects may be readable by extra agencies (``ObjectReader``).
    __read_grants__: bool = False

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    distribution: Mapped[str] = mapped_column(String(16), default=Distribution.agency.value)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @declared_attr
    def owner_agency_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("agencies.id"), index=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
