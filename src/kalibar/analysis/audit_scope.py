"""Need-to-know in the audit trail for alerts (``audit.scope``): an alert's entries —
its evidence references, figures and a dismissal's reason — in full only to the agency
the alert was sent to."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.analysis.models import Alert
from kalibar.audit.scope import Resolver
from kalibar.auth.actor import Actor


def _alerts(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = select(Alert.uuid).where(Alert.uuid.in_(ids), Alert.agency_id == actor.agency_id)
    return set(session.execute(stmt).scalars())


def audit_scopes() -> dict[str, Resolver]:
    return {"Alert": _alerts}
