"""API shapes of trace requests, answers and messages."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from kalibar.tracing.deadlines import deadline_of
from kalibar.tracing.models import (
    NotTracedReason,
    TraceMessage,
    TracePriority,
    TraceRequest,
    TraceResult,
)

#: Request content a requester states (and may change while the request is a draft).
CONTENT_FIELDS = (
    "priority",
    "urgency_justification",
    "legal_basis",
    "circumstances",
    "event_place",
    "event_date",
    "weapon_type",
    "make",
    "model",
    "calibre",
    "serial_number",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_marking",
    "markings",
    "photo_references",
    "intended_use",
    "confidentiality",
    "connected_countries",
)


def _upper_codes(value: Any) -> Any:
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").replace(" ", ",").split(",")]
    if isinstance(value, list):
        return [str(v).strip().upper() for v in value if str(v).strip()]
    return value


class TraceContent(BaseModel):
    """Every field optional: what is not given is taken from the record (or left empty)."""

    priority: TracePriority | None = None
    urgency_justification: str | None = Field(None, max_length=4000)
    legal_basis: str | None = Field(None, max_length=4000)
    circumstances: str | None = Field(None, max_length=4000)
    event_place: str | None = Field(None, max_length=200)
    event_date: date | None = None
    weapon_type: str | None = Field(None, max_length=32)
    make: str | None = Field(None, max_length=120)
    model: str | None = Field(None, max_length=120)
    calibre: str | None = Field(None, max_length=80)
    serial_number: str | None = Field(None, max_length=80)
    country_of_manufacture: str | None = Field(None, max_length=2)
    year_of_manufacture: int | None = Field(None, ge=1500, le=2100)
    import_marking: str | None = Field(None, max_length=120)
    markings: str | None = Field(None, max_length=4000)
    photo_references: str | None = Field(None, max_length=4000)
    intended_use: str | None = Field(None, max_length=4000)
    confidentiality: str | None = Field(None, max_length=4000)
    connected_countries: list[str] | None = None

    _codes = field_validator("connected_countries", mode="before")(_upper_codes)

    @field_validator("country_of_manufacture", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        return value.strip().upper() or None if isinstance(value, str) else value

    def given(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        if isinstance(data.get("priority"), TracePriority):
            data["priority"] = data["priority"].value
        return data


class TraceCreate(TraceContent):
    record_id: uuid.UUID
    #: Recipient agency codes; one request is made per recipient.
    recipients: list[str] = Field(min_length=1, max_length=20)

    _recipients = field_validator("recipients", mode="before")(_upper_codes)


class AnswerIn(BaseModel):
    result: TraceResult
    diversion_holder: str = Field("", max_length=200)
    diversion_country: str = Field("", max_length=2)
    diversion_date: date | None = None
    diversion_how: str = Field("", max_length=4000)
    transfer_chain: str = Field("", max_length=8000)
    documents: str = Field("", max_length=4000)
    not_traced_reason: NotTracedReason | None = None
    note: str = Field("", max_length=4000)

    @field_validator("diversion_country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=8000)


class ReasonIn(BaseModel):
    reason: str = Field("", max_length=4000)


class MessageOut(BaseModel):
    message_id: uuid.UUID
    agency: str
    author: str
    kind: str
    body: str
    created_at: datetime

    @classmethod
    def of(cls, m: TraceMessage) -> MessageOut:
        return cls(
            message_id=m.uuid,
            agency=m.agency_code,
            author=m.author,
            kind=m.kind,
            body=m.body,
            created_at=m.created_at,
        )


class TraceOut(BaseModel):
    trace_id: uuid.UUID
    reference: str
    batch_id: uuid.UUID
    record_id: uuid.UUID | None
    requester_agency: str
    requester_country: str
    recipient_agency: str
    recipient_country: str
    recipient_reason: str
    imported: bool
    status: str
    priority: str
    urgency_justification: str
    legal_basis: str
    circumstances: str
    event_place: str
    event_date: date | None
    weapon_type: str
    make: str
    model: str
    calibre: str
    serial_number: str
    country_of_manufacture: str
    year_of_manufacture: int | None
    import_marking: str
    markings: str
    photo_references: str
    intended_use: str
    confidentiality: str
    connected_countries: list[str]
    sent_at: datetime | None
    ack_due: datetime | None
    answer_due: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str
    deadline_state: str | None
    overdue: bool
    result: str | None
    diversion_holder: str
    diversion_country: str
    diversion_date: date | None
    diversion_how: str
    transfer_chain: str
    documents: str
    not_traced_reason: str
    answer_note: str
    answered_by: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    messages: list[MessageOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls, t: TraceRequest, *, now: datetime | None = None, with_messages: bool = False
    ) -> TraceOut:
        deadline = deadline_of(t, now)
        plain = {
            k: getattr(t, k)
            for k in cls.model_fields
            if hasattr(TraceRequest, k) and k not in {"connected_countries", "messages"}
        }
        return cls(
            **plain,
            trace_id=t.uuid,
            requester_agency=t.requester_agency_code,
            recipient_agency=t.recipient_agency_code,
            connected_countries=t.connected,
            deadline_state=deadline.state.value if deadline else None,
            overdue=bool(deadline and deadline.overdue),
            messages=[MessageOut.of(m) for m in t.messages] if with_messages else [],
        )


class TracePage(BaseModel):
    items: list[TraceOut]
    total: int


class SuggestionOut(BaseModel):
    country: str
    reason: str
    explanation: str
    agencies: list[str]
