"""``/api/v1/indicators`` and ``/api/v1/records/{id}/origin``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kalibar.agencies.service import agency_codes
from kalibar.indicators import sdg, service, tracing_stats
from kalibar.indicators.schemas import OriginIn, OriginOut, SdgReportOut, TracingStatsOut
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["indicators"])

From = Annotated[date | None, Query(alias="from", description="first day (default 1 January)")]
To = Annotated[date | None, Query(description="last day, included (default today)")]


@router.get("/indicators/sdg-16-4-2", response_model=SdgReportOut)
def sdg_16_4_2(
    db: Db,
    actor: CurrentActor,
    date_from: From = None,
    to: To = None,
    country: Annotated[str | None, Query(description="owner country, ISO alpha-2")] = None,
    agency: Annotated[str | None, Query(description="owner agency code")] = None,
) -> SdgReportOut:
    """SDG 16.4.2 over the records the caller may see."""
    query = sdg.make_query(date_from, to, country, agency)
    return SdgReportOut.of(service.sdg_report(db, actor=actor, query=query))


@router.get("/indicators/sdg-16-4-2/records")
def sdg_16_4_2_records(
    db: Db,
    actor: CurrentActor,
    date_from: From = None,
    to: To = None,
    country: str | None = None,
    agency: str | None = None,
    established: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[dict[str, Any]]:
    """The arms counted in the denominator (drill-down), oldest event first."""
    query = sdg.make_query(date_from, to, country, agency)
    codes = agency_codes(db)
    rows = service.sdg_drilldown(db, actor=actor, query=query, established=established, limit=limit)
    return [sdg.drill_row(r, codes) for r in rows]


@router.post("/records/{record_id}/origin", response_model=OriginOut)
def set_origin(record_id: uuid.UUID, body: OriginIn, db: Db, actor: CurrentActor) -> OriginOut:
    """Origin established (or not) by other competent-authority means; owner agency only."""
    origin = service.set_origin(
        db,
        actor=actor,
        record_id=record_id,
        established=body.established,
        source=body.source,
        note=body.note,
    )
    return _origin_out(origin)


@router.get("/records/{record_id}/origin", response_model=OriginOut)
def get_origin(record_id: uuid.UUID, db: Db, actor: CurrentActor) -> OriginOut:
    return _origin_out(service.get_origin(db, actor=actor, record_id=record_id))


def _origin_out(origin: service.Origin) -> OriginOut:
    return OriginOut(
        record_id=origin.record_id,
        reference=origin.reference,
        origin_established=origin.established,
        origin_source=origin.source,
        origin_established_at=origin.established_at,
        origin_note=origin.note,
    )


@router.get("/indicators/tracing", response_model=TracingStatsOut)
def tracing(
    db: Db,
    actor: CurrentActor,
    date_from: From = None,
    to: To = None,
    country: Annotated[str | None, Query(description="recipient country, ISO alpha-2")] = None,
) -> TracingStatsOut:
    """Trace requests the caller's agency sent or received in the period."""
    query = sdg.make_query(date_from, to, country)
    return TracingStatsOut.of(tracing_stats.tracing_stats(db, actor=actor, query=query))
