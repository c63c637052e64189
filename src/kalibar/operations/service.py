"""Operations and their members.

An operation is owned by its lead agency and distributed to a sharing group of its own
(``purpose = "operation"``) whose agencies are exactly the current members: adding a member
adds it to the group, removing or leaving takes it out, so the visibility filter — and
nothing else — decides who reads the workspace and what was shared to it. Member changes
are rows changed through the ORM, so the audit hook records each in the same transaction.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.operations.access import (
    current_members,
    get_operation,
    membership,
    require_lead,
    require_open,
)
from kalibar.operations.models import MemberRole, Operation, OperationMember, OperationStatus
from kalibar.records.references import next_references
from kalibar.sharing import manage
from kalibar.sharing.models import SharingGroup
from kalibar.sharing.service import set_distribution
from kalibar.sharing.visibility import visible

GROUP_PURPOSE = "operation"


def list_operations(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> list[Operation]:
    stmt = visible(select(Operation), Operation, actor)
    if status:
        stmt = stmt.where(Operation.status == status)
    stmt = stmt.order_by(Operation.created_at.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def _agency(session: Session, code: str) -> Agency:
    found = session.execute(
        select(Agency).where(Agency.code == (code or "").strip().upper())
    ).scalar_one_or_none()
    if found is None or not found.active:
        raise Invalid(_("Unknown agency code."), [{"field": "agency", "value": code}])
    return found


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The end date is before the start date."), [{"field": "ends_on"}])


def create_operation(
    session: Session,
    *,
    actor: Actor,
    name: str,
    purpose: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    members: list[tuple[str, str]] | None = None,
) -> Operation:
    """Open a workspace led by the actor's agency; ``members`` are (agency code, role)."""
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency may open an operation."))
    name = (name or "").strip()
    if not name:
        raise Invalid(_("An operation needs a name."), [{"field": "name"}])
    _check_dates(starts_on, ends_on)
    prefix = actor.agency_code.split("-", 1)[-1] + "-OP"
    reference = next_references(session, prefix, 1)[0]
    # The group is named by the reference only: group names are platform data (lists, the
    # audit trail), an operation's name and purpose are for its members.
    group = manage.create_managed_group(
        session,
        name=reference,
        purpose=GROUP_PURPOSE,
        owner_agency_id=actor.agency_id,
    )
    op = Operation(
        reference=reference,
        name=name,
        purpose=purpose.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        group_id=group.id,
        owner_agency_id=actor.agency_id,
        owner_country=actor.country,
        status=OperationStatus.active.value,
        created_by=actor.username,
    )
    session.add(op)
    set_distribution(session, obj=op, distribution=Distribution.group.value, group_ids=[group.id])
    session.add(
        OperationMember(
            operation_id=op.uuid,
            agency_id=actor.agency_id,
            role=MemberRole.lead.value,
            added_by=actor.username,
        )
    )
    session.flush()
    for code, role in members or []:
        _add(session, op, actor, _agency(session, code), role)
    _sync_group(session, op)
    return op


def update_operation(
    session: Session,
    *,
    actor: Actor,
    operation_id: UUID,
    name: str | None = None,
    purpose: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Operation:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    if name is not None:
        if not name.strip():
            raise Invalid(_("An operation needs a name."), [{"field": "name"}])
        op.name = name.strip()
    if purpose is not None:
        op.purpose = purpose.strip()
    if starts_on is not None:
        op.starts_on = starts_on
    if ends_on is not None:
        op.ends_on = ends_on
    _check_dates(op.starts_on, op.ends_on)
    session.flush()
    return op


def write_summary(session: Session, *, actor: Actor, operation_id: UUID, text: str) -> Operation:
    """The lead's after-action summary (results, lessons learned); kept after closing."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    op.summary = text.strip()
    session.flush()
    return op


def close_operation(session: Session, *, actor: Actor, operation_id: UUID) -> Operation:
    """Close the workspace: members keep reading it (the after-action summary), nothing new
    is linked, logged or assigned."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    require_open(op)
    op.status = OperationStatus.closed.value
    op.closed_at = utcnow()
    session.flush()
    return op


# ------------------------------------------------------------------ members


def _role(role: str) -> MemberRole:
    try:
        value = MemberRole(role)
    except ValueError as exc:
        raise Invalid(_("Unknown role."), [{"field": "role", "value": role}]) from exc
    if value is MemberRole.lead:
        raise Invalid(_("An operation has one lead: its owner agency."), [{"field": "role"}])
    return value


def _add(
    session: Session, op: Operation, actor: Actor, agency: Agency, role: str
) -> OperationMember:
    if any(m.agency_id == agency.id for m in current_members(session, op.uuid)):
        raise Conflict(_("This agency is a member already."), [{"field": "agency"}])
    member = OperationMember(
        operation_id=op.uuid, agency_id=agency.id, role=_role(role).value, added_by=actor.username
    )
    session.add(member)
    session.flush()
    return member


def _sync_group(session: Session, op: Operation) -> None:
    """The group's agencies become exactly the current members (audited row changes)."""
    group = session.get(SharingGroup, op.group_id)
    if group is None:  # pragma: no cover - the foreign key keeps it
        raise NotFound("SharingGroup", str(op.group_id))
    agencies = {m.agency_id for m in current_members(session, op.uuid)}
    manage.set_managed_agencies(session, group=group, agency_ids=agencies)


def add_member(
    session: Session, *, actor: Actor, operation_id: UUID, agency: str, role: str = "member"
) -> OperationMember:
    """The lead adds an agency (of any country: neighbours too)."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    require_open(op)
    member = _add(session, op, actor, _agency(session, agency), role)
    _sync_group(session, op)
    return member


def set_role(
    session: Session, *, actor: Actor, operation_id: UUID, agency: str, role: str
) -> OperationMember:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    target = _agency(session, agency)
    for m in current_members(session, op.uuid):
        if m.agency_id == target.id:
            if m.role == MemberRole.lead.value:
                raise Invalid(_("The lead agency's role cannot change."), [{"field": "role"}])
            m.role = _role(role).value
            session.flush()
            return m
    raise NotFound("OperationMember", agency)


def _end(session: Session, op: Operation, member: OperationMember) -> None:
    if member.role == MemberRole.lead.value:
        raise Invalid(
            _("The lead agency cannot leave its operation; close it instead."),
            [{"field": "agency"}],
        )
    member.left_at = utcnow()
    session.flush()
    _sync_group(session, op)


def remove_member(session: Session, *, actor: Actor, operation_id: UUID, agency: str) -> None:
    """The lead takes an agency out: its access ends at its next request."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_lead(op, actor)
    target = _agency(session, agency)
    for m in current_members(session, op.uuid):
        if m.agency_id == target.id:
            _end(session, op, m)
            return
    raise NotFound("OperationMember", agency)


def leave(session: Session, *, actor: Actor, operation_id: UUID) -> None:
    """The actor's agency leaves: the workspace, and whatever was shared to it only
    through its group, are no longer visible to its people."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    member = membership(session, op, actor)
    if member is None:
        raise Forbidden(_("Your agency is not a member of this operation."))
    _end(session, op, member)
