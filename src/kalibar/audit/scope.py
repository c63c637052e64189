"""Need-to-know in the audit trail: which entries a viewer may read in full.

An entry copies every field of the object it is about (an insert lists them all), so
showing the trail unfiltered would show an agency administrator the data of objects its
agency may not see. The rule:

* ``auditor`` — the platform-wide oversight role (an inspectorate, a data-protection
  officer): every entry in full. Nothing else comes with the role.
* ``admin`` — an agency's administrator: an entry in full when the viewer's agency may see
  its object *now* (the one visibility filter, ``sharing.visibility``, for owned objects;
  each slice's own rule for the parts it keeps, registered below), or when the object is
  one administrators keep for the whole platform (users, agencies, partnerships, groups,
  catalogue, procedure templates). An entry about an object without such a rule is in
  full only when the viewer's own agency made it. Every other entry is listed redacted:
  when, who, which agency, what action on which kind of object — not which object, and
  none of its fields — so the sequence stays visibly complete.

Slices register the rule for their parts (:func:`register`); the composition root
installs them (``web.scopes``). An unregistered kind is never shown in full to another
agency's administrator: a new table cannot leak by default.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kalibar.audit.models import AuditEntry
from kalibar.auth.actor import Actor
from kalibar.db.base import SharedObject
from kalibar.sharing.visibility import visible, visible_clause

#: ids among the given (object ids of one kind) whose object the actor may see.
Resolver = Callable[[Session, Actor, list[uuid.UUID]], set[uuid.UUID]]

AUDITOR = "auditor"
#: Kinds administrators keep for the whole platform (and activity without an object).
PLATFORM = frozenset(
    {"User", "ApiToken", "Agency", "Country", "CountryPartnership", "SharingGroup",
     "SharingGroupMember", "CatalogueEntry", "ProcedureTemplate"}
)  # fmt: skip

_resolvers: dict[str, Resolver] = {}


def register(object_type: str, resolver: Resolver) -> None:
    """The visibility rule of one kind of object kept by a slice (idempotent)."""
    _resolvers[object_type] = resolver


def parent_resolver(column: Any, parent: type[SharedObject], key: Any = None) -> Resolver:
    """A part visible with its owned parent: ``column`` is the part's reference to the
    parent's uuid, ``key`` the part's own id (default: its class's ``uuid``)."""
    own = key if key is not None else column.class_.uuid

    def resolve(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        stmt = select(own).where(own.in_(ids), visible_exists(parent, column, actor))
        return set(session.execute(stmt).scalars())

    return resolve


def visible_exists(model: type[SharedObject], key: Any, actor: Actor) -> Any:
    """SQL: the ``model`` row whose uuid is ``key`` (a column of the outer query) is one
    the actor may see (tombstoned too: history). Correlated, so it costs a key look-up
    per row, whatever the size of the table."""
    m: Any = model
    return exists().where(m.uuid == key, visible_clause(model, actor))


def _shared_models() -> dict[str, type[SharedObject]]:
    found: dict[str, type[SharedObject]] = {}
    todo = list(SharedObject.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None:
            found[cls.__name__] = cls
    return found


def _shared_resolver(model: type[SharedObject]) -> Resolver:
    def resolve(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        m: Any = model
        stmt = visible(select(m.uuid).where(m.uuid.in_(ids)), model, actor, include_deleted=True)
        return set(session.execute(stmt).scalars())

    return resolve


def _ids(values: Iterable[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue
    return out


def full_view(session: Session, actor: Actor, entries: Sequence[AuditEntry]) -> set[int]:
    """Sequence numbers of ``entries`` the actor may read in full (see the module doc)."""
    if actor.has_role(AUDITOR):
        return {e.seq for e in entries}
    shared = _shared_models()
    by_type: dict[str, list[AuditEntry]] = {}
    for e in entries:
        by_type.setdefault(e.object_type, []).append(e)
    allowed: set[int] = set()
    for kind, group in by_type.items():
        resolver = _resolvers.get(kind) or (
            _shared_resolver(shared[kind]) if kind in shared else None
        )
        if kind in PLATFORM and kind not in _resolvers:  # a slice's rule may narrow it
            allowed.update(e.seq for e in group)
        elif resolver is None:
            allowed.update(e.seq for e in group if e.agency and e.agency == actor.agency_code)
        elif actor.agency_id is not None:
            ids = _ids({e.object_id for e in group})
            seen = {str(i) for i in resolver(session, actor, ids)} if ids else set()
            allowed.update(e.seq for e in group if e.object_id in seen)
    return allowed
