"""Rule sets kept in the database: one agency's YAML rules, versioned, one of them active.

Not a ``SharedObject``: a rule set is the screening configuration of one agency, read and
edited only by that agency's administrators and never shared. It is audited: saving and
activating a version are in the hash-chained trail with who and when.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime
from kalibar.ids import uuid7


class RuleSet(Audited, Timestamped, Base):
    """One saved version of an agency's rules (YAML text, validated when saved)."""

    __tablename__ = "targeting_rule_sets"
    __table_args__ = (UniqueConstraint("agency_id", "version"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    rule_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The text parsed without errors when saved (only such sets are stored or activated).
    validated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The set screening uses for the agency; at most one per agency.
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_by: Mapped[str] = mapped_column(String(80), default="")
    activated_by: Mapped[str] = mapped_column(String(80), default="")
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LaneRate(Audited, Timestamped, Base):
    """An agency's expected share of declarations per lane for one office and flow (``*``
    for any): the inspection capacity the lane assignment caps each lane at. Edited by the
    agency's administrators on the rules page; audited like every change."""

    __tablename__ = "targeting_lane_rates"
    __table_args__ = (UniqueConstraint("agency_id", "office", "flow"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    office: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(16))
    red: Mapped[float | None] = mapped_column(Float, default=None)
    yellow: Mapped[float | None] = mapped_column(Float, default=None)
    blue: Mapped[float | None] = mapped_column(Float, default=None)
    saved_by: Mapped[str] = mapped_column(String(80), default="")
