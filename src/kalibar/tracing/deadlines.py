"""Deadlines of trace requests, on a clock tests can move.

The ITI sets no numeric deadline; agencies set their own. Defaults come from
``KALIBAR_TRACE_ACK_DAYS`` (acknowledge), ``KALIBAR_TRACE_ANSWER_DAYS_URGENT`` and
``KALIBAR_TRACE_ANSWER_DAYS_ROUTINE`` (answer), counted from the day a request is sent;
``KALIBAR_TRACE_REMINDER_DAYS`` before a deadline a request shows among the reminders.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.tracing.models import OPEN, TracePriority, TraceRequest, TraceStatus

OPEN_VALUES = frozenset(s.value for s in OPEN)

#: The clock every tracing operation reads when it is not given ``now``. Tests replace it.
clock: Callable[[], datetime] = utcnow


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else clock()


def due_dates(priority: str, sent_at: datetime) -> tuple[datetime, datetime]:
    """(acknowledge by, answer by) for a request sent at ``sent_at``."""
    s = get_settings()
    answer_days = (
        s.trace_answer_days_urgent
        if priority == TracePriority.urgent.value
        else s.trace_answer_days_routine
    )
    return sent_at + timedelta(days=s.trace_ack_days), sent_at + timedelta(days=answer_days)


class DeadlineState(enum.StrEnum):
    ack_overdue = "ack_overdue"
    answer_overdue = "answer_overdue"
    ack_due_soon = "ack_due_soon"
    answer_due_soon = "answer_due_soon"


@dataclass(frozen=True)
class Deadline:
    state: DeadlineState
    due: datetime

    @property
    def overdue(self) -> bool:
        return self.state in (DeadlineState.ack_overdue, DeadlineState.answer_overdue)


def deadline_of(req: TraceRequest, now: datetime | None = None) -> Deadline | None:
    """The deadline that matters now for an open request: overdue, due soon, or none."""
    if req.status not in OPEN_VALUES or req.answer_due is None:
        return None
    at = now_or(now)
    soon = timedelta(days=get_settings().trace_reminder_days)
    waiting_ack = req.status == TraceStatus.sent.value and req.ack_due is not None
    if at > req.answer_due:
        return Deadline(DeadlineState.answer_overdue, req.answer_due)
    if waiting_ack and req.ack_due is not None and at > req.ack_due:
        return Deadline(DeadlineState.ack_overdue, req.ack_due)
    if waiting_ack and req.ack_due is not None and at > req.ack_due - soon:
        return Deadline(DeadlineState.ack_due_soon, req.ack_due)
    if at > req.answer_due - soon:
        return Deadline(DeadlineState.answer_due_soon, req.answer_due)
    return None
