"""Early-warning alerts: one row per pattern found and agency told.

An alert belongs to the agency it was sent to (an owner of its evidence, or a focal
point's agency); its members read it and may dismiss it with a reason. The evidence is
kept as references (kind and UUID) and read through the visibility filter whenever it is
shown, so an alert never shows more than its reader may see — even after sharing changes.
Audited: creation, new evidence, reading and dismissal (with its reason) are in the trail.
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7
from kalibar.seizures.models import SeizedItem

#: The statistics count a seizure's live items with one seek into this index (covering:
#: the count never reads the item rows); declared here, with the figures that need it.
SEIZED_ITEMS_LIVE = Index(
    "ix_seized_items_live",
    SeizedItem.seizure_id,
    SeizedItem.deleted_at,
    SeizedItem.kind,
    SeizedItem.record_id,
)


class AlertStatus(enum.StrEnum):
    open = "open"
    dismissed = "dismissed"


class Detector(enum.StrEnum):
    shared_identifier = "shared_identifier"
    route_pattern = "route_pattern"
    rising = "rising"
    red_consignee = "red_consignee"


class Alert(Audited, Timestamped, Base):
    __tablename__ = "analysis_alerts"
    __table_args__ = (
        Index("ix_analysis_alerts_inbox", "agency_id", "status", "last_seen_at"),
        Index("ix_analysis_alerts_pattern", "detector", "pattern_key"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    #: The agency told (its members read and dismiss the alert).
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    detector: Mapped[str] = mapped_column(String(32))
    #: What makes the pattern the same one from run to run (``vehicle:SA123AB`` …).
    pattern_key: Mapped[str] = mapped_column(String(400))
    #: The pattern's figures as JSON (counts, p-value, codes); said in the reader's language.
    params: Mapped[str] = mapped_column(Text, default="{}")
    #: The evidence as JSON: ``[{"kind": "seizure", "uuid": "…"}, …]``.
    evidence: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.open.value)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    read_by: Mapped[str] = mapped_column(String(80), default="")
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    dismissed_by: Mapped[str] = mapped_column(String(80), default="")
    dismissal_reason: Mapped[str] = mapped_column(Text, default="")
