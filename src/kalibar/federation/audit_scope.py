"""Need-to-know in the audit trail for what this slice keeps (``audit.scope``).

The instance's identity, its public keys, the peers, their keys and the agreements are
platform objects, like agencies and partnerships: administrators keep them for the whole
instance (any administrator manages federation), they hold no agency's data (public keys
and settings only), and the first of them are written by the system at ``db upgrade``,
with no agency. So every administrator reads their entries in full, as the platform kinds
of ``audit.scope``; without this rule they would be listed redacted with no agency.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from kalibar.audit.scope import Resolver
from kalibar.auth.actor import Actor
from kalibar.federation.models import Agreement, Instance, OwnKey, Peer, PeerKey


def _platform(_session: Session, _actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(ids)


def audit_scopes() -> dict[str, Resolver]:
    """Every federation kind is platform data (see the module doc)."""
    return {model.__name__: _platform for model in (Instance, OwnKey, Peer, PeerKey, Agreement)}
