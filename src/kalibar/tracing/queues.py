"""Outgoing and incoming queues, overdue lists and reminders of trace requests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.tracing import deadlines
from kalibar.tracing.models import OPEN, TraceRequest, TraceStatus
from kalibar.tracing.service import is_recipient, visible_clause


@dataclass
class TraceFilter:
    queue: str | None = None  # outgoing | incoming | None (both)
    status: str | None = None
    record_id: uuid.UUID | None = None
    overdue: bool = False


def list_traces(
    session: Session,
    *,
    actor: Actor,
    filters: TraceFilter,
    limit: int = 100,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[TraceRequest], int]:
    t = TraceRequest
    stmt = select(t).where(visible_clause(actor))
    if filters.queue == "outgoing":
        stmt = stmt.where(t.requester_agency_id == actor.agency_id)
    elif filters.queue == "incoming":
        stmt = stmt.where(t.recipient_agency_id == actor.agency_id)
    elif filters.queue:
        raise Invalid(_("Unknown queue."), [{"field": "queue", "value": filters.queue}])
    if filters.status:
        stmt = stmt.where(t.status == filters.status)
    if filters.record_id:
        stmt = stmt.where(t.record_id == filters.record_id)
    if filters.overdue:
        at = deadlines.now_or(now)
        stmt = stmt.where(
            or_(
                and_(t.status == TraceStatus.sent.value, t.ack_due < at),
                and_(t.status.in_([s.value for s in OPEN]), t.answer_due < at),
            )
        )
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(
        stmt.order_by(t.created_at.desc(), t.uuid.desc()).limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)


@dataclass
class Reminders:
    """What needs attention: requests I owe an answer to, and requests I wait for."""

    incoming: list[TraceRequest]
    outgoing: list[TraceRequest]
    at: datetime

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.incoming + self.outgoing if self.is_overdue(t))

    def is_overdue(self, t: TraceRequest) -> bool:
        d = deadlines.deadline_of(t, self.at)
        return bool(d and d.overdue)


def reminders(session: Session, *, actor: Actor, now: datetime | None = None) -> Reminders:
    """Open requests of the actor's agency past or near a deadline, most urgent first."""
    at = deadlines.now_or(now)
    if actor.agency_id is None:
        return Reminders([], [], at)
    t = TraceRequest
    stmt = select(t).where(visible_clause(actor), t.status.in_([s.value for s in OPEN]))
    due: dict[str, list[tuple[datetime, TraceRequest]]] = {"incoming": [], "outgoing": []}
    for req in session.execute(stmt).scalars():
        d = deadlines.deadline_of(req, at)
        if d is None:
            continue
        side = "incoming" if is_recipient(req, actor) else "outgoing"
        due[side].append((d.due, req))
    return Reminders(
        incoming=[r for _d, r in sorted(due["incoming"], key=lambda x: x[0])],
        outgoing=[r for _d, r in sorted(due["outgoing"], key=lambda x: x[0])],
        at=at,
    )
