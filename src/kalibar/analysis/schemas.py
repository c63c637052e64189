"""API shapes of the analysis slice: statistics, map points, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from kalibar.analysis.stats import Figure, Row


class RowOut(BaseModel):
    key: str
    label: str
    seizures: int
    items: int

    @classmethod
    def of(cls, r: Row) -> RowOut:
        return cls(key=r.key, label=r.label, seizures=r.seizures, items=r.items)


class FigureOut(BaseModel):
    by: str
    title: str
    seizures: int = Field(description="Visible seizures matching the filter.")
    items: int = Field(description="Their item lines (one per firearm, lot, part …).")
    hidden: int = Field(description="Seizures matching the filter that the caller may not see.")
    rows: list[RowOut]
    trend: list[RowOut] = Field(description="Seizures and items per month (instance's zone).")
    filters: dict[str, str]

    @classmethod
    def of(cls, fig: Figure, filters: dict[str, str]) -> FigureOut:
        return cls(
            by=fig.by, title=fig.title, seizures=fig.seizures, items=fig.items,
            hidden=fig.hidden, rows=[RowOut.of(r) for r in fig.rows],
            trend=[RowOut.of(r) for r in fig.trend], filters=filters,
        )  # fmt: skip


class MapPointOut(BaseModel):
    name: str
    country: str
    lat: float
    lon: float
    count: int
    members: list[str] = []


class DimensionOut(BaseModel):
    key: str
    title: str
    level: str


class EvidenceOut(BaseModel):
    kind: str
    uuid: UUID
    reference: str
    href: str


class AlertOut(BaseModel):
    uuid: UUID
    detector: str
    detector_label: str
    summary: str
    status: str
    params: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    dismissed_by: str = ""
    dismissal_reason: str = ""
    evidence: list[EvidenceOut] = []
    hidden_evidence: int = 0
    hidden_owners: list[str] = []


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class RunOut(BaseModel):
    findings: dict[str, int]
    created: int
    updated: int
