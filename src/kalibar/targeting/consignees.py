"""Known-consignee sets for the derived features ``first_time_consignee`` and
``consignee_seen_in_seizure`` (``features.consignee_features``).

Declaration keys are ``reference.script.search_key`` of the consignee name (case, script
and diacritics folded: Đorđević = Djordjevic = Ђорђевић).

"Seen in a seizure" reads three sources, all through the caller's visibility:

1. consignees of declarations a visible seizure is linked to (``Seizure.declaration_uuid``:
   the inspection of that declaration found what was seized);
2. persons and companies involved as ``recipient`` or ``sender`` in a visible seizure: their
   ``Entity.name_key`` is compared with the consignee's name folded by the same function
   the seizures slice uses for entities (``seizures.entities.name_key``, as a person —
   words sorted — and as a company — legal forms dropped);
3. consignees of the agency's declarations whose inspection (or imported history outcome)
   found firearms, parts or ammunition, so a finding counts before its seizure record is
   written.

The agency's known consignees (for "first-time") are kept per process and grow
incrementally: only declarations stored since the last call are read again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.reference.script import search_key
from kalibar.seizures.entities import name_key
from kalibar.seizures.models import Entity, Involvement, Seizure
from kalibar.sharing.visibility import visible
from kalibar.targeting.inspection_models import POSITIVE_OUTCOMES, Inspection
from kalibar.targeting.models import Declaration

_POSITIVE = sorted(o.value for o in POSITIVE_OUTCOMES)
#: Roles of an entity in a seizure that make a party "seen in a seizure".
PARTY_ROLES = ("recipient", "sender")
_PARTY_KINDS = ("person", "company")


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (search_key(n or "") for n in set(names)) if k)


@lru_cache(maxsize=65536)
def party_keys(name: str) -> frozenset[str]:
    """``name`` folded as the seizures slice folds an entity's name, once as a person and
    once as a company (a consignee may be either)."""
    return frozenset(k for k in (name_key(kind, name) for kind in _PARTY_KINDS) if k)


# ------------------------------------------------------------------ known consignees

_KNOWN: dict[tuple[str, int], tuple[int, datetime | None, frozenset[str]]] = {}
_LOCK = threading.Lock()


def _names(session: Session, agency_id: int, since: datetime | None = None) -> list[str]:
    stmt = select(Declaration.consignee_name).where(
        Declaration.owner_agency_id == agency_id,
        Declaration.deleted_at.is_(None),
        Declaration.consignee_name != "",
    )
    if since is not None:
        stmt = stmt.where(Declaration.created_at >= since)  # same-instant batches: re-read
    return list(session.execute(stmt.distinct()).scalars())


def known_consignee_keys(session: Session, agency_id: int) -> frozenset[str]:
    """Consignees of the agency's stored (not deleted) declarations.

    Cached per database and agency with the count and the latest ``created_at`` of its
    declarations: when only new declarations were stored, just their names are read; any
    other change (a deletion) reads them all again."""
    count, latest = session.execute(
        select(func.count(Declaration.uuid), func.max(Declaration.created_at)).where(
            Declaration.owner_agency_id == agency_id, Declaration.deleted_at.is_(None)
        )
    ).one()
    cache_key = (str(session.get_bind().engine.url), agency_id)
    with _LOCK:
        cached = _KNOWN.get(cache_key)
    if cached is not None and cached[0] == count and cached[1] == latest:
        return cached[2]
    if cached is not None and cached[1] is not None and count > cached[0]:
        keys = cached[2] | _keys(_names(session, agency_id, since=cached[1]))
    else:
        keys = _keys(_names(session, agency_id))
    with _LOCK:
        if len(_KNOWN) > 256:
            _KNOWN.clear()
        _KNOWN[cache_key] = (int(count), latest, keys)
    return keys


# ------------------------------------------------------------------ seizures


def seizure_consignee_keys(
    session: Session, agency_id: int, actor: Actor | None = None
) -> frozenset[str]:
    """``search_key`` of consignees seen in a seizure: sources 1 and 3 of the module
    docstring (source 1 only with an ``actor``, whose visibility applies)."""
    names: list[Any] = list(
        session.execute(
            select(Declaration.consignee_name)
            .outerjoin(Inspection, Inspection.declaration_uuid == Declaration.uuid)
            .where(
                Declaration.owner_agency_id == agency_id,
                Declaration.deleted_at.is_(None),
                Declaration.consignee_name != "",
                or_(Inspection.outcome.in_(_POSITIVE), Declaration.outcome.in_(_POSITIVE)),
            )
            .distinct()
        ).scalars()
    )
    if actor is not None:
        linked = visible(
            select(Declaration.consignee_name)
            .join(Seizure, Seizure.declaration_uuid == Declaration.uuid)
            .where(Declaration.deleted_at.is_(None), Declaration.consignee_name != ""),
            Seizure,
            actor,
        ).distinct()
        names.extend(session.execute(linked).scalars())
    return _keys(names)


def seizure_party_keys(session: Session, actor: Actor) -> frozenset[str]:
    """``Entity.name_key`` of persons and companies that were recipient or sender in a
    seizure the actor may see (source 2)."""
    stmt = visible(
        select(Entity.name_key)
        .join(Involvement, Involvement.entity_id == Entity.uuid)
        .join(Seizure, Seizure.uuid == Involvement.seizure_id)
        .where(
            Involvement.role.in_(PARTY_ROLES),
            Entity.kind.in_(_PARTY_KINDS),
            Entity.deleted_at.is_(None),
            Entity.name_key != "",
        ),
        Seizure,
        actor,
    ).distinct()
    return frozenset(session.execute(stmt).scalars())
