"""Report pages: the IAFQ with drill-downs and its two workbooks, the Roadmap's half-year
reports (manual values, freezing, XLSX and PDF), SDG 16.4.2 by period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.agencies.service import agency_codes
from kalibar.errors import KalibarError
from kalibar.indicators import charts
from kalibar.reports import drill, iafq, service
from kalibar.reports import labels as words
from kalibar.reports.export import evidence_words, source_words
from kalibar.reports.periods import current_half
from kalibar.reports.roadmap import list_reports
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)
#: Significant seizures listed on the page (the workbook lists them all).
SIGNIFICANT_LISTED = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: Request) -> int:
    raw = (request.query_params.get("year") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else date.today().year - 1


def _file(content: bytes, media: str, name: str) -> Response:
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/reports")
def reports_home() -> Response:
    return RedirectResponse("/reports/iafq", status_code=303)


# ---------------------------------------------------------------- IAFQ


def drill_href(year: int, table: str, **extra: str) -> str:
    params = {"year": str(year), "table": table, **{k: v for k, v in extra.items() if v}}
    return "/reports/iafq/drill?" + urlencode(params)


@router.get("/reports/iafq")
def iafq_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    year = service.check_year(_year(request))
    kept = service.iafq_page_report(
        db, actor=actor, year=year, fresh=request.query_params.get("fresh") == "1"
    )
    report = kept.report
    bars = [
        replace(bar, href=drill_href(year, "arms", dimension="type", key=bar.key))
        for bar in charts.value_bars(
            (r.key, words.key_label("type", r.key), r.total) for r in report.arms["type"]
        )
    ]
    context: dict[str, Any] = {
        "year": year,
        "report": report,
        "computed_at": kept.computed_at,
        "dimensions": iafq.DIMENSIONS,
        "statuses": iafq.STATUSES,
        "results": iafq.RESULTS,
        "threshold": iafq.SIGNIFICANT,
        "type_bars": bars,
        "sdg_percent": charts.percent(report.sdg.ratio if report.sdg else None),
        "words": words,
        "drill_href": lambda table, **kw: drill_href(year, table, **kw),
    }
    return render(request, "reports/iafq.html", context)


@router.get("/reports/iafq/significant")
def iafq_significant_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    """The significant seizures the reader may see (a fragment for htmx, else a page)."""
    year = service.check_year(_year(request))
    report = service.iafq_page_report(db, actor=actor, year=year).report
    significant, hidden = service.significant(
        db, actor=actor, report=report, limit=SIGNIFICANT_LISTED
    )
    context = {
        "year": year,
        "significant": significant,
        "significant_hidden": hidden,
        "significant_visible": len(report.significant) - hidden,
        "counted": len(report.significant),
        "threshold": iafq.SIGNIFICANT,
        "words": words,
        "fragment": request.headers.get("hx-request") == "true",
    }
    return render(request, "reports/significant.html", context)


@router.get("/reports/iafq/drill")
def iafq_drill_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    q = request.query_params
    year = service.check_year(_year(request))
    cell = drill.Cell(
        table=q.get("table") or "",
        key=(q.get("key") or "").strip(),
        dimension=q.get("dimension") or "type",
        status=q.get("status") or "",
        unit=q.get("unit") or "",
        result=q.get("result") or "",
    )
    found = service.iafq_drill(db, actor=actor, year=year, cell=cell)
    return render(request, "reports/drill.html", {"year": year, "drill": found, "words": words})


@router.get("/reports/iafq/{year}/statistical.xlsx")
def iafq_statistical(year: int, db: Db, actor: CurrentActor) -> Response:
    content = service.iafq_statistical_xlsx(db, actor=actor, year=year)
    return _file(content, XLSX, f"iafq_{year}_statistical.xlsx")


@router.get("/reports/iafq/{year}/significant.xlsx")
def iafq_significant(year: int, db: Db, actor: CurrentActor) -> Response:
    content = service.iafq_significant_xlsx(db, actor=actor, year=year)
    return _file(content, XLSX, f"iafq_{year}_significant_seizures.xlsx")


# ---------------------------------------------------------------- SDG 16.4.2 by period


@router.get("/reports/sdg-16-4-2")
def sdg_periods_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    year = service.check_year(_year(request))
    periods = service.sdg_by_period(db, actor=actor, year=year)
    return render(request, "reports/sdg.html", {"year": year, "periods": periods})


# ---------------------------------------------------------------- Roadmap


@router.get("/reports/roadmap")
def roadmap_home(request: Request, db: Db, actor: CurrentActor) -> Response:
    period = (request.query_params.get("period") or "").strip()
    if period:
        return RedirectResponse(f"/reports/roadmap/{period}", status_code=303)
    context = {
        "saved": list_reports(db, actor=actor),
        "current": current_half().code,
        "codes": agency_codes(db),
    }
    return render(request, "reports/roadmap_list.html", context)


def _roadmap(request: Request, db: Db, actor: CurrentActor, period: str, **extra: Any) -> Response:
    status = int(extra.pop("status", 200))
    progress = service.roadmap_progress(db, actor=actor, period=period)
    context = {
        "progress": progress,
        "source_words": source_words,
        "evidence_words": evidence_words,
        "errors": {},
        "values": {},
        **extra,
    }
    return render(request, "reports/roadmap.html", context, status)


@router.get("/reports/roadmap/{period}")
def roadmap_page(period: str, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _roadmap(request, db, actor, period)


@router.post("/reports/roadmap/{period}/values/{kpi_id}")
def roadmap_value(
    period: str, kpi_id: str, request: Request, db: Db, actor: CurrentActor
) -> Response:
    form = request.state.form
    value, evidence = str(form.get("value") or ""), str(form.get("evidence") or "")
    try:
        service.roadmap_set_value(
            db, actor=actor, period=period, kpi_id=kpi_id, value=value, evidence=evidence
        )
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        fields = {str(d.get("field")): str(d.get("message") or exc.message) for d in exc.details}
        return _roadmap(
            request, db, actor, period,
            errors={kpi_id: fields or {"value": exc.message}},
            values={kpi_id: {"value": value, "evidence": evidence}},
            page_url=f"/reports/roadmap/{period}",
            status=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/reports/roadmap/{period}#kpi-{kpi_id}", status_code=303)


@router.post("/reports/roadmap/{period}/freeze")
def roadmap_freeze(period: str, request: Request, db: Db, actor: CurrentActor) -> Response:
    try:
        service.roadmap_freeze(db, actor=actor, period=period)
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        return _roadmap(
            request, db, actor, period,
            freeze_error=exc.message,
            page_url=f"/reports/roadmap/{period}",
            status=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/reports/roadmap/{period}", status_code=303)


@router.get("/reports/roadmap/{period}/report.xlsx")
def roadmap_xlsx(period: str, db: Db, actor: CurrentActor) -> Response:
    content = service.roadmap_file(db, actor=actor, period=period, fmt="xlsx")
    return _file(content, XLSX, f"roadmap_{period}.xlsx")


@router.get("/reports/roadmap/{period}/report.pdf")
def roadmap_pdf(period: str, db: Db, actor: CurrentActor) -> Response:
    content = service.roadmap_file(db, actor=actor, period=period, fmt="pdf")
    return _file(content, "application/pdf", f"roadmap_{period}.pdf")
