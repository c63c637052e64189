"""Need-to-know in the audit trail for what this slice keeps (``audit.scope``): a hit or a
link between two records in full only to an agency that may see both records (the stored
explanation spells the serials); a notification to the agency it was sent to."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.scope import Resolver, visible_exists
from kalibar.auth.actor import Actor
from kalibar.matching.models import Hit, Notification, RecordLink
from kalibar.records.models import FirearmRecord


def _seen(column: Any, actor: Actor) -> Any:
    return visible_exists(FirearmRecord, column, actor)


def _hits(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = select(Hit.uuid).where(
        Hit.uuid.in_(ids), _seen(Hit.query_record_id, actor), _seen(Hit.matched_record_id, actor)
    )
    return set(session.execute(stmt).scalars())


def _links(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = select(RecordLink.uuid).where(
        RecordLink.uuid.in_(ids),
        _seen(RecordLink.record_a, actor),
        _seen(RecordLink.record_b, actor),
    )
    return set(session.execute(stmt).scalars())


def _notifications(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = select(Notification.uuid).where(
        Notification.uuid.in_(ids), Notification.agency_id == actor.agency_id
    )
    return set(session.execute(stmt).scalars())


def audit_scopes() -> dict[str, Resolver]:
    return {"Hit": _hits, "RecordLink": _links, "Notification": _notifications}
