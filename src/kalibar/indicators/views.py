"""Indicator pages: SDG 16.4.2 with drill-down and CSV, tracing statistics, record origin."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from kalibar.agencies.service import agency_codes, list_agencies
from kalibar.dates import DateError, parse_day
from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import N_, _
from kalibar.indicators import charts, sdg, service, tracing_stats
from kalibar.indicators.schemas import context_label, made_label, type_label
from kalibar.tracing.labels import RESULT_LABELS as TRACE_RESULT
from kalibar.tracing.labels import STATUS_LABELS as TRACE_STATUS
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)
#: Counted arms listed per page (the CSV has them all).
DRILL_LIMIT = 50
ESTABLISHED = {"yes": True, "no": False}


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except DateError as exc:
        errors[field] = exc.message
        return None


def _params(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: (q.get(k) or "").strip() for k in ("from", "to", "country", "agency", "established")}


def _page_number(value: str | None) -> int:
    """``?page=`` as a number from 1 (anything else is the first page)."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 1_000_000 else 1


def _query(params: dict[str, str]) -> tuple[sdg.SdgQuery | None, dict[str, str]]:
    errors: dict[str, str] = {}
    date_from = _date(params["from"], "from", errors)
    date_to = _date(params["to"], "to", errors)
    if errors:
        return None, errors
    try:
        return sdg.make_query(date_from, date_to, params["country"], params["agency"]), {}
    except KalibarError as exc:
        field = str(exc.details[0].get("field", "_")) if exc.details else "_"
        return None, {field: exc.message}


@router.get("/indicators")
def indicators_home() -> Response:
    return RedirectResponse("/indicators/sdg-16-4-2", status_code=303)


@router.get("/indicators/sdg-16-4-2")
def sdg_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    params = _params(request)
    query, errors = _query(params)
    agencies = list_agencies(db)
    context: dict[str, Any] = {
        "params": params,
        "errors": errors,
        "agencies": agencies,
        "countries": sorted({a.country_code for a in agencies}),
        "report": None,
    }
    if query is None:
        return render(request, "indicators/sdg.html", context, 422)
    report = service.sdg_report(db, actor=actor, query=query)
    established = ESTABLISHED.get(params["established"])
    page = _page_number(request.query_params.get("page"))
    rows = service.sdg_drilldown(
        db,
        actor=actor,
        query=query,
        established=established,
        limit=DRILL_LIMIT + 1,
        offset=(page - 1) * DRILL_LIMIT,
    )
    base = {
        "from": query.date_from.isoformat(),
        "to": query.date_to.isoformat(),
        "country": query.country or "",
        "agency": query.agency or "",
    }
    params.update(base)

    def link(**extra: str) -> str:
        return "?" + urlencode({k: v for k, v in (base | extra).items() if v})

    context.update(
        report=report,
        ratio=charts.percent(report.ratio),
        type_bars=charts.share_bars(report.by_weapon_type, type_label),
        context_bars=charts.share_bars(report.by_context, context_label),
        agency_bars=charts.share_bars(report.by_agency, lambda k: k, lambda k: link(agency=k)),
        made_bars=charts.share_bars(report.by_country_of_manufacture, made_label),
        rows=rows[:DRILL_LIMIT],
        first=(page - 1) * DRILL_LIMIT + 1,
        more=len(rows) > DRILL_LIMIT,
        prev_href=link(established=params["established"], page=str(page - 1)) if page > 1 else "",
        next_href=link(established=params["established"], page=str(page + 1))
        if len(rows) > DRILL_LIMIT
        else "",
        codes=agency_codes(db),
        csv_href="/indicators/sdg-16-4-2.csv" + link(established=params["established"]),
        filter_href={key: link(established=key) for key in ("", "yes", "no")},
    )
    return render(request, "indicators/sdg.html", context)


@router.get("/indicators/sdg-16-4-2.csv")
def sdg_csv(request: Request, db: Db, actor: CurrentActor) -> Response:
    params = _params(request)
    query, errors = _query(params)
    if query is None:
        raise _bad(errors)
    lines = list(
        service.sdg_drilldown_csv(
            db, actor=actor, query=query, established=ESTABLISHED.get(params["established"])
        )
    )
    name = f"sdg-16-4-2_{query.date_from.isoformat()}_{query.date_to.isoformat()}.csv"
    return StreamingResponse(
        iter(["\ufeff", *lines]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _bad(errors: dict[str, str]) -> KalibarError:
    return Invalid(_("Check the period and filters."), [{"field": k} for k in errors])


# ---------------------------------------------------------------- origin of a record


def _origin_page(
    request: Request, db: Db, actor: CurrentActor, record_id: uuid.UUID, **extra: Any
) -> Response:
    origin = service.get_origin(db, actor=actor, record_id=record_id)
    fragment = request.headers.get("hx-request") == "true"
    template = "indicators/_origin_card.html" if fragment else "indicators/origin.html"
    status = int(extra.pop("status", 200))
    return render(request, template, {"origin": origin, "error": "", **extra}, status)


@router.get("/records/{record_id}/origin")
def origin_card(record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _origin_page(request, db, actor, record_id)


@router.post("/records/{record_id}/origin")
def origin_set(record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = request.state.form
    try:
        service.set_origin(
            db,
            actor=actor,
            record_id=record_id,
            established=form.get("established") == "true",
            note=str(form.get("note") or ""),
        )
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        return _origin_page(
            request,
            db,
            actor,
            record_id,
            error=exc.message,
            note=str(form.get("note") or ""),
            status=exc.status,
        )
    return RedirectResponse(f"/records/{record_id}", status_code=303)


# ---------------------------------------------------------------- tracing statistics

BAND_LABELS = {
    "lt1": N_("under 1 year"),
    "1to3": N_("1 to 3 years"),
    "3to10": N_("3 to 10 years"),
    "10to20": N_("10 to 20 years"),
    "ge20": N_("20 years or more"),
}


@router.get("/indicators/tracing")
def tracing_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    params = _params(request)
    params["agency"] = ""
    query, errors = _query(params)
    context: dict[str, Any] = {
        "params": params,
        "errors": errors,
        "countries": sorted({a.country_code for a in list_agencies(db)}),
        "stats": None,
    }
    if query is None:
        return render(request, "indicators/tracing.html", context, 422)
    stats = tracing_stats.tracing_stats(db, actor=actor, query=query)
    params.update({"from": query.date_from.isoformat(), "to": query.date_to.isoformat()})
    days = _("days")
    context.update(
        stats=stats,
        status_bars=charts.value_bars(
            (s, str(TRACE_STATUS.get(s, s)), n) for s, n in stats.by_status.items()
        ),
        result_bars=charts.value_bars(
            (r, str(TRACE_RESULT.get(r, r)), n) for r, n in stats.by_result.items()
        ),
        ack_bars=charts.value_bars(
            ((c.country, c.country, c.median_ack_days) for c in stats.by_country),
            unit=days,
            digits=1,
        ),
        answer_bars=charts.value_bars(
            ((c.country, c.country, c.median_answer_days) for c in stats.by_country),
            unit=days,
            digits=1,
        ),
        band_bars=charts.value_bars(
            (k, str(BAND_LABELS[k]), n) for k, n in stats.time_to_crime_bands
        ),
        median_ttc=charts.number(stats.median_time_to_crime_years),
        number=charts.number,
    )
    return render(request, "indicators/tracing.html", context)
