"""The rows behind one figure of the questionnaire, as far as the reader may see them.

A cell is named by its table, its key and (for the arms) a dimension and a status. The
cell's rows are selected with the same conditions as the figure (``iafq``'s filters), then
narrowed by the one visibility filter for the reader (``sharing.visibility`` for records
and seizures, ``tracing.service.visible_clause`` for trace requests). The page says how
many rows of the cell were left out, never which. Reading a drill-down names records, so
it is an event in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.records.models import FirearmRecord
from kalibar.reports import iafq
from kalibar.reports.periods import Period
from kalibar.reports.scope import Scope
from kalibar.seizures.models import ItemKind, SeizedItem, Seizure
from kalibar.sharing.visibility import visible_clause
from kalibar.tracing.models import TraceRequest
from kalibar.tracing.service import visible_clause as trace_visible

TABLES = (
    "arms",
    "parts",
    "ammunition",
    "routes",
    "significant",
    "traces_sent",
    "traces_received",
)
LIMIT = 200


@dataclass(frozen=True)
class Cell:
    table: str
    key: str = ""
    dimension: str = "type"
    status: str = ""
    unit: str = ""
    result: str = ""

    def __post_init__(self) -> None:
        if self.table not in TABLES:
            raise Invalid(_("Unknown table of the questionnaire."), [{"field": "table"}])
        if self.table == "arms" and self.dimension not in iafq.DIMENSIONS:
            raise Invalid(_("Unknown breakdown of the arms table."), [{"field": "dimension"}])
        if self.status and self.status not in iafq.STATUSES:
            raise Invalid(_("Unknown status."), [{"field": "status"}])
        if self.result and self.result not in iafq.RESULTS:
            raise Invalid(_("Unknown result."), [{"field": "result"}])


@dataclass
class Drill:
    cell: Cell
    kind: str  # record, item, seizure, trace
    total: int
    rows: list[Any] = field(default_factory=list)
    visible: int = 0

    @property
    def hidden(self) -> int:
        return self.total - self.visible

    @property
    def more(self) -> int:
        """Visible rows beyond the page."""
        return max(self.visible - len(self.rows), 0)


def _cell_select(cell: Cell, scope: Scope, period: Period) -> tuple[str, Select[Any], Any]:
    """(kind, select of the cell's objects, the model whose visibility decides)."""
    if cell.table == "arms":
        r = FirearmRecord
        stmt: Select[Any] = select(r)
        if cell.dimension == "context":
            stmt = iafq.with_seizure(stmt)
        stmt = stmt.where(*iafq.arms_filter(scope, period))
        if cell.key:
            stmt = stmt.where(iafq.dimension_match(cell.dimension, cell.key))
        if cell.status:
            stmt = stmt.where(r.status == cell.status)
        return "record", stmt.order_by(r.event_date, r.reference), r
    if cell.table in ("parts", "ammunition"):
        kind = ItemKind.part if cell.table == "parts" else ItemKind.ammunition
        i = SeizedItem
        pair: Select[Any] = select(i, Seizure)  # type: ignore[assignment]
        stmt = pair.join(Seizure, Seizure.uuid == i.seizure_id)
        stmt = stmt.where(*iafq.item_filter(scope, period, kind))
        if cell.key:
            stmt = stmt.where(_quantity_match(kind, cell.key))
        if cell.unit:
            stmt = stmt.where(i.unit == cell.unit)
        return "item", stmt.order_by(Seizure.occurred_at, i.position), Seizure
    if cell.table in ("routes", "significant"):
        s = Seizure
        stmt = select(s).where(*iafq.seizure_filter(scope, period))
        if cell.table == "significant":
            ids = iafq.significant_select(scope, period).with_only_columns(SeizedItem.seizure_id)
            stmt = stmt.where(s.uuid.in_(ids.scalar_subquery()))
        elif cell.key:
            stmt = stmt.where(_route_match(cell.key))
        return "seizure", stmt.order_by(s.occurred_at, s.reference), s
    direction = "sent" if cell.table == "traces_sent" else "received"
    t = TraceRequest
    stmt = select(t).where(*iafq.trace_filter(scope, period, direction))
    if cell.key:
        other = t.recipient_country if direction == "sent" else t.requester_country
        stmt = stmt.where(other == cell.key)
    if cell.result == "pending":
        stmt = stmt.where(t.result.is_(None) | t.result.not_in(iafq.RESULTS[:-1]))
    elif cell.result:
        stmt = stmt.where(t.result == cell.result)
    return "trace", stmt.order_by(t.sent_at, t.reference), t


def _quantity_match(kind: ItemKind, key: str) -> ColumnElement[bool]:
    i = SeizedItem
    if kind is ItemKind.part:
        return i.part_kind == ("" if key == iafq.UNKNOWN else key)
    if key == iafq.UNKNOWN:
        return (i.calibre_code.is_(None)) & (func.trim(i.calibre) == "")
    return (i.calibre_code == key) | (i.calibre_code.is_(None) & (func.trim(i.calibre) == key))


def _route_match(key: str) -> ColumnElement[bool]:
    parts = key.split(">")
    if len(parts) != 3:
        raise Invalid(_("Unknown route."), [{"field": "key"}])
    origin, transit, destination = ("" if p == "-" else p for p in parts)
    s = Seizure
    return (
        (s.origin_country == origin if origin else s.origin_country.is_(None))
        & (s.transit_countries == transit)
        & (s.destination_country == destination if destination else s.destination_country.is_(None))
    )


def _reader_clause(model: Any, reader: Actor) -> ColumnElement[bool]:
    if model is TraceRequest:
        return trace_visible(reader)
    return visible_clause(model, reader)


def _counts(session: Session, stmt: Select[Any], mine: ColumnElement[bool]) -> tuple[int, int]:
    """The cell's rows, and those the reader may see, in one scan."""
    flag = case((mine, 1), else_=0).label("mine")
    sub = stmt.add_columns(flag).order_by(None).subquery()
    total, shown = session.execute(select(func.count(), func.sum(sub.c.mine))).one()
    return int(total or 0), int(shown or 0)


def drill(
    session: Session,
    *,
    reader: Actor,
    scope: Scope,
    period: Period,
    cell: Cell,
    limit: int = LIMIT,
) -> Drill:
    """The cell's rows the reader may see (a page of them), and how many it may not."""
    kind, stmt, model = _cell_select(cell, scope, period)
    mine = _reader_clause(model, reader)
    total, shown = _counts(session, stmt, mine)
    result = session.execute(stmt.where(mine).limit(limit))
    rows = list(result.all() if kind == "item" else result.scalars().all())
    log_event(
        session,
        actor=reader,
        action="read",
        object_type="IAFQ",
        object_id=f"{period.code}/{cell.table}",
        details={"scope": scope.label, "key": cell.key, "dimension": cell.dimension,
                 "status": cell.status, "rows": len(rows), "hidden": total - shown},
    )  # fmt: skip
    return Drill(cell=cell, kind=kind, total=total, rows=rows, visible=shown)


@dataclass
class SignificantRow:
    seizure: Seizure
    figures: iafq.SignificantFigures


def significant_rows(
    session: Session, *, reader: Actor, report: iafq.Iafq, limit: int | None = None
) -> tuple[list[SignificantRow], int]:
    """The significant seizures the reader may see (the first ``limit`` of them), with their
    figures, and how many of them it may not see (counted, never listed). The seizures are
    selected by the questionnaire's own aggregate as a subquery: no list of ids is sent."""
    figures = {f.seizure_id: f for f in report.significant}
    if not figures:
        return [], 0
    ids = iafq.significant_select(report.scope, report.period).with_only_columns(
        SeizedItem.seizure_id
    )
    stmt = select(Seizure).where(
        Seizure.uuid.in_(ids.scalar_subquery()), visible_clause(Seizure, reader)
    )
    shown = int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar() or 0)
    stmt = stmt.order_by(Seizure.occurred_at, Seizure.reference)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [
        SignificantRow(z, figures[z.uuid])
        for z in session.execute(stmt).scalars()
        if z.uuid in figures
    ]
    return rows, len(figures) - shown
