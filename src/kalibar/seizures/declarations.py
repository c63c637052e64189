"""The customs declaration a seizure links to, as the seizures slice reads it.

Declarations belong to the targeting slice, which sits a floor above seizures (it learns
from them: consignees seen in seizures). So the seizures slice does not import targeting:
the composition root gives this module the lookup at assembly
(:func:`kalibar.app.ports.install` passes ``targeting.service.get_declaration``), and
the seizure service and form read a declaration only through :func:`declaration_for` —
visible to the caller and of the caller's agency, or ``NotFound`` (absent and hidden
alike).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import NotFound
from kalibar.i18n import _


class DeclarationFacts(Protocol):
    """What a seizure uses of a declaration (the link, and the form's prefill)."""

    @property
    def uuid(self) -> UUID: ...

    @property
    def declaration_id(self) -> str: ...

    @property
    def office(self) -> str: ...

    @property
    def flow(self) -> str: ...

    @property
    def transport_mode(self) -> str | None: ...

    @property
    def dispatch_country(self) -> str | None: ...

    @property
    def consignor_country(self) -> str | None: ...

    @property
    def consignee_country(self) -> str | None: ...

    @property
    def vehicle_registration(self) -> str | None: ...


Lookup = Callable[[Session, Actor, UUID], DeclarationFacts]
_lookup: list[Lookup] = []


def install(lookup: Lookup) -> None:
    """Set how declarations are read (the composition root does, once per process)."""
    _lookup[:] = [lookup]


def declaration_for(session: Session, actor: Actor, declaration_uuid: UUID) -> DeclarationFacts:
    """The declaration as its officers may open it; ``NotFound`` otherwise."""
    if not _lookup:
        raise NotFound(_("Declaration"), str(declaration_uuid))
    return _lookup[0](session, actor, declaration_uuid)
