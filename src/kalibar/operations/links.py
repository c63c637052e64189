"""Objects linked to an operation: seizures, records, entities, declarations, traces.

A link is a pointer, never a grant. Linking needs the linker to see the object (the one
visibility filter, or the tracing rule for traces) — an absent and a hidden object get the
same 422. Reading the workspace lists a linked object only to a reader who may see it;
the others are counted ("2 linked objects you may not see") and never named.

A linked object becomes visible to the other members only if its *owner* shares it: the
owner may distribute it to the operation's sharing group (``share``). That only widens:
an object kept to its agency goes to the group, an object already in groups gets the
operation's group too; one shared nationally or with partners is left alone (moving it to
``group`` would take it away from the rest of the country) — its owner widens it on its
own page. Traces are never shared this way: a trace is read by requester and recipient.
When an agency leaves the operation it leaves the group, so what it read only through the
group is hidden again; objects it owns stay its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, SharedObject
from kalibar.errors import Conflict, Invalid, NotFound
from kalibar.i18n import _
from kalibar.operations.access import (
    WORKERS,
    get_operation,
    membership,
    require_open,
    require_role,
)
from kalibar.operations.models import LinkKind, MemberRole, Operation, OperationLink
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Seizure
from kalibar.sharing.service import set_distribution, shared_with_groups
from kalibar.sharing.visibility import require_owner, visible_clause
from kalibar.targeting.models import Declaration
from kalibar.tracing import service as tracing
from kalibar.tracing.models import TraceRequest


def _shared(model: type[SharedObject]) -> Callable[[Actor], ColumnElement[bool]]:
    def clause(actor: Actor) -> ColumnElement[bool]:
        m: Any = model
        return and_(visible_clause(model, actor), m.deleted_at.is_(None))

    return clause


@dataclass(frozen=True)
class Kind:
    """How the workspace finds, checks, names and links one kind of object."""

    model: Any
    visible: Callable[[Actor], ColumnElement[bool]]
    #: The column a person types to name one (besides its UUID).
    reference: Any
    url: str | None
    shareable: bool

    def label(self, obj: Any) -> str:
        if isinstance(obj, Entity):
            return f"{obj.reference} · {obj.name}"
        if isinstance(obj, FirearmRecord):
            what = " ".join(x for x in (obj.make, obj.model, obj.serial_number) if x)
            return f"{obj.reference} · {what}" if what else obj.reference
        if isinstance(obj, Seizure):
            return f"{obj.reference} · {obj.place_name}" if obj.place_name else obj.reference
        if isinstance(obj, Declaration):
            return f"{obj.declaration_id} · {obj.office}"
        return str(getattr(obj, "reference", obj.uuid))


KINDS: dict[str, Kind] = {
    LinkKind.seizure: Kind(Seizure, _shared(Seizure), Seizure.reference, "/seizures/{}", True),
    LinkKind.record: Kind(
        FirearmRecord, _shared(FirearmRecord), FirearmRecord.reference, "/records/{}", True
    ),
    LinkKind.entity: Kind(Entity, _shared(Entity), Entity.reference, None, True),
    LinkKind.declaration: Kind(
        Declaration,
        _shared(Declaration),
        Declaration.declaration_id,
        "/targeting/declarations/{}",
        True,
    ),
    LinkKind.trace: Kind(
        TraceRequest, tracing.visible_clause, TraceRequest.reference, "/traces/{}", False
    ),
}


def kind_of(kind: str) -> Kind:
    found = KINDS.get(kind)
    if found is None:
        raise Invalid(_("Unknown kind of object."), [{"field": "kind", "value": kind}])
    return found


def find_visible(session: Session, actor: Actor, kind: str, ident: str) -> Any:
    """The object of ``kind`` named by UUID or reference that the actor may see; absent and
    hidden alike are a 422 naming the field (a link never confirms a hidden object)."""
    k = kind_of(kind)
    text = (ident or "").strip()
    try:
        where = k.model.uuid == UUID(text)
    except ValueError:
        where = k.reference == (text.upper() if kind != LinkKind.declaration else text)
    stmt = select(k.model).where(where, k.visible(actor)).limit(1)
    obj = session.execute(stmt).scalars().first()
    if obj is None:
        raise Invalid(
            _("No object of this kind that you may see has this reference."),
            [{"field": "object", "value": text}],
        )
    return obj


@dataclass(frozen=True)
class LinkView:
    link: OperationLink
    kind: str
    label: str
    url: str | None
    owner_agency_id: int | None
    #: The object's distribution level ("" for a trace): the page offers sharing only
    #: where it would widen (agency, group).
    distribution: str
    shared_with_operation: bool


@dataclass(frozen=True)
class Linked:
    """What one reader sees of the links: the visible ones and how many are hidden."""

    shown: list[LinkView]
    hidden: int


def visible_links(session: Session, *, actor: Actor, op: Operation) -> Linked:
    links = list(
        session.execute(
            select(OperationLink)
            .where(OperationLink.operation_id == op.uuid)
            .order_by(OperationLink.created_at)
        ).scalars()
    )
    shown: list[LinkView] = []
    for kind, k in KINDS.items():
        ids = [link.object_uuid for link in links if link.kind == kind]
        if not ids:
            continue
        objs = {
            o.uuid: o
            for o in session.execute(
                select(k.model).where(k.model.uuid.in_(ids), k.visible(actor))
            ).scalars()
        }
        for link in links:
            obj = objs.get(link.object_uuid) if link.kind == kind else None
            if obj is None:
                continue
            in_group = (
                k.shareable
                and obj.distribution == Distribution.group.value
                and op.group_id in shared_with_groups(session, obj.uuid)
            )
            shown.append(
                LinkView(
                    link=link,
                    kind=kind,
                    label=k.label(obj),
                    url=k.url.format(obj.uuid) if k.url else None,
                    owner_agency_id=getattr(obj, "owner_agency_id", None),
                    distribution=getattr(obj, "distribution", "") if k.shareable else "",
                    shared_with_operation=bool(in_group),
                )
            )
    order = {link.uuid: n for n, link in enumerate(links)}
    shown.sort(key=lambda v: order[v.link.uuid])
    return Linked(shown=shown, hidden=len(links) - len(shown))


def link(
    session: Session,
    *,
    actor: Actor,
    operation_id: UUID,
    kind: str,
    ident: str,
    note: str = "",
    share: bool = False,
) -> OperationLink:
    """Link an object the actor may see (lead and member agencies); with ``share``, the
    owner also distributes it to the operation's group (only widening, see above)."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_role(session, op, actor, *WORKERS)
    require_open(op)
    obj = find_visible(session, actor, kind, ident)
    exists = session.execute(
        select(OperationLink.uuid).where(
            OperationLink.operation_id == op.uuid,
            OperationLink.kind == kind,
            OperationLink.object_uuid == obj.uuid,
        )
    ).first()
    if exists:
        raise Conflict(_("This object is linked already."), [{"field": "object"}])
    row = OperationLink(
        operation_id=op.uuid,
        kind=kind,
        object_uuid=obj.uuid,
        note=note.strip()[:500],
        linked_by=actor.username,
        linked_by_agency_id=actor.agency_id,
    )
    session.add(row)
    session.flush()
    if share:
        _share(session, actor, op, kind, obj)
    return row


def share(session: Session, *, actor: Actor, operation_id: UUID, link_id: UUID) -> OperationLink:
    """The owner distributes a linked object to the operation's group."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_role(session, op, actor, *WORKERS)
    require_open(op)
    row = _visible_link(session, actor, op, link_id)
    obj = find_visible(session, actor, row.kind, str(row.object_uuid))
    _share(session, actor, op, row.kind, obj)
    return row


def _share(session: Session, actor: Actor, op: Operation, kind: str, obj: Any) -> None:
    if not kind_of(kind).shareable:
        raise Invalid(
            _("A trace is read by its requester and recipient only; it cannot be shared."),
            [{"field": "share"}],
        )
    require_owner(obj, actor, _("Only the agency that owns this object may share it."))
    if obj.distribution == Distribution.agency.value:
        groups = [op.group_id]
    elif obj.distribution == Distribution.group.value:
        groups = sorted({*shared_with_groups(session, obj.uuid), op.group_id})
    else:
        raise Invalid(
            _(
                "This object is shared with the whole country or with partners; sharing it "
                "with the operation only would hide it from them. Change who may see it on "
                "its own page."
            ),
            [{"field": "share"}],
        )
    set_distribution(session, obj=obj, distribution=Distribution.group.value, group_ids=groups)


def links_seen(session: Session, actor: Actor, ids: set[UUID]) -> set[UUID]:
    """Of these links, those whose object ``actor`` may see (for the audit trail)."""
    if not ids:
        return set()
    rows = session.execute(
        select(OperationLink.uuid, OperationLink.kind, OperationLink.object_uuid).where(
            OperationLink.uuid.in_(sorted(ids))
        )
    ).all()
    seen: set[UUID] = set()
    for kind, k in KINDS.items():
        wanted: dict[UUID, list[UUID]] = {}
        for link_id, what, obj in rows:
            if what == kind:
                wanted.setdefault(obj, []).append(link_id)
        if not wanted:
            continue
        stmt = select(k.model.uuid).where(k.model.uuid.in_(sorted(wanted)), k.visible(actor))
        for obj in session.execute(stmt).scalars():
            seen.update(wanted[obj])
    return seen


def _visible_link(session: Session, actor: Actor, op: Operation, link_id: UUID) -> OperationLink:
    """A link of this operation whose object the actor may see (else 404, never a hint)."""
    row = session.get(OperationLink, link_id)
    if row is None or row.operation_id != op.uuid:
        raise NotFound("OperationLink", str(link_id))
    k = kind_of(row.kind)
    seen = session.execute(
        select(k.model.uuid).where(k.model.uuid == row.object_uuid, k.visible(actor))
    ).first()
    if seen is None:
        raise NotFound("OperationLink", str(link_id))
    return row


def unlink(session: Session, *, actor: Actor, operation_id: UUID, link_id: UUID) -> None:
    """The lead, or the agency that made the link, removes it (sharing stays the owner's)."""
    op = get_operation(session, actor=actor, operation_id=operation_id)
    require_open(op)
    row = _visible_link(session, actor, op, link_id)
    member = membership(session, op, actor)
    is_lead = member is not None and member.role == MemberRole.lead.value
    if not is_lead and not (member is not None and row.linked_by_agency_id == actor.agency_id):
        require_role(session, op, actor, MemberRole.lead)
    session.delete(row)
    session.flush()
