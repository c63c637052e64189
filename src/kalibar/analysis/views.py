"""Pages: seizure statistics (figure, trend, map, exports) and early-warning alerts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.agencies.service import list_agencies
from kalibar.analysis import alerts, export, places_map, service, words
from kalibar.analysis.charts import trend_svg
from kalibar.analysis.dimensions import DIMENSIONS, value_words
from kalibar.analysis.filters import parse_filter
from kalibar.analysis.stats import figure
from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import _
from kalibar.indicators.charts import Bar, value_bars
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/analysis", include_in_schema=False)
#: Bars drawn per figure (the export has every value).
SHOWN = 30


def _params(request: Request) -> dict[str, str]:
    skip = ("by", "format", "cluster")
    return {k: v.strip() for k, v in request.query_params.items() if k not in skip and v.strip()}


def _link(params: dict[str, str], **changes: str) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v})


@router.get("")
def analysis_home() -> Response:
    return RedirectResponse("/analysis/statistics", status_code=303)


@router.get("/statistics")
def statistics_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    by = request.query_params.get("by") or "concealment"
    params = _params(request)
    clustered = request.query_params.get("cluster", "1") != "0"
    context: dict[str, Any] = {
        "by": by, "params": params, "dimensions": DIMENSIONS, "errors": {},
        "agencies": list_agencies(db), "clustered": clustered, "fig": None,
    }  # fmt: skip
    try:
        f = parse_filter(params)
        if by not in DIMENSIONS:
            raise Invalid(_("Unknown figure or filter."), [{"field": "by"}])
    except KalibarError as exc:
        field = str(exc.details[0].get("field", "_")) if exc.details else "_"
        context["errors"] = {field: exc.message}
        return render(request, "analysis/statistics.html", context, 422)
    fig = figure(db, actor=actor, by=by, f=f)
    base = {**params, "by": by}
    shown = fig.rows[:SHOWN]
    bars = [
        Bar(b.key, b.label, b.total, None, b.text,
            _link(base, by="month" if by != "month" else by, **{by: r.key}))
        for b, r in zip(value_bars((r.key, r.label, r.seizures) for r in shown), shown,
                        strict=True)
    ]  # fmt: skip
    pts = places_map.points(db, actor=actor, f=f)
    chips = [
        (DIMENSIONS[k].title, value_words(DIMENSIONS[k], v), _link(base, **{k: ""}))
        for k, v in f.values.items()
    ]
    context.update(
        fig=fig, bars=bars, more=max(0, len(fig.rows) - SHOWN), chips=chips,
        trend=trend_svg(fig.trend), trend_items=trend_svg(fig.trend, measure="items"),
        map=places_map.seizure_places_svg(pts, clustered=clustered),
        places=len(pts),
        cluster_href=_link(base, cluster="0" if clustered else "1"),
        csv_href="/analysis/statistics/export" + _link(base, format="csv"),
        xlsx_href="/analysis/statistics/export" + _link(base, format="xlsx"),
        by_href={k: _link(params, by=k) for k in DIMENSIONS},
    )  # fmt: skip
    return render(request, "analysis/statistics.html", context)


@router.get("/statistics/export")
def statistics_export(request: Request, db: Db, actor: CurrentActor) -> Response:
    by = request.query_params.get("by") or "concealment"
    fmt = request.query_params.get("format") or "csv"
    return export.respond(db, actor=actor, by=by, params=_params(request), fmt=fmt)


# ---------------------------------------------------------------- alerts


@router.get("/alerts")
def alerts_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    status = request.query_params.get("status") or "open"
    status = status if status in words.STATUS_LABELS else "open"
    rows = alerts.list_alerts(db, actor=actor, status=status)
    return render(request, "analysis/alerts.html", {
        "status": status, "status_labels": words.STATUS_LABELS,
        "alerts": [service.alert_out(db, actor=actor, alert=a, with_evidence=False)
                   for a in rows],
    })  # fmt: skip


def _alert_page(request: Request, db: Db, actor: CurrentActor, alert_id: UUID,
                status: int = 200, **extra: Any) -> Response:  # fmt: skip
    alert = service.get_alert(db, actor=actor, alert_id=alert_id)
    alerts.mark_read(db, actor=actor, alert=alert)
    out = service.alert_out(db, actor=actor, alert=alert, with_evidence=True)
    view = alerts.evidence(db, actor=actor, alert=alert)
    return render(request, "analysis/alert.html", {
        "alert": out, "view": view, "status_labels": words.STATUS_LABELS,
        "error": "", "reason": "", **extra,
    }, status)  # fmt: skip


@router.get("/alerts/{alert_id}")
def alert_page(alert_id: UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _alert_page(request, db, actor, alert_id)


@router.post("/alerts/{alert_id}/dismiss")
def alert_dismiss(alert_id: UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    reason = str(request.state.form.get("reason") or "")
    try:
        alerts.dismiss(db, actor=actor, alert_id=alert_id, reason=reason)
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        return _alert_page(request, db, actor, alert_id, exc.status, error=exc.message,
                           reason=reason)  # fmt: skip
    return RedirectResponse(f"/analysis/alerts/{alert_id}", status_code=303)
