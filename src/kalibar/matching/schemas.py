"""API shapes of the matching slice: checks, hits, notifications."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from kalibar.matching.hits import HitView, Side
from kalibar.matching.models import Notification
from kalibar.matching.service import MAX_LIMIT, CheckCandidate, notification_text


class CheckRequest(BaseModel):
    """A weapon to check. ``?`` marks one unreadable character, ``*`` a run of them."""

    serial_number: str = Field(min_length=1, max_length=80)
    make: str = Field("", max_length=120)
    model: str = Field("", max_length=120)
    calibre: str = Field("", max_length=80)
    weapon_type: str = Field("", max_length=40)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class CandidateOut(BaseModel):
    record_id: uuid.UUID
    reference: str
    score: float
    #: Calibrated probability that this record is the checked firearm.
    confidence: float
    serial_number: str
    make: str
    model: str
    calibre: str
    weapon_type: str | None
    status: str
    owner_agency: str
    explanation: list[str]

    @classmethod
    def of(cls, c: CheckCandidate) -> CandidateOut:
        r = c.record
        return cls(
            record_id=r.uuid,
            reference=r.reference,
            score=c.score,
            confidence=c.confidence,
            serial_number=r.serial_number,
            make=r.make,
            model=r.model,
            calibre=r.calibre,
            weapon_type=r.weapon_type,
            status=r.status,
            owner_agency=c.owner_agency,
            explanation=c.explanation,
        )


class CheckResponse(BaseModel):
    candidates: list[CandidateOut]
    #: Candidates the caller may not see; their owners have been notified.
    restricted_matches: int
    #: Remarks on the search (a narrow search says what would widen it).
    notes: list[str] = []


class HitSideOut(BaseModel):
    """One record of a hit; details only when the caller may see that record."""

    record_id: uuid.UUID | None
    reference: str
    status: str
    serial_number: str
    make: str
    model: str
    calibre: str
    agency: str
    restricted: bool

    @classmethod
    def of(cls, s: Side) -> HitSideOut:
        return cls(
            record_id=s.record_id,
            reference=s.reference,
            status=s.status,
            serial_number=s.serial_number,
            make=s.make,
            model=s.model,
            calibre=s.calibre,
            agency=s.agency,
            restricted=not s.visible,
        )


class HitOut(BaseModel):
    hit_id: uuid.UUID
    status: str
    score: float
    explanation: list[str]
    query_record: HitSideOut
    matched_record: HitSideOut
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str

    @classmethod
    def of(cls, v: HitView) -> HitOut:
        h = v.hit
        return cls(
            hit_id=h.uuid,
            status=h.status,
            score=h.score,
            explanation=v.explanation,
            query_record=HitSideOut.of(v.query),
            matched_record=HitSideOut.of(v.matched),
            created_at=h.created_at,
            decided_by=h.decided_by,
            decided_at=h.decided_at,
            reason=h.reason,
        )


class HitDecision(BaseModel):
    reason: str = Field("", max_length=2000)


class NotificationOut(BaseModel):
    notification_id: uuid.UUID
    kind: str
    text: str
    hit_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            notification_id=n.uuid,
            kind=n.kind,
            text=notification_text(n),
            hit_id=n.hit_id,
            created_at=n.created_at,
            read_at=n.read_at,
        )
