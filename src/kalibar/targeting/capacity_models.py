"""Running counts of the current capacity period, per agency, office and flow.

Not audited: every count is derived from the screenings stored in the same transaction,
which are. The API reads the period's row (under the write lock when it stores) to decide
a declaration against its lanes' capacity (``lanes.decide_in_order``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Base


class CapacityCount(Base):
    """Declarations screened in one period (a UTC day) for one office and flow: all of them
    (``total``, the random sample included), and per lane given by capacity."""

    __tablename__ = "targeting_capacity_counts"
    __table_args__ = (UniqueConstraint("agency_id", "office", "flow", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    office: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(16))
    period: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer, default=0)
    red: Mapped[int] = mapped_column(Integer, default=0)
    yellow: Mapped[int] = mapped_column(Integer, default=0)
    blue: Mapped[int] = mapped_column(Integer, default=0)
    mandatory: Mapped[int] = mapped_column(Integer, default=0)
