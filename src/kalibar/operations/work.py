"""The shared log and the tasks of an operation.

Every current member writes in the log (observers too: they report what they saw); lead
and member agencies create tasks, whose owner is a user of a current member agency, with a
due date. A task is closed by its owner or by the lead. Each is an audited row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.auth.models import User
from kalibar.clock import local
from kalibar.db.base import utcnow
from kalibar.errors import Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.operations.access import (
    EVERYONE,
    WORKERS,
    current_members,
    get_operation,
    membership,
    require_open,
    require_role,
)
from kalibar.operations.models import (
    MemberRole,
    Operation,
    OperationLogEntry,
    OperationStatus,
    OperationTask,
    TaskStatus,
)
from kalibar.sharing.visibility import visible

MAX_LOG = 5000


def log_entries(
    session: Session, *, actor: Actor, operation_id: UUID, limit: int = 500
) -> list[OperationLogEntry]:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    stmt = (
        select(OperationLogEntry)
        .where(OperationLogEntry.operation_id == op.uuid)
        .order_by(OperationLogEntry.created_at.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def post(session: Session, *, actor: Actor, operation_id: UUID, body: str) -> OperationLogEntry:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_role(session, op, actor, *EVERYONE)
    require_open(op)
    text = (body or "").strip()
    if not text:
        raise Invalid(_("Write something in the log entry."), [{"field": "body"}])
    if len(text) > MAX_LOG:
        raise Invalid(_("The log entry is too long."), [{"field": "body"}])
    entry = OperationLogEntry(
        operation_id=op.uuid, author=actor.username, author_agency_id=actor.agency_id, body=text
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class TaskView:
    task: OperationTask
    owner: str
    overdue: bool


def tasks(session: Session, *, actor: Actor, operation_id: UUID) -> list[TaskView]:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    stmt = (
        select(OperationTask, User.username)
        .outerjoin(User, User.id == OperationTask.owner_user_id)
        .where(OperationTask.operation_id == op.uuid)
        .order_by(OperationTask.status.desc(), OperationTask.due_on, OperationTask.created_at)
    )
    now = local(utcnow()).date()
    return [
        TaskView(
            task=t,
            owner=username or "",
            overdue=t.status == TaskStatus.open.value and t.due_on is not None and t.due_on < now,
        )
        for t, username in session.execute(stmt)
    ]


def my_open_tasks(
    session: Session, *, actor: Actor, limit: int = 10
) -> list[tuple[OperationTask, Operation]]:
    """The actor's open tasks in operations it may still see (the dashboard's reminders);
    a task of an operation its agency left is gone with the operation."""
    if actor.user_id is None:
        return []
    stmt = visible(
        select(OperationTask, Operation).join(
            Operation, Operation.uuid == OperationTask.operation_id
        ),
        Operation,
        actor,
    ).where(
        OperationTask.owner_user_id == actor.user_id,
        OperationTask.status == TaskStatus.open.value,
        Operation.status != OperationStatus.closed.value,
    )
    stmt = stmt.order_by(OperationTask.due_on.is_(None), OperationTask.due_on).limit(limit)
    return [(t, op) for t, op in session.execute(stmt)]


def assignable_users(session: Session, operation_id: UUID) -> list[User]:
    """Active users of the current member agencies (who a task may be given to)."""
    agencies = [m.agency_id for m in current_members(session, operation_id)]
    stmt = (
        select(User)
        .where(User.agency_id.in_(agencies), User.active.is_(True))
        .order_by(User.username)
    )
    return list(session.execute(stmt).scalars())


def add_task(
    session: Session,
    *,
    actor: Actor,
    operation_id: UUID,
    title: str,
    owner: str | None = None,
    due_on: date | None = None,
) -> OperationTask:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_role(session, op, actor, *WORKERS)
    require_open(op)
    title = (title or "").strip()
    if not title:
        raise Invalid(_("A task needs a title."), [{"field": "title"}])
    owner_id: int | None = None
    if owner:
        users = {u.username: u for u in assignable_users(session, op.uuid)}
        found = users.get(owner.strip())
        if found is None:
            raise Invalid(
                _("The task's owner must be a user of a member agency."),
                [{"field": "owner", "value": owner}],
            )
        owner_id = found.id
    task = OperationTask(
        operation_id=op.uuid,
        title=title[:300],
        owner_user_id=owner_id,
        due_on=due_on,
        created_by=actor.username,
    )
    session.add(task)
    session.flush()
    return task


def set_task_status(
    session: Session, *, actor: Actor, operation_id: UUID, task_id: UUID, status: str
) -> OperationTask:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_open(op)
    task = session.get(OperationTask, task_id)
    if task is None or task.operation_id != op.uuid:
        raise NotFound("OperationTask", str(task_id))
    try:
        value = TaskStatus(status)
    except ValueError as exc:
        raise Invalid(_("Unknown task status."), [{"field": "status", "value": status}]) from exc
    member = membership(session, op, actor)
    is_lead = member is not None and member.role == MemberRole.lead.value
    is_owner = member is not None and task.owner_user_id == actor.user_id
    if not (is_lead or is_owner):
        raise Forbidden(_("Only the task's owner or the lead agency may change it."))
    task.status = value.value
    task.done_at = utcnow() if value is TaskStatus.done else None
    session.flush()
    return task
