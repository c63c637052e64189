"""Model versions of the risk model: what was trained, on what, with which figures, and
which one screens (champion) — decided by an administrator, audited."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7


class ModelStatus(enum.StrEnum):
    #: trained, not screening: waits for an administrator's decision
    candidate = "candidate"
    #: the model that screens (one at a time)
    active = "active"
    #: screened before, replaced (a rollback can bring it back)
    retired = "retired"
    #: an administrator decided against it
    rejected = "rejected"


class ModelVersion(Audited, Timestamped, Base):
    """One stored model (files under the data folder's ``models/targeting/<version>``)."""

    __tablename__ = "targeting_model_versions"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ModelStatus.candidate.value)
    #: "db": the agency's recorded inspections; "file": a history file
    source: Mapped[str] = mapped_column(String(8), default="db")
    agency_id: Mapped[int | None] = mapped_column(Integer, default=None)
    trained_by: Mapped[str] = mapped_column(String(80), default="")
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: JSON: the training metadata's periods and held-out metrics
    metrics: Mapped[str] = mapped_column(Text, default="{}")
    #: JSON: this model and the active one on the newest period (champion/challenger)
    comparison: Mapped[str] = mapped_column(Text, default="{}")
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: the administrator's reason for the decision
    note: Mapped[str] = mapped_column(Text, default="")
