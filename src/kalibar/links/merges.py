"""Merging entities that are the same, and splitting them again.

A merge is a row (``EntityMerge``), not a rewrite: involvements stay where they are, so a
split gives back exactly what was there, and no seizure of another agency is touched.
The link chart draws the merged entity as its survivor — for a reader who may see both;
for anyone else each stays what it is (a merge never shows a hidden entity's links on a
visible one). Only the agency that owns both entities may merge them, and only the
owner of the merge may split it; both need a reason, and the audit hook writes each.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kalibar.audit.scope import Resolver
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.links.models import EntityMerge, SavedChart
from kalibar.seizures.models import Entity
from kalibar.sharing.visibility import get_editable, visible

REASON_MAX = 2000


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise Invalid(_("Say why."), [{"field": "reason", "message": _("A reason is required.")}])
    if len(reason) > REASON_MAX:
        raise Invalid(_("The reason is too long."), [{"field": "reason"}])
    return reason


def any_active(session: Session) -> bool:
    """Whether any merge is in force (one indexed probe)."""
    stmt = select(EntityMerge.uuid).where(EntityMerge.split_at.is_(None)).limit(1)
    return session.execute(stmt).first() is not None


def active_merges(session: Session, ids: Iterable[uuid.UUID]) -> list[EntityMerge]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    m = EntityMerge
    stmt = select(m).where(
        m.split_at.is_(None), or_(m.merged_id.in_(wanted), m.survivor_id.in_(wanted))
    )
    return list(session.execute(stmt).scalars())


def merge_entities(
    session: Session, *, actor: Actor, survivor_id: uuid.UUID, merged_id: uuid.UUID, reason: str
) -> EntityMerge:
    """Say that ``merged`` is the same as ``survivor`` (both owned by the actor's agency)."""
    text = _reason(reason)
    if survivor_id == merged_id:
        raise Invalid(_("An entity cannot be merged into itself."), [{"field": "merged_id"}])
    lock_for_writing(session)
    survivor = get_editable(session, Entity, survivor_id, actor)
    merged = get_editable(session, Entity, merged_id, actor)
    if survivor.kind != merged.kind:
        raise Invalid(_("Only entities of the same kind can be merged."), [{"field": "merged_id"}])
    for m in active_merges(session, [survivor_id, merged_id]):
        if m.merged_id in (survivor_id, merged_id):
            raise Conflict(
                _("One of these entities is already merged into another: split it first."),
                [{"field": "merged_id", "merge_id": str(m.uuid)}],
            )
        if m.survivor_id == merged_id:
            raise Conflict(
                _("Other entities are merged into this one: split them first."),
                [{"field": "merged_id", "merge_id": str(m.uuid)}],
            )
    row = EntityMerge(
        owner_agency_id=actor.agency_id,
        survivor_id=survivor.uuid,
        merged_id=merged.uuid,
        reason=text,
        merged_by=actor.username,
    )
    session.add(row)
    session.flush()
    return row


def split_merge(session: Session, *, actor: Actor, merge_id: uuid.UUID, reason: str) -> EntityMerge:
    """Undo a merge (the owner agency of the merge), saying why they are not the same."""
    text = _reason(reason)
    lock_for_writing(session)
    row = session.get(EntityMerge, merge_id)
    if row is None or row.split_at is not None:
        raise NotFound("EntityMerge", str(merge_id))
    # the merge is seen through its entities: whoever cannot see both is told it is absent
    survivor = get_editable_or_absent(session, actor, row.survivor_id, merge_id)
    get_editable_or_absent(session, actor, row.merged_id, merge_id)
    if row.owner_agency_id != actor.agency_id or survivor.owner_agency_id != actor.agency_id:
        raise Forbidden(_("Only the agency that owns this object may change it."))
    row.split_at = utcnow()
    row.split_by = actor.username
    row.split_reason = text
    session.flush()
    return row


def get_editable_or_absent(
    session: Session, actor: Actor, entity_id: uuid.UUID, merge_id: uuid.UUID
) -> Entity:
    try:
        return get_editable(session, Entity, entity_id, actor)
    except NotFound:
        raise NotFound("EntityMerge", str(merge_id)) from None


def merges_of(session: Session, *, actor: Actor, entity_id: uuid.UUID,
              visible_ids: set[uuid.UUID]) -> list[EntityMerge]:  # fmt: skip
    """Active merges of an entity that the actor may see (both entities visible)."""
    return [
        m
        for m in active_merges(session, [entity_id])
        if m.survivor_id in visible_ids and m.merged_id in visible_ids
    ]


def aliases(session: Session, visible_ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """merged → survivor for the active merges whose two entities are both visible."""
    return {
        m.merged_id: m.survivor_id
        for m in active_merges(session, visible_ids)
        if m.merged_id in visible_ids and m.survivor_id in visible_ids
    }


def related(session: Session, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The other entity of each active merge that touches ``ids``."""
    out: set[uuid.UUID] = set()
    for m in active_merges(session, ids):
        out.update((m.merged_id, m.survivor_id))
    return out


def audit_scopes() -> dict[str, Resolver]:
    """A merge is as visible in the audit trail as its two entities (both must be)."""

    def merges_seen(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        rows = session.execute(
            select(EntityMerge.uuid, EntityMerge.survivor_id, EntityMerge.merged_id).where(
                EntityMerge.uuid.in_(ids)
            )
        ).all()
        entities = {e for _m, a, b in rows for e in (a, b)}
        if not entities:
            return set()
        stmt = visible(select(Entity.uuid).where(Entity.uuid.in_(entities)), Entity, actor)
        seen = set(session.execute(stmt).scalars())
        return {m for m, a, b in rows if a in seen and b in seen}

    def charts_seen(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """A saved chart's entry copies its body (node ids of its owner's objects, hidden
        ones too): in full to its owner agency's administrators only."""
        if actor.agency_id is None or not ids:
            return set()
        stmt = select(SavedChart.uuid).where(
            SavedChart.uuid.in_(ids), SavedChart.owner_agency_id == actor.agency_id
        )
        return set(session.execute(stmt).scalars())

    return {"EntityMerge": merges_seen, "SavedChart": charts_seen}
