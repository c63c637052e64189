"""Who may read and do what in an operation.

Reading goes through the one visibility filter: the operation is distributed to its own
sharing group, so its member agencies see it and nobody else does (a hidden operation is
``NotFound``, like an absent one). Acting needs a *current* membership with a role that
allows the action; managing (members, the summary, closing) is the lead agency's, by the
one ownership rule (``require_owner``).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.scope import Resolver, parent_resolver
from kalibar.auth.actor import Actor
from kalibar.errors import Forbidden, Invalid
from kalibar.i18n import _
from kalibar.operations.models import (
    MemberRole,
    Operation,
    OperationLink,
    OperationLogEntry,
    OperationMember,
    OperationStatus,
    OperationTask,
)
from kalibar.sharing.visibility import get_visible, require_owner


def get_operation(session: Session, *, actor: Actor, operation_id: UUID) -> Operation:
    """The operation if the actor may see it, else ``NotFound`` (absent or hidden alike)."""
    return get_visible(session, Operation, operation_id, actor)


def current_members(session: Session, operation_id: UUID) -> list[OperationMember]:
    stmt = (
        select(OperationMember)
        .where(OperationMember.operation_id == operation_id, OperationMember.left_at.is_(None))
        .order_by(OperationMember.created_at)
    )
    return list(session.execute(stmt).scalars())


def membership(session: Session, op: Operation, actor: Actor) -> OperationMember | None:
    """The actor's agency's current membership, if any."""
    if actor.agency_id is None:
        return None
    stmt = select(OperationMember).where(
        OperationMember.operation_id == op.uuid,
        OperationMember.agency_id == actor.agency_id,
        OperationMember.left_at.is_(None),
    )
    return session.execute(stmt).scalars().first()


def require_role(session: Session, op: Operation, actor: Actor, *roles: MemberRole) -> None:
    """A current member whose role is one of ``roles`` (403 otherwise)."""
    member = membership(session, op, actor)
    if member is None or member.role not in {r.value for r in roles}:
        raise Forbidden(_("Your agency's role in this operation does not allow this."))


WORKERS = (MemberRole.lead, MemberRole.member)
EVERYONE = (MemberRole.lead, MemberRole.member, MemberRole.observer)


def require_open(op: Operation) -> None:
    if op.status == OperationStatus.closed.value:
        raise Invalid(_("The operation is closed."), [{"field": "status"}])


def require_lead(op: Operation, actor: Actor) -> None:
    require_owner(op, actor, _("Only the lead agency may do this."))


def audit_scopes() -> dict[str, Resolver]:
    """An operation's parts are as visible in the audit trail as the operation itself; a
    link only where the reader may also see the object it points to (a link is never a
    grant, and its entry names the object and the linker's note)."""
    from kalibar.operations.links import links_seen

    parts = (OperationMember, OperationLogEntry, OperationTask)
    scopes = {m.__name__: parent_resolver(m.operation_id, Operation) for m in parts}
    in_operation = parent_resolver(OperationLink.operation_id, Operation)

    def link_scope(session: Session, actor: Actor, ids: list[UUID]) -> set[UUID]:
        return links_seen(session, actor, in_operation(session, actor, ids))

    scopes[OperationLink.__name__] = link_scope
    return scopes
