"""What a lower slice reads from a higher one, handed down by the composition root.

Imports run one way (docs/architecture.md, "Floors and the import rule"); where a slice
needs something a slice above it keeps, it declares what it needs and the composition
root fills it here, once per process, from :func:`kalibar.app.assemble`.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.matching.hits import scan_created_since
from kalibar.records import hit_check
from kalibar.seizures import declarations
from kalibar.targeting import service as targeting


def _declaration(
    session: Session, actor: Actor, declaration_uuid: UUID
) -> declarations.DeclarationFacts:
    return targeting.get_declaration(session, actor=actor, declaration_uuid=declaration_uuid)


def install() -> None:
    """Seizures read the declaration they link to through targeting's face; a bulk import
    of records is checked for hits by matching."""
    declarations.install(_declaration)
    hit_check.install(scan_created_since)
