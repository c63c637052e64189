"""``/api/v1/reports``: the IAFQ and its drill-downs, SDG 16.4.2 by period, the Roadmap."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from kalibar.reports import drill, service
from kalibar.reports.schemas import (
    DrillOut,
    IafqOut,
    ManualValueIn,
    RoadmapOut,
    SdgPeriodOut,
)
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["reports"])
Year = Annotated[int, Query(ge=1950, le=2100, description="calendar year")]
HalfYear = Annotated[str, Path(pattern=r"^\d{4}-H[12]$", description="2025-H1 or 2025-H2")]
KpiId = Annotated[str, Path(max_length=32, description="a KPI id of roadmap.yaml, e.g. 1.1")]


@router.get("/reports/iafq", response_model=IafqOut)
def iafq(db: Db, actor: CurrentActor, year: Year) -> IafqOut:
    """The questionnaire's tables for a year: a focal point's national totals, or the
    caller's agency's own figures."""
    return IafqOut.of(service.iafq_report(db, actor=actor, year=year))


@router.get("/reports/iafq/drill", response_model=DrillOut)
def iafq_drill(
    db: Db,
    actor: CurrentActor,
    year: Year,
    table: Literal[drill.TABLES],  # type: ignore[valid-type]
    key: Annotated[str, Query(max_length=200)] = "",
    dimension: Literal["type", "make", "calibre", "made", "context"] = "type",
    status: Literal["", "seized", "found", "surrendered"] = "",
    unit: Annotated[str, Query(max_length=16)] = "",
    result: Literal["", "traced", "partly_traced", "not_traced", "pending"] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> DrillOut:
    """The references behind one figure that the caller may see, and how many are hidden."""
    cell = drill.Cell(table, key, dimension, status, unit, result)
    return DrillOut.of(service.iafq_drill(db, actor=actor, year=year, cell=cell, limit=limit))


@router.get("/reports/sdg-16-4-2", response_model=list[SdgPeriodOut])
def sdg_by_period(db: Db, actor: CurrentActor, year: Year) -> list[SdgPeriodOut]:
    """SDG 16.4.2 for the year and its two halves, with the fields UNODC asks for."""
    return [SdgPeriodOut.of(p) for p in service.sdg_by_period(db, actor=actor, year=year)]


@router.get("/reports/roadmap/{period}", response_model=RoadmapOut)
def roadmap(period: HalfYear, db: Db, actor: CurrentActor) -> RoadmapOut:
    """The caller's agency's half-year report (``2025-H1``)."""
    return RoadmapOut.of(service.roadmap_progress(db, actor=actor, period=period))


@router.put("/reports/roadmap/{period}/values/{kpi_id}", response_model=RoadmapOut)
def roadmap_value(
    period: HalfYear, kpi_id: KpiId, body: ManualValueIn, db: Db, actor: CurrentActor
) -> RoadmapOut:
    """A manual KPI's value and its evidence (draft reports, owner agency; audited)."""
    progress = service.roadmap_set_value(
        db, actor=actor, period=period, kpi_id=kpi_id, value=body.value, evidence=body.evidence
    )
    return RoadmapOut.of(progress)


@router.post("/reports/roadmap/{period}/freeze", response_model=RoadmapOut)
def roadmap_freeze(period: HalfYear, db: Db, actor: CurrentActor) -> RoadmapOut:
    """Store every figure as it stands; the report no longer changes."""
    return RoadmapOut.of(service.roadmap_freeze(db, actor=actor, period=period))
