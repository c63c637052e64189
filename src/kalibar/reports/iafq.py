"""UNODC's Illicit Arms Flows Questionnaire (IAFQ) for one year, computed from the data.

Every table is one grouped query over the rows the report's :class:`~.scope.Scope` counts
(a focal point's country, or the reader's agency), so a figure is a count and never
detail; :mod:`kalibar.reports.drill` lists the rows behind any cell through the
visibility filter.

- **Arms** (``arms``): firearm records with status seized, found or surrendered whose event
  date is in the year, by status and by weapon type, make, calibre, country of manufacture
  (as stamped) and context (the context of the seizure the weapon was recorded in; ``none``
  for a weapon recorded outside a seizure). Make and calibre are the catalogue's when it
  recognised them, else as written (trimmed).
- **Parts and components** (``parts``): seized lines of kind ``part`` by part kind, of
  seizures in the year: lines and summed quantity.
- **Ammunition** (``ammunition``): lines of kind ``ammunition`` by calibre and unit.
- **Routes** (``routes``): seizures in the year with an origin, transit or destination,
  by route: seizures and firearm lines.
- **Significant seizures**: seizures with at least :data:`SIGNIFICANT` firearms, rounds or
  parts; listed with their detail only where the reader may see them (the rest counted).
- **Tracing** (``traces_sent``, ``traces_received``): trace requests sent in the year
  (``sent_at``; drafts never count) by the other side's country and result.
- **SDG 16.4.2** with the antiques rule of :mod:`kalibar.indicators.sdg`, from the same
  scan as the arms (a test holds it equal to the indicator's national total).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from kalibar.indicators import sdg
from kalibar.records.models import RECOVERED, FirearmRecord
from kalibar.reports.periods import Period
from kalibar.reports.scope import Scope
from kalibar.seizures.models import ItemKind, SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest, TraceResult, TraceStatus

UNKNOWN = "unknown"
NONE = "none"
STATUSES = ("seized", "found", "surrendered")
#: The arms tables by dimension, in the questionnaire's order.
DIMENSIONS = ("type", "make", "calibre", "made", "context")
#: A seizure is significant from this many firearms, rounds or parts (the questionnaire
#: leaves the threshold to the state; these are the region's usual ones).
SIGNIFICANT = {"firearms": 5, "rounds": 1000, "parts": 10}
RESULTS = ("traced", "partly_traced", "not_traced", "pending")


@dataclass
class ArmsRow:
    key: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QuantityRow:
    """Lines and summed quantity of one kind of part, or of one calibre and unit."""

    key: str
    unit: str = "pieces"
    lines: int = 0
    quantity: float = 0.0


@dataclass
class RouteRow:
    origin: str
    transit: str
    destination: str
    seizures: int = 0
    firearms: int = 0

    @property
    def key(self) -> str:
        return route_key(self.origin, self.transit, self.destination)


@dataclass
class TraceRow:
    country: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULTS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class SignificantFigures:
    seizure_id: Any
    firearms: int
    rounds: float
    parts: float


@dataclass
class Iafq:
    period: Period
    scope: Scope
    arms: dict[str, list[ArmsRow]] = field(default_factory=dict)
    arms_total: ArmsRow = field(default_factory=lambda: ArmsRow("total"))
    parts: list[QuantityRow] = field(default_factory=list)
    ammunition: list[QuantityRow] = field(default_factory=list)
    routes: list[RouteRow] = field(default_factory=list)
    significant: list[SignificantFigures] = field(default_factory=list)
    traces_sent: list[TraceRow] = field(default_factory=list)
    traces_received: list[TraceRow] = field(default_factory=list)
    sdg: sdg.SdgReport | None = None


def route_key(origin: str, transit: str, destination: str) -> str:
    """``origin>transit>destination`` (``-`` for a leg not known), the drill-down key."""
    return ">".join(x or "-" for x in (origin, transit, destination))


def year_period(year: int) -> Period:
    return Period(year)


# ---------------------------------------------------------------- filters shared with drill


def arms_filter(scope: Scope, period: Period) -> list[ColumnElement[bool]]:
    r = FirearmRecord
    return [
        scope.owned(r),
        r.deleted_at.is_(None),
        r.status.in_(sorted(RECOVERED)),
        r.event_date >= period.first_day,
        r.event_date <= period.last_day,
    ]


def with_seizure(stmt: Select[Any]) -> Select[Any]:
    """Outer join from a record to the seizure it was recorded in (for the context)."""
    stmt = stmt.outerjoin(
        SeizedItem,
        and_(SeizedItem.record_id == FirearmRecord.uuid, SeizedItem.deleted_at.is_(None)),
    )
    return stmt.outerjoin(
        Seizure, and_(Seizure.uuid == SeizedItem.seizure_id, Seizure.deleted_at.is_(None))
    )


def seizure_filter(scope: Scope, period: Period) -> list[ColumnElement[bool]]:
    s = Seizure
    return [
        scope.owned(s),
        s.deleted_at.is_(None),
        s.occurred_at >= period.start,
        s.occurred_at < period.end,
    ]


def item_filter(scope: Scope, period: Period, kind: ItemKind) -> list[ColumnElement[bool]]:
    return [
        *seizure_filter(scope, period),
        SeizedItem.seizure_id == Seizure.uuid,
        SeizedItem.deleted_at.is_(None),
        SeizedItem.kind == kind.value,
    ]


def written_key(code: str | None, written: str | None) -> str:
    """The catalogue's code, else the value as written (trimmed), else ``unknown``."""
    return code or (written or "").strip() or UNKNOWN


def dimension_columns(dimension: str) -> tuple[Any, ...]:
    r = FirearmRecord
    return {
        "type": (r.weapon_type,),
        "make": (r.make_code, r.make),
        "calibre": (r.calibre_code, r.calibre),
        "made": (r.country_of_manufacture,),
        "context": (Seizure.context,),
    }[dimension]


def dimension_key(dimension: str, values: tuple[Any, ...]) -> str:
    if dimension in ("make", "calibre"):
        return written_key(values[0], values[1])
    if dimension == "context":
        return values[0] or NONE
    return values[0] or UNKNOWN


def dimension_match(dimension: str, key: str) -> ColumnElement[bool]:
    """The condition that puts a record in the cell ``key`` of ``dimension``."""
    if dimension in ("make", "calibre"):
        code, written = dimension_columns(dimension)
        if key == UNKNOWN:
            return and_(code.is_(None), func.trim(written) == "")
        return or_(code == key, and_(code.is_(None), func.trim(written) == key))
    if dimension == "context":
        return Seizure.context.is_(None) if key == NONE else Seizure.context == key
    (column,) = dimension_columns(dimension)
    if key == UNKNOWN:
        return or_(column.is_(None), column == "") if dimension == "type" else column.is_(None)
    return column == key


# ---------------------------------------------------------------- the tables


def _arms(session: Session, report: Iafq) -> None:
    """Every arms table and the SDG 16.4.2 figures from one grouped scan of the year.

    Plain columns in GROUP BY (PostgreSQL cannot match parameterised expressions); the
    antiques flag compares with a literal for the same reason."""
    r = FirearmRecord
    antique = case((r.year_of_manufacture < literal_column(str(sdg.ANTIQUE_BEFORE)), 1), else_=0)
    dims = [dimension_columns(d) for d in DIMENSIONS]
    cols = (r.status, *(c for group in dims for c in group), antique, r.origin_established)
    stmt: Select[Any] = select(*cols, func.count()).select_from(r)
    stmt = with_seizure(stmt).where(*arms_filter(report.scope, report.period)).group_by(*cols)
    tables: dict[str, dict[str, ArmsRow]] = {d: {} for d in DIMENSIONS}
    counted = sdg.SdgReport(
        query=sdg.SdgQuery(report.period.first_day, report.period.last_day),
        viewer=report.scope.label,
    )
    for status, *values, is_antique, established, n in session.execute(stmt):
        count = int(n)
        at = 0
        for dimension, group in zip(DIMENSIONS, dims, strict=True):
            key = dimension_key(dimension, tuple(values[at : at + len(group)]))
            at += len(group)
            tables[dimension].setdefault(key, ArmsRow(key)).counts[status] += count
        report.arms_total.counts[status] += count
        if is_antique:
            counted.excluded_antiques += count
        else:
            counted.denominator += count
            counted.numerator += count if established else 0
    for dimension, rows in tables.items():
        report.arms[dimension] = sorted(rows.values(), key=lambda x: (-x.total, x.key))
    report.sdg = counted


def _quantities(session: Session, report: Iafq, kind: ItemKind) -> list[QuantityRow]:
    i = SeizedItem
    cols: tuple[Any, ...] = (
        (i.part_kind, i.unit) if kind is ItemKind.part else (i.calibre_code, i.calibre, i.unit)
    )
    stmt = (
        select(*cols, func.count(), func.coalesce(func.sum(i.quantity), 0))
        .select_from(i)
        .join(Seizure, Seizure.uuid == i.seizure_id)
        .where(*item_filter(report.scope, report.period, kind))
        .group_by(*cols)
    )
    rows: dict[tuple[str, str], QuantityRow] = {}
    for *values, lines, quantity in session.execute(stmt):
        if kind is ItemKind.part:
            key, unit = values[0] or UNKNOWN, values[1] or "pieces"
        else:
            key, unit = written_key(values[0], values[1]), values[2] or "pieces"
        row = rows.setdefault((key, unit), QuantityRow(key, unit))
        row.lines += int(lines)
        row.quantity += float(quantity)
    return sorted(rows.values(), key=lambda x: (-x.quantity, x.key, x.unit))


def firearm_lines() -> Any:
    """Per seizure: firearm lines, rounds (ammunition in rounds or pieces), parts."""
    i = SeizedItem
    is_ammo = and_(i.kind == ItemKind.ammunition.value, i.unit.in_(("rounds", "pieces")))
    return (
        func.sum(case((i.kind == ItemKind.firearm.value, 1), else_=0)),
        func.sum(case((is_ammo, i.quantity), else_=0)),
        func.sum(case((i.kind == ItemKind.part.value, i.quantity), else_=0)),
    )


def _routes(session: Session, report: Iafq) -> None:
    s, i = Seizure, SeizedItem
    has_route = or_(
        s.origin_country.is_not(None), s.destination_country.is_not(None), s.transit_countries != ""
    )
    cols = (s.origin_country, s.transit_countries, s.destination_country)
    guns = func.sum(case((i.kind == ItemKind.firearm.value, 1), else_=0))
    stmt = (
        select(*cols, func.count(func.distinct(s.uuid)), func.coalesce(guns, 0))
        .select_from(s)
        .outerjoin(i, and_(i.seizure_id == s.uuid, i.deleted_at.is_(None)))
        .where(*seizure_filter(report.scope, report.period), has_route)
        .group_by(*cols)
    )
    rows: dict[str, RouteRow] = {}
    for origin, transit, destination, n, firearms in session.execute(stmt):
        row = RouteRow(origin or "", transit or "", destination or "")
        row = rows.setdefault(row.key, row)
        row.seizures += int(n)
        row.firearms += int(firearms)
    report.routes = sorted(rows.values(), key=lambda x: (-x.seizures, x.key))


def significant_select(scope: Scope, period: Period) -> Select[Any]:
    """Seizures in the period reaching a threshold, with their figures."""
    i = SeizedItem
    guns, rounds, parts = firearm_lines()
    return (
        select(i.seizure_id, guns, rounds, parts)
        .join(Seizure, Seizure.uuid == i.seizure_id)
        .where(*seizure_filter(scope, period), i.deleted_at.is_(None))
        .group_by(i.seizure_id)
        .having(
            or_(
                guns >= SIGNIFICANT["firearms"],
                rounds >= SIGNIFICANT["rounds"],
                parts >= SIGNIFICANT["parts"],
            )
        )
    )


def _significant(session: Session, report: Iafq) -> None:
    report.significant = [
        SignificantFigures(sid, int(g or 0), float(r or 0), float(p or 0))
        for sid, g, r, p in session.execute(significant_select(report.scope, report.period))
    ]


def trace_filter(scope: Scope, period: Period, direction: str) -> list[ColumnElement[bool]]:
    t = TraceRequest
    if direction == "sent":
        mine = (
            t.requester_country == scope.country
            if scope.kind == "national"
            else t.requester_agency_id == scope.agency_id
        )
    else:
        mine = (
            t.recipient_country == scope.country
            if scope.kind == "national"
            else t.recipient_agency_id == scope.agency_id
        )
    return [
        mine,
        t.status != TraceStatus.draft.value,
        t.sent_at.is_not(None),
        t.sent_at >= period.start,
        t.sent_at < period.end,
    ]


def trace_result(result: str | None) -> str:
    return result if result in {r.value for r in TraceResult} else "pending"


def _traces(session: Session, report: Iafq, direction: str) -> list[TraceRow]:
    t = TraceRequest
    other = t.recipient_country if direction == "sent" else t.requester_country
    stmt = (
        select(other, t.result, func.count())
        .where(*trace_filter(report.scope, report.period, direction))
        .group_by(other, t.result)
    )
    rows: dict[str, TraceRow] = {}
    for country, result, n in session.execute(stmt):
        key = country or UNKNOWN
        rows.setdefault(key, TraceRow(key)).counts[trace_result(result)] += int(n)
    return sorted(rows.values(), key=lambda x: (-x.total, x.country))


def compute(session: Session, *, scope: Scope, year: int) -> Iafq:
    """Every table of the questionnaire for ``year`` (counts only; no row detail)."""
    report = Iafq(period=year_period(year), scope=scope)
    _arms(session, report)
    report.parts = _quantities(session, report, ItemKind.part)
    report.ammunition = _quantities(session, report, ItemKind.ammunition)
    _routes(session, report)
    _significant(session, report)
    report.traces_sent = _traces(session, report, "sent")
    report.traces_received = _traces(session, report, "received")
    return report
