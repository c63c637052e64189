"""Trace requests (UN International Tracing Instrument, ISACS 05.31) and their threads.

A :class:`TraceRequest` goes from one requesting agency to one recipient agency (a trace
to several countries is several requests sharing a ``batch_id``). Like a matching hit it
involves two agencies, so it is not a ``SharedObject`` with one owner and a distribution
level: it is visible to members of the requesting agency and — once sent — of the
recipient agency, and to nobody else (``service.visible_clause``).

Either side may live on another Kalibar instance (federation comes later; a request can
already travel as JSON): the agencies are then known only by their codes
(``requester_agency_code``/``recipient_agency_code``) and the local id is ``None``. The
``uuid`` is the same on both instances.

For the SDG 16.4.2 indicator: ``record_id`` is the firearm record traced (requester side),
``status``/``result`` say how far the trace went, ``answered_at`` when; the record itself
carries ``origin_established``/``origin_source="tracing"`` once an answer established it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime
from kalibar.ids import uuid7


class TraceStatus(enum.StrEnum):
    draft = "draft"
    sent = "sent"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    answered = "answered"
    closed = "closed"
    withdrawn = "withdrawn"


#: Waiting for the recipient (deadlines run).
OPEN = frozenset({TraceStatus.sent, TraceStatus.acknowledged, TraceStatus.in_progress})
FINAL = frozenset({TraceStatus.closed, TraceStatus.withdrawn})


class TracePriority(enum.StrEnum):
    routine = "routine"
    urgent = "urgent"


class TraceResult(enum.StrEnum):
    traced = "traced"
    partly_traced = "partly_traced"
    not_traced = "not_traced"


class NotTracedReason(enum.StrEnum):
    no_records = "no_records"
    records_destroyed = "records_destroyed"
    markings_insufficient = "markings_insufficient"
    manufacturer_unknown = "manufacturer_unknown"
    other = "other"


class TraceRequest(Audited, Timestamped, Base):
    """One request to trace one firearm, from one agency to one recipient agency."""

    __tablename__ = "trace_requests"
    __table_args__ = (
        Index("ix_trace_requests_requester", "requester_agency_id", "status", "created_at"),
        Index("ix_trace_requests_recipient", "recipient_agency_id", "status", "created_at"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    reference: Mapped[str] = mapped_column(String(40), index=True)
    #: Requests made together (one per recipient) share this id.
    batch_id: Mapped[UUID] = mapped_column(Uuid(), index=True, default=uuid7)
    #: The traced firearm record (on the requester's instance only).
    record_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("firearm_records.uuid"), index=True, default=None
    )
    requester_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    requester_agency_code: Mapped[str] = mapped_column(String(32))
    requester_country: Mapped[str] = mapped_column(String(2))
    requester_instance: Mapped[str] = mapped_column(String(64), default="")
    recipient_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    recipient_agency_code: Mapped[str] = mapped_column(String(32))
    recipient_country: Mapped[str] = mapped_column(String(2))
    #: Why this recipient: manufacture, import, connected (route), other.
    recipient_reason: Mapped[str] = mapped_column(String(16), default="other")
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=TraceStatus.draft.value, index=True)
    priority: Mapped[str] = mapped_column(String(16), default=TracePriority.routine.value)
    urgency_justification: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")

    # Why the weapon is considered illicit (ITI art. 17, ISACS 05.31).
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    circumstances: Mapped[str] = mapped_column(Text, default="")
    event_place: Mapped[str] = mapped_column(String(200), default="")
    event_date: Mapped[date | None] = mapped_column(Date, default=None)
    # Identification, copied from the record when the request was made (it is evidence).
    weapon_type: Mapped[str] = mapped_column(String(32), default="")
    make: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    calibre: Mapped[str] = mapped_column(String(80), default="")
    serial_number: Mapped[str] = mapped_column(String(80), default="")
    country_of_manufacture: Mapped[str] = mapped_column(String(2), default="")
    year_of_manufacture: Mapped[int | None] = mapped_column(Integer, default=None)
    import_marking: Mapped[str] = mapped_column(String(120), default="")
    markings: Mapped[str] = mapped_column(Text, default="")
    #: References to photographs of the markings (files come with the seizures slice).
    photo_references: Mapped[str] = mapped_column(Text, default="")
    intended_use: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(Text, default="")
    #: Comma-separated ISO codes of other countries on the route.
    connected_countries: Mapped[str] = mapped_column(String(200), default="")

    # Deadlines (set when sent) and when each step happened.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ack_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    answer_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")

    # The answer.
    result: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    diversion_holder: Mapped[str] = mapped_column(String(200), default="")
    diversion_country: Mapped[str] = mapped_column(String(2), default="")
    diversion_date: Mapped[date | None] = mapped_column(Date, default=None)
    diversion_how: Mapped[str] = mapped_column(Text, default="")
    transfer_chain: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[str] = mapped_column(Text, default="")
    not_traced_reason: Mapped[str] = mapped_column(String(32), default="")
    answer_note: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(80), default="")

    messages: Mapped[list[TraceMessage]] = relationship(
        back_populates="request", order_by="TraceMessage.created_at"
    )

    @property
    def connected(self) -> list[str]:
        return [c for c in self.connected_countries.split(",") if c]


class TraceMessage(Audited, Timestamped, Base):
    """One message in a request's thread (either side; ``kind`` system for status notes)."""

    __tablename__ = "trace_messages"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    request_id: Mapped[UUID] = mapped_column(ForeignKey("trace_requests.uuid"), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16), default="message")
    body: Mapped[str] = mapped_column(Text)

    request: Mapped[TraceRequest] = relationship(back_populates="messages")
