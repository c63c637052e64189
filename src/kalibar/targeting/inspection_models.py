"""Tables of the inspection loop: the lane a stored declaration got, and what its
inspection found.

Neither is a ``SharedObject``: both belong to one declaration and are read only through
it, so the declaration's visibility filter (and the owner-only rule of the worklist)
decides who sees them. Both are audited: a lane given and a result recorded are in the
hash-chained trail with who and when.
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7
from kalibar.targeting.models import Declaration


class Outcome(enum.StrEnum):
    no_finding = "no_finding"
    firearms = "firearms"
    parts = "parts"
    ammunition = "ammunition"
    other_offence = "other_offence"


#: Outcomes that count as a hit of firearms targeting (and may open a seizure).
POSITIVE_OUTCOMES = frozenset({Outcome.firearms, Outcome.parts, Outcome.ammunition})


class Screening(Audited, Timestamped, Base):
    """The lane a stored declaration was given, with its score and reasons."""

    __tablename__ = "targeting_screenings"
    __table_args__ = (
        Index("ix_targeting_screenings_lane_score", "lane", "score"),
        Index("ix_targeting_screenings_screened_at", "screened_at"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    declaration_uuid: Mapped[UUID] = mapped_column(
        Uuid(), ForeignKey("declarations.uuid", ondelete="CASCADE"), unique=True
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    lane: Mapped[str] = mapped_column(String(8))
    #: Ids of the rules hit, ``;``-separated.
    rules: Mapped[str] = mapped_column(Text, default="")
    #: Drawn for the random control sample.
    random: Mapped[bool] = mapped_column(Boolean, default=False)
    model_score: Mapped[float | None] = mapped_column(Float, default=None)
    #: The lane the risk, the rules and thresholds asked for, before capacity.
    asked: Mapped[str] = mapped_column(String(8), default="")
    #: A rule marked mandatory hit (red whatever the capacity).
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``rules:…;score:…;capacity:…;random``, as the screen writes it.
    reasons: Mapped[str] = mapped_column(Text, default="")
    #: The model's top contributing features (red and yellow): ``name:+0.123;…``.
    top_features: Mapped[str] = mapped_column(Text, default="")
    screened_by: Mapped[str] = mapped_column(String(80), default="")
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    declaration: Mapped[Declaration] = relationship()


class Inspection(Audited, Timestamped, Base):
    """What the officer found on opening (or checking the documents of) a declaration."""

    __tablename__ = "targeting_inspections"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    declaration_uuid: Mapped[UUID] = mapped_column(
        Uuid(), ForeignKey("declarations.uuid", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    inspected_by: Mapped[str] = mapped_column(String(80))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    declaration: Mapped[Declaration] = relationship()
