"""The Roadmap's half-year progress report: KPIs as data, figures prefilled from the data,
manual values with their evidence, and saved periods that never change once frozen.

- The goals and KPIs are ``data/roadmap.yaml`` (id, title in the six languages, and either
  ``formula`` — a name in :data:`formulas.FORMULAS` — or ``manual: true``), checked when
  loaded: a KPI with both or neither, an unknown formula, a missing language or a repeated
  id refuses the file with its place named.
- A report belongs to an agency (``RoadmapReport``, one per half-year). A focal point's
  report counts the national totals, anyone else's its own agency's (``scope_for``).
- **Draft**: the formula figures are computed when read; the manual values are stored with
  their evidence, set by the owner agency only, each change audited by the hook.
- **Frozen**: :func:`freeze` stores every formula figure beside the manual values; a
  frozen report is read from what it stored and refuses every change (409), so new
  seizures, traces or trainings never rewrite a period that was reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.i18n import LANGUAGES, _, current_language
from kalibar.reports.formulas import FORMULAS, shown
from kalibar.reports.models import ReportStatus, RoadmapReport, RoadmapValue, ValueSource
from kalibar.reports.periods import Period, parse_period
from kalibar.reports.scope import Scope, scope_for
from kalibar.sharing.visibility import require_owner, visible

DATA = Path(__file__).parent / "data" / "roadmap.yaml"
MAX_VALUE = 200
MAX_EVIDENCE = 4000


class RoadmapError(ValueError):
    """The KPI file is wrong; the message names the place."""


@dataclass(frozen=True)
class Kpi:
    id: str
    titles: dict[str, str]
    formula: str | None
    goal: str

    @property
    def manual(self) -> bool:
        return self.formula is None

    @property
    def title(self) -> str:
        """In the reader's language (Serbian Cyrillic falls back to Latin, then English)."""
        return _titled(self.titles)


@dataclass(frozen=True)
class Goal:
    id: str
    titles: dict[str, str]
    kpis: tuple[Kpi, ...]

    @property
    def title(self) -> str:
        return _titled(self.titles)


def _titled(titles: dict[str, str]) -> str:
    lang = current_language()
    return titles.get(lang) or titles.get("sr_Latn" if lang == "sr_Cyrl" else "en") or ""


def _titles(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise RoadmapError(f"{where}: title must give a text per language")
    missing = [code for code in LANGUAGES if not str(raw.get(code) or "").strip()]
    if missing:
        raise RoadmapError(f"{where}: title has no text in {', '.join(missing)}")
    unknown = sorted(set(raw) - set(LANGUAGES))
    if unknown:
        raise RoadmapError(f"{where}: title in unknown languages {', '.join(unknown)}")
    return {code: str(raw[code]).strip() for code in LANGUAGES}


def load_goals(path: Path = DATA) -> tuple[Goal, ...]:
    """Read and check the KPI file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    goals: list[Goal] = []
    seen: set[str] = set()
    for g, raw_goal in enumerate(doc.get("goals") or [], start=1):
        where = f"{path.name}: goals[{g}]"
        gid = str(raw_goal.get("id") or "")
        if not gid:
            raise RoadmapError(f"{where}: id is required")
        kpis: list[Kpi] = []
        for k, raw in enumerate(raw_goal.get("kpis") or [], start=1):
            kwhere = f"{where}.kpis[{k}]"
            kid = str(raw.get("id") or "")
            if not kid or kid in seen or len(kid) > 32:
                raise RoadmapError(f"{kwhere}: id missing, too long or repeated ({kid!r})")
            seen.add(kid)
            formula, manual = raw.get("formula"), bool(raw.get("manual"))
            if bool(formula) == manual:
                raise RoadmapError(f"{kwhere}: give either a formula or manual: true")
            if formula and formula not in FORMULAS:
                raise RoadmapError(f"{kwhere}: unknown formula {formula!r}")
            kpis.append(Kpi(kid, _titles(raw.get("title"), kwhere), formula or None, gid))
        goals.append(Goal(gid, _titles(raw_goal.get("title"), where), tuple(kpis)))
    return tuple(goals)


@lru_cache(maxsize=1)
def goals() -> tuple[Goal, ...]:
    return load_goals()


def kpi(kpi_id: str) -> Kpi:
    for goal in goals():
        for item in goal.kpis:
            if item.id == kpi_id:
                return item
    raise Invalid(_("Unknown key performance indicator."), [{"field": "kpi", "value": kpi_id}])


# ---------------------------------------------------------------- the report


@dataclass
class Line:
    kpi: Kpi
    value: str = ""
    evidence: str = ""
    source: str = ValueSource.formula.value
    updated_by: str = ""


@dataclass
class Progress:
    period: Period
    scope: Scope
    owner: str
    status: str
    report: RoadmapReport | None
    editable: bool
    lines: dict[str, Line] = field(default_factory=dict)

    @property
    def frozen(self) -> bool:
        return self.status == ReportStatus.frozen.value

    def by_goal(self) -> list[tuple[Goal, list[Line]]]:
        return [(g, [self.lines[k.id] for k in g.kpis]) for g in goals()]


def find_report(session: Session, *, actor: Actor, period: Period) -> RoadmapReport | None:
    """The actor's agency's report for the period, if one was saved."""
    stmt = visible(select(RoadmapReport), RoadmapReport, actor).where(
        RoadmapReport.owner_agency_id == actor.agency_id, RoadmapReport.period == period.code
    )
    return session.execute(stmt.options(selectinload(RoadmapReport.values))).scalar_one_or_none()


def list_reports(session: Session, *, actor: Actor) -> list[RoadmapReport]:
    """Saved reports the actor may see, newest period first."""
    stmt = visible(select(RoadmapReport), RoadmapReport, actor)
    return list(session.execute(stmt.order_by(RoadmapReport.period.desc())).scalars())


def progress(session: Session, *, actor: Actor, period_code: str) -> Progress:
    """The actor's agency's report for a half-year: stored values, live figures if a draft."""
    period = parse_period(period_code, halves_only=True)
    report = find_report(session, actor=actor, period=period)
    scope = _scope_of(report, actor)
    stored = {v.kpi_id: v for v in (report.values if report else [])}
    status = report.status if report else ReportStatus.draft.value
    result = Progress(
        period=period,
        scope=scope,
        owner=actor.agency_code,
        status=status,
        report=report,
        editable=status == ReportStatus.draft.value and actor.agency_id is not None,
    )
    for goal in goals():
        for item in goal.kpis:
            saved = stored.get(item.id)
            line = Line(item, source=ValueSource.manual.value if item.manual else "formula")
            if saved is not None:
                line.value, line.evidence, line.updated_by = (
                    saved.value, saved.evidence, saved.updated_by
                )  # fmt: skip
            if item.formula and status == ReportStatus.draft.value:
                line.value = shown(FORMULAS[item.formula](session, scope, period))
            result.lines[item.id] = line
    return result


def _scope_of(report: RoadmapReport | None, actor: Actor) -> Scope:
    scope = scope_for(actor)
    if report is not None and report.scope != scope.kind:
        # a saved report keeps the scope it was made with
        if report.scope == "national":
            return Scope("national", report.owner_country)
        return Scope("agency", report.owner_country, actor.agency_id, actor.agency_code)
    return scope


def _own_report(session: Session, *, actor: Actor, period: Period) -> RoadmapReport:
    """The actor's agency's report, made now if none was saved; refused once frozen."""
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency may report progress."))
    report = find_report(session, actor=actor, period=period)
    if report is None:
        report = RoadmapReport(
            period=period.code,
            scope=scope_for(actor).kind,
            owner_agency_id=actor.agency_id,
            owner_country=actor.country,
        )
        session.add(report)
        session.flush()
        session.refresh(report, ["values"])
    require_owner(report, actor)
    if report.status == ReportStatus.frozen.value:
        raise Conflict(_("This report was frozen; its values no longer change."))
    return report


def set_manual_value(
    session: Session,
    *,
    actor: Actor,
    period_code: str,
    kpi_id: str,
    value: str,
    evidence: str,
) -> RoadmapValue:
    """A manual KPI's value and the evidence behind it (owner agency, draft only)."""
    period = parse_period(period_code, halves_only=True)
    item = kpi(kpi_id)
    if not item.manual:
        raise Invalid(
            _("This indicator is computed from the data; it cannot be typed."),
            [{"field": "value", "kpi": kpi_id}],
        )
    value, evidence = value.strip(), evidence.strip()
    errors: list[dict[str, Any]] = []
    if not value or len(value) > MAX_VALUE:
        errors.append({"field": "value", "kpi": kpi_id, "message": _("Give a value.")})
    if not evidence or len(evidence) > MAX_EVIDENCE:
        errors.append(
            {"field": "evidence", "kpi": kpi_id, "message": _("Say what the value rests on.")}
        )
    if errors:
        raise Invalid(_("A manual value needs a value and its evidence."), errors)
    report = _own_report(session, actor=actor, period=period)
    row = next((v for v in report.values if v.kpi_id == kpi_id), None)
    if row is None:
        row = RoadmapValue(report_id=report.uuid, kpi_id=kpi_id, source=ValueSource.manual.value)
        session.add(row)
        report.values.append(row)
    row.value, row.evidence, row.updated_by = value, evidence, actor.username
    session.flush()
    return row


def freeze(session: Session, *, actor: Actor, period_code: str) -> RoadmapReport:
    """Store every figure as it stands and close the report to change."""
    period = parse_period(period_code, halves_only=True)
    report = _own_report(session, actor=actor, period=period)
    scope = _scope_of(report, actor)
    stored = {v.kpi_id: v for v in report.values}
    for goal in goals():
        for item in goal.kpis:
            if item.formula is None:
                continue
            figure = shown(FORMULAS[item.formula](session, scope, period))
            row = stored.get(item.id)
            if row is None:
                row = RoadmapValue(
                    report_id=report.uuid, kpi_id=item.id, source=ValueSource.formula.value
                )
                session.add(row)
            row.value, row.updated_by = figure, actor.username
            row.evidence = f"formula:{item.formula}"  # said in words when shown
    report.status = ReportStatus.frozen.value
    report.frozen_at = utcnow()
    report.frozen_by = actor.username
    session.flush()
    return report
