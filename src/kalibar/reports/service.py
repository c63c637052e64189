"""Operations behind the report pages, API and CLI. Services never commit.

The reader's scope comes from ``scope.scope_for`` (a focal point: national totals; anyone
else: its own agency); the CLI passes a scope the console operator named. Exports and
drill-downs are events in the audit trail (they name what was counted); manual Roadmap
values and freezing are ORM changes, audited by the hook.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.reports import cache, drill, export, iafq, roadmap, sdg_period
from kalibar.reports.periods import FIRST_YEAR, LAST_YEAR, Period
from kalibar.reports.scope import Scope, scope_for


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(_("Give a year between 1950 and 2100."), [{"field": "year"}])
    return year


def iafq_report(
    session: Session, *, actor: Actor, year: int, scope: Scope | None = None
) -> iafq.Iafq:
    """The questionnaire's tables for ``year`` in the reader's scope (counts only)."""
    return iafq.compute(session, scope=scope or scope_for(actor), year=check_year(year))


def iafq_page_report(
    session: Session, *, actor: Actor, year: int, fresh: bool = False
) -> cache.Cached:
    """The page's figures: kept a few minutes per scope and year (``reports.cache``)."""
    scope = scope_for(actor)
    year = check_year(year)
    return cache.cached_iafq(
        session,
        scope=scope,
        year=year,
        compute=lambda: iafq.compute(session, scope=scope, year=year),
        fresh=fresh,
    )


def iafq_drill(
    session: Session, *, actor: Actor, year: int, cell: drill.Cell, limit: int = drill.LIMIT
) -> drill.Drill:
    period = Period(check_year(year))
    return drill.drill(
        session, reader=actor, scope=scope_for(actor), period=period, cell=cell, limit=limit
    )


def _export_event(session: Session, actor: Actor, kind: str, ident: str, scope: Scope) -> None:
    log_event(
        session,
        actor=actor,
        action="export",
        object_type=kind,
        object_id=ident,
        details={"format": "xlsx" if not ident.endswith(".pdf") else "pdf", "scope": scope.label},
    )


def iafq_statistical_xlsx(
    session: Session, *, actor: Actor, year: int, scope: Scope | None = None
) -> bytes:
    report = iafq_report(session, actor=actor, year=year, scope=scope)
    _export_event(session, actor, "IAFQ", f"{year}/statistical", report.scope)
    return export.statistical_xlsx(report)


def iafq_significant_xlsx(
    session: Session, *, actor: Actor, year: int, scope: Scope | None = None
) -> bytes:
    """The significant seizures the reader may see (the rest counted, not listed)."""
    report = iafq_report(session, actor=actor, year=year, scope=scope)
    rows, hidden = drill.significant_rows(session, reader=actor, report=report)
    _export_event(session, actor, "IAFQ", f"{year}/significant", report.scope)
    return export.significant_xlsx(report, rows, hidden)


def significant(
    session: Session, *, actor: Actor, report: iafq.Iafq, limit: int | None = None
) -> tuple[list[drill.SignificantRow], int]:
    return drill.significant_rows(session, reader=actor, report=report, limit=limit)


def sdg_by_period(session: Session, *, actor: Actor, year: int) -> list[sdg_period.SdgPeriod]:
    return sdg_period.by_period(session, scope=scope_for(actor), year=check_year(year))


# ---------------------------------------------------------------- Roadmap


def roadmap_progress(session: Session, *, actor: Actor, period: str) -> roadmap.Progress:
    return roadmap.progress(session, actor=actor, period_code=period)


def roadmap_set_value(
    session: Session, *, actor: Actor, period: str, kpi_id: str, value: str, evidence: str
) -> roadmap.Progress:
    roadmap.set_manual_value(
        session, actor=actor, period_code=period, kpi_id=kpi_id, value=value, evidence=evidence
    )
    return roadmap.progress(session, actor=actor, period_code=period)


def roadmap_freeze(session: Session, *, actor: Actor, period: str) -> roadmap.Progress:
    roadmap.freeze(session, actor=actor, period_code=period)
    return roadmap.progress(session, actor=actor, period_code=period)


def roadmap_file(session: Session, *, actor: Actor, period: str, fmt: str) -> bytes:
    progress = roadmap.progress(session, actor=actor, period_code=period)
    _export_event(session, actor, "Roadmap report", f"{progress.period.code}.{fmt}", progress.scope)
    if fmt == "pdf":
        return export.roadmap_pdf(progress)
    return export.roadmap_xlsx(progress)
