"""Reading a part of a seizure (item, step, evidence file, involvement, hand-over) through
the seizure's visibility: the part of a hidden seizure is as absent as a missing one (the
404 names the part, never its seizure). Changing a part needs the seizure's ownership —
the one rule, ``sharing.visibility.require_owner``."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.audit.scope import Resolver, parent_resolver
from kalibar.auth.actor import Actor
from kalibar.errors import NotFound
from kalibar.seizures.models import (
    CustodyEvent,
    EvidenceFile,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.sharing.visibility import get_visible, require_owner

Part = TypeVar("Part", SeizedItem, ProcedureStep, EvidenceFile, Involvement, Handover)


def visible_part(
    session: Session,
    actor: Actor,
    model: type[Part],
    part_id: UUID,
    *,
    include_removed: bool = False,
) -> tuple[Part, Seizure]:
    """The part and its seizure, or ``NotFound`` naming the part (removed parts too, unless
    ``include_removed``: history such as a removed item's chain of custody)."""
    part = session.get(model, part_id)
    if part is None or (not include_removed and getattr(part, "deleted_at", None) is not None):
        raise NotFound(model.__name__, str(part_id))
    try:
        seizure = get_visible(session, Seizure, part.seizure_id, actor)
    except NotFound:
        raise NotFound(model.__name__, str(part_id)) from None
    return part, seizure


def editable_part(
    session: Session, actor: Actor, model: type[Part], part_id: UUID, message: str | None = None
) -> tuple[Part, Seizure]:
    """The part and its seizure for a change: hidden → ``NotFound``, visible but the
    seizure owned by another agency → ``Forbidden`` (whatever the actor's roles)."""
    part, seizure = visible_part(session, actor, model, part_id)
    require_owner(seizure, actor, message)
    return part, seizure


def audit_scopes() -> dict[str, Resolver]:
    """The parts of a seizure are as visible in the audit trail as the seizure itself."""
    parts = (SeizedItem, ProcedureStep, CustodyEvent, EvidenceFile, Involvement, Handover)
    return {m.__name__: parent_resolver(m.seizure_id, Seizure) for m in parts}
