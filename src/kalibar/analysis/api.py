"""``/api/v1/analysis/...``: seizure statistics, their map and exports, early-warning alerts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kalibar.analysis import alerts, export, service
from kalibar.analysis.dimensions import DIMENSIONS
from kalibar.analysis.schemas import (
    AlertOut,
    DimensionOut,
    DismissIn,
    FigureOut,
    MapPointOut,
    RunOut,
)
from kalibar.errors import Forbidden
from kalibar.i18n import _
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/analysis", tags=["analysis"])

BY = Annotated[str, Query(description="the dimension: " + ", ".join(DIMENSIONS))]
FILTERS_DOC = (
    "Filters are query parameters: `from`, `to` (days, in the instance's zone), `agency` "
    "(owner agency code) and any dimension's value (`concealment=spare_tyre`, "
    "`make=zastava`, `month=2026-03` …)."
)


def _params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("by", "format")}


@router.get("/dimensions", response_model=list[DimensionOut])
def dimensions(actor: CurrentActor) -> list[DimensionOut]:
    """The dimensions a statistic can be broken down and filtered by (signed-in callers only,
    like every other ``/api/v1`` route)."""
    return [DimensionOut(key=d.key, title=str(d.title), level=d.level) for d in DIMENSIONS.values()]


@router.get("/statistics", response_model=FigureOut, description=FILTERS_DOC)
def statistics(request: Request, db: Db, actor: CurrentActor, by: BY = "concealment") -> FigureOut:
    """Seizures and items by one dimension, the monthly trend and the hidden count."""
    fig, f = service.figure(db, actor=actor, by=by, params=_params(request))
    return FigureOut.of(fig, f.params())


@router.get(
    "/statistics/export",
    description=FILTERS_DOC,
    response_class=Response,
    responses=file_response(export.CSV_TYPE, export.XLSX_TYPE),
)
def statistics_export(
    request: Request, db: Db, actor: CurrentActor, by: BY = "concealment",
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:  # fmt: skip
    """The figure as CSV or XLSX (audited as an export)."""
    return export.respond(db, actor=actor, by=by, params=_params(request), fmt=format)


@router.get("/statistics/map", response_model=list[MapPointOut], description=FILTERS_DOC)
def statistics_map(
    request: Request, db: Db, actor: CurrentActor, cluster: bool = True
) -> list[MapPointOut]:
    """Seizure places (visible, filtered) with their counts, clustered unless asked not."""
    params = {k: v for k, v in _params(request).items() if k != "cluster"}
    pts = service.map_points(db, actor=actor, params=params, clustered=cluster)
    return [MapPointOut(name=p.name, country=p.country, lat=round(p.lat, 5),
                        lon=round(p.lon, 5), count=p.count, members=p.members)
            for p in pts]  # fmt: skip


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(
    db: Db, actor: CurrentActor,
    status: Annotated[str | None, Query(pattern="^(open|dismissed)$")] = "open",
) -> list[AlertOut]:  # fmt: skip
    """Early-warning alerts sent to the caller's agency."""
    rows = alerts.list_alerts(db, actor=actor, status=status)
    return [service.alert_out(db, actor=actor, alert=a, with_evidence=False) for a in rows]


@router.get("/alerts/{alert_id}", response_model=AlertOut)
def get_alert(alert_id: UUID, db: Db, actor: CurrentActor) -> AlertOut:
    """One alert with the evidence the caller may see (the rest counted)."""
    alert = service.get_alert(db, actor=actor, alert_id=alert_id)
    alerts.mark_read(db, actor=actor, alert=alert)
    return service.alert_out(db, actor=actor, alert=alert, with_evidence=True)


@router.post("/alerts/{alert_id}/dismiss", response_model=AlertOut)
def dismiss_alert(alert_id: UUID, body: DismissIn, db: Db, actor: CurrentActor) -> AlertOut:
    """Dismiss an alert of the caller's agency, saying why (audited)."""
    alert = alerts.dismiss(db, actor=actor, alert_id=alert_id, reason=body.reason)
    return service.alert_out(db, actor=actor, alert=alert, with_evidence=True)


@router.post("/alerts/run", response_model=RunOut)
def run_alerts(db: Db, actor: CurrentActor) -> RunOut:
    """Run every detector now (administrators; the CLI and imports run them too)."""
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))
    result = alerts.run(db)
    return RunOut(findings=dict(result.findings), created=result.created, updated=result.updated)
