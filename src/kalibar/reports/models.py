"""Saved Roadmap progress reports: one per agency and half-year, draft then frozen.

A report is a ``SharedObject`` (owner agency, distribution ``national`` by default,
tombstone): read through the one visibility filter, changed only by its owner agency.
Its values are parts of it (read only through it). While the report is a draft, the
figures Kalibar computes are computed afresh on each reading and only the manual values
(with their evidence) are stored; **freezing** stores every figure as it stands, so a
frozen period never changes when data arrives later. Every change of either table goes
through the audit hook (``Audited``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, Distribution, SharedObject, Timestamped, UTCDateTime
from kalibar.ids import uuid7


class ReportStatus(enum.StrEnum):
    draft = "draft"
    frozen = "frozen"


class ValueSource(enum.StrEnum):
    formula = "formula"
    manual = "manual"


class RoadmapReport(SharedObject, Base):
    """One agency's Roadmap progress report for one half-year (``2025-H1``)."""

    __tablename__ = "roadmap_reports"
    __table_args__ = (
        UniqueConstraint("owner_agency_id", "period"),
        Index("ix_roadmap_reports_visibility", "owner_country", "distribution"),
    )

    period: Mapped[str] = mapped_column(String(8))
    #: ``national`` (a focal point's country total) or ``agency``.
    scope: Mapped[str] = mapped_column(String(16), default="agency")
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.draft.value)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    frozen_by: Mapped[str] = mapped_column(String(80), default="")
    distribution: Mapped[str] = mapped_column(String(16), default=Distribution.national.value)

    values: Mapped[list[RoadmapValue]] = relationship(
        back_populates="report", order_by="RoadmapValue.kpi_id"
    )


class RoadmapValue(Audited, Timestamped, Base):
    """One key performance indicator's value in one report, and the evidence behind it."""

    __tablename__ = "roadmap_values"
    __table_args__ = (UniqueConstraint("report_id", "kpi_id"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    report_id: Mapped[UUID] = mapped_column(ForeignKey("roadmap_reports.uuid"), index=True)
    kpi_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default=ValueSource.manual.value)
    value: Mapped[str] = mapped_column(String(200), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(80), default="")

    report: Mapped[RoadmapReport] = relationship(back_populates="values")
