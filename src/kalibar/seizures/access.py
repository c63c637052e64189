"""Reading a part of a seizure (item, step, evidence file, involvement, hand-over) through
the seizure's visibility: the part of a hidden seizure is as absent as a missing one."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import NotFound
from kalibar.seizures.models import (
    EvidenceFile,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.sharing.visibility import get_visible

Part = TypeVar("Part", SeizedItem, ProcedureStep, EvidenceFile, Involvement, Handover)


def visible_part(
    session: Session, actor: Actor, model: type[Part], part_id: UUID
) -> tuple[Part, Seizure]:
    """The part and its seizure, or ``NotFound`` naming the part (removed parts included)."""
    part = session.get(model, part_id)
    if part is None or getattr(part, "deleted_at", None) is not None:
        raise NotFound(model.__name__, str(part_id))
    try:
        seizure = get_visible(session, Seizure, part.seizure_id, actor)
    except NotFound:
        raise NotFound(model.__name__, str(part_id)) from None
    return part, seizure
