"""Tables of the matching slice: hits, the links they confirm, notifications, bulk jobs.

A :class:`Hit` involves two agencies (the holder of the recovered weapon and the owner
of the wanted record), so it is not a ``SharedObject`` with one owner and a distribution
level: it is visible to members of either agency (``service.hits_visible_clause``) and to
nobody else. The owner agencies are copied onto the hit when it is created (records never
change owner), which keeps the inbox query free of joins.
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime
from kalibar.ids import uuid7
from kalibar.records.models import FirearmRecord


class HitStatus(enum.StrEnum):
    open = "open"
    confirmed = "confirmed"
    rejected = "rejected"


class Hit(Audited, Timestamped, Base):
    """A recovered weapon that matched a wanted record above the alert threshold."""

    __tablename__ = "match_hits"
    __table_args__ = (UniqueConstraint("query_record_id", "matched_record_id"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    #: The seized / found / surrendered record.
    query_record_id: Mapped[UUID] = mapped_column(ForeignKey("firearm_records.uuid"), index=True)
    #: The lost / stolen / trafficked / smuggled record.
    matched_record_id: Mapped[UUID] = mapped_column(ForeignKey("firearm_records.uuid"), index=True)
    query_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    matched_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    #: JSON list of explanation lines (English, as produced by the matcher).
    explanation: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(16), default=HitStatus.open.value, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(80), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")

    # Relationships so one flush inserts the records before the hits that name them.
    query_record: Mapped[FirearmRecord] = relationship(foreign_keys=[query_record_id])
    matched_record: Mapped[FirearmRecord] = relationship(foreign_keys=[matched_record_id])


class RecordLink(Audited, Timestamped, Base):
    """Two records of the same firearm, linked when a person confirmed a hit."""

    __tablename__ = "record_links"
    __table_args__ = (UniqueConstraint("record_a", "record_b"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    record_a: Mapped[UUID] = mapped_column(ForeignKey("firearm_records.uuid"), index=True)
    record_b: Mapped[UUID] = mapped_column(ForeignKey("firearm_records.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="same_firearm")
    hit_id: Mapped[UUID | None] = mapped_column(ForeignKey("match_hits.uuid"), default=None)
    created_by: Mapped[str] = mapped_column(String(80), default="")


class Notification(Audited, Timestamped, Base):
    """A message to every member of an agency (hit on its record, restricted match)."""

    __tablename__ = "notifications"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    hit_id: Mapped[UUID | None] = mapped_column(ForeignKey("match_hits.uuid"), default=None)
    record_id: Mapped[UUID | None] = mapped_column(Uuid(), default=None)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    hit: Mapped[Hit | None] = relationship()


class MatchJob(Timestamped, Base):
    """A bulk cross-match run in the background; input and results are files under
    ``KALIBAR_DATA_DIR/jobs``. Progress updates are operational, so the table is not
    audited; creating a job is logged as an ``audit`` event by the service."""

    __tablename__ = "match_jobs"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    username: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    limit: Mapped[int] = mapped_column(Integer, default=10)
    error: Mapped[str] = mapped_column(Text, default="")


#: Freshness of the match index: "records changed since T" is one range scan.
Index("ix_firearm_records_updated_at", FirearmRecord.__table__.c.updated_at)
