"""People, companies, vehicles, phones and addresses involved in seizures.

The same person turns up again in another seizure, written by another officer, in another
script, in another order: "Petar Petrović", "ПЕТАР ПЕТРОВИЋ", "Petrovic Petar". Each
entity keeps a ``name_key`` in one Latin script without diacritics (person names with
their words sorted, phones as international digits, plates as letters and digits) so
:func:`suggest_entities` can offer the existing entity instead of a copy, with its reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.i18n import _
from kalibar.records.references import next_references
from kalibar.reference.script import compact_key, has_cyrillic, search_key
from kalibar.seizures.access import visible_part
from kalibar.seizures.models import Entity, EntityKind, Involvement, Seizure, SeizureStatus
from kalibar.seizures.vocabulary import check as check_code
from kalibar.sharing.service import set_distribution, shared_with_groups
from kalibar.sharing.visibility import get_editable, get_visible, visible

#: A described entity this alike to a known one (with the same DOB or document) is refused.
STRONG = 0.92
#: Suggestions below this score are not shown.
MIN_SCORE = 0.75
#: Country calling codes of the region and its usual neighbours (phones written nationally).
CALLING_CODES = {
    "BA": "387", "RS": "381", "HR": "385", "ME": "382", "SI": "386", "MK": "389",
    "AL": "355", "XK": "383", "AT": "43", "DE": "49", "IT": "39", "HU": "36", "TR": "90",
    "BG": "359", "RO": "40", "GR": "30", "CH": "41", "FR": "33", "NL": "31", "SE": "46",
}  # fmt: skip
_LEGAL_FORMS = re.compile(
    r"\b(?:d ?o ?o|d ?d|a ?d|j ?p|s ?z ?r|szr|gmbh|ag|llc|ltd|limited|inc|sp z o o|srl)\b"
)
_TEXT_FIELDS = (
    "name", "given_names", "family_name", "registration_number", "vehicle_registration",
    "vehicle_make", "vehicle_kind", "phone_number", "address", "notes",
)  # fmt: skip
EDITABLE = (*_TEXT_FIELDS, "date_of_birth", "nationality", "identity_documents", "country")


@dataclass
class EntityData:
    kind: str
    name: str = ""
    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    nationality: str | None = None
    #: ``kind:number:issuing country`` or just the number.
    identity_documents: list[str] = field(default_factory=list)
    registration_number: str = ""
    vehicle_registration: str = ""
    vehicle_make: str = ""
    vehicle_kind: str = ""
    phone_number: str = ""
    address: str = ""
    country: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class EntitySuggestion:
    entity: Entity
    score: float
    reasons: list[str]
    #: Same date of birth or identity document (persons), or the same number/plate.
    strong_evidence: bool = False

    @property
    def strong(self) -> bool:
        return self.score >= STRONG and self.strong_evidence


# ------------------------------------------------------------------ keys


def phone_key(text: str, country: str | None = None) -> str:
    """International digits: "+387 61 123 456", "00387 61 123 456" and "061/123-456"
    (written in BA) all give "38761123456". Without a country a trunk 0 is dropped only."""
    raw = text.strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return ""
    if raw.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        code = CALLING_CODES.get((country or "").upper(), "")
        return code + digits[1:]
    return digits


def name_key(kind: str, text: str, *, country: str | None = None) -> str:
    """The matching key: one Latin script, no diacritics, lower case, single spaces.

    Persons: words sorted (order does not matter), "dj" read as "d" (Đorđević, Djordjevic
    and Dordevic meet) and a final "ch" as "c" (Petrovich). Companies: legal forms (d.o.o.,
    GmbH ...) dropped. Phones: international digits (``country`` supplies the calling code
    of a national number). Vehicles: letters and digits only, upper case.
    """
    if kind == EntityKind.phone:
        return phone_key(text, country)
    if kind == EntityKind.vehicle:
        return compact_key(text).upper()
    key = search_key(text)
    if kind == EntityKind.person:
        words = [re.sub(r"t?ch$", "c", w.replace("dj", "d")) for w in key.split()]
        return " ".join(sorted(words))
    if kind == EntityKind.company:
        return " ".join(_LEGAL_FORMS.sub(" ", key).split()) or key
    return key


def _document_numbers(lines: list[str] | str) -> set[str]:
    items = lines.splitlines() if isinstance(lines, str) else lines
    out = set()
    for line in items:
        parts = [p.strip() for p in line.split(":")]
        number = parts[1] if len(parts) >= 2 else parts[0]
        if compact_key(number):
            out.add(compact_key(number))
    return out


def _display_name(data: EntityData) -> str:
    if data.name.strip():
        return data.name.strip()
    if data.kind == EntityKind.person:
        return " ".join(p for p in (data.given_names.strip(), data.family_name.strip()) if p)
    return {
        EntityKind.vehicle: data.vehicle_registration,
        EntityKind.phone: data.phone_number,
        EntityKind.address: data.address,
    }.get(EntityKind(data.kind), "").strip()


def _key_source(entity: Entity | EntityData) -> str:
    if entity.kind == EntityKind.vehicle and entity.vehicle_registration:
        return entity.vehicle_registration
    if entity.kind == EntityKind.phone and entity.phone_number:
        return entity.phone_number
    if isinstance(entity, EntityData):
        return _display_name(entity)
    return entity.name


def _validate(data: EntityData) -> None:
    problems: list[dict[str, Any]] = []
    if data.kind not in {k.value for k in EntityKind}:
        problems.append(
            {"field": "kind", "value": data.kind, "allowed": [k.value for k in EntityKind]}
        )
    elif not _display_name(data):
        problems.append({"field": "name", "message": _("A name is required.")})
    for key in ("nationality", "country"):
        value = getattr(data, key)
        if value is not None and not re.fullmatch(r"[A-Z]{2}", value):
            problems.append({"field": key, "value": value, "message": _("Use a two-letter code.")})
    if problems:
        raise Invalid(_("The entity has errors."), problems)


def _normalised(data: EntityData) -> EntityData:
    for key in ("nationality", "country"):
        value = getattr(data, key)
        setattr(data, key, value.strip().upper() or None if value else None)
    return data


# ------------------------------------------------------------------ CRUD


def create_entity(
    session: Session,
    *,
    actor: Actor,
    data: EntityData,
    distribution: str = Distribution.national.value,
    group_ids: list[int] | None = None,
) -> Entity:
    """Record a person, company, vehicle, phone or address (owned by the actor's agency)."""
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can record entities."))
    data = _normalised(data)
    _validate(data)
    prefix = actor.agency_code.split("-", 1)[-1] + "-EN"
    entity = Entity(
        reference=next_references(session, prefix, 1)[0],
        owner_agency_id=actor.agency_id,
        owner_country=actor.country,
        kind=data.kind,
        name=_display_name(data)[:300],
        given_names=data.given_names.strip(),
        family_name=data.family_name.strip(),
        date_of_birth=data.date_of_birth,
        nationality=data.nationality,
        identity_documents="\n".join(d.strip() for d in data.identity_documents if d.strip()),
        registration_number=data.registration_number.strip(),
        vehicle_registration=data.vehicle_registration.strip(),
        vehicle_make=data.vehicle_make.strip(),
        vehicle_kind=data.vehicle_kind.strip(),
        phone_number=data.phone_number.strip(),
        address=data.address.strip(),
        country=data.country,
        notes=data.notes,
    )
    entity.name_key = name_key(data.kind, _key_source(entity), country=actor.country)[:300]
    session.add(entity)
    set_distribution(session, obj=entity, distribution=distribution, group_ids=group_ids)
    return entity


def get_entity(session: Session, *, actor: Actor, entity_id: UUID) -> Entity:
    """A visible entity (persons are nominal data: every read is in the audit trail)."""
    entity = get_visible(session, Entity, entity_id, actor)
    log_event(session, actor=actor, action="read", object_type="Entity",
              object_id=str(entity.uuid))  # fmt: skip
    return entity


#: How many of the entities a search found are named in its audit entry.
AUDITED_RESULTS = 100


def _log_search(
    session: Session, actor: Actor, found: list[Entity], details: dict[str, Any]
) -> None:
    """A search of persons and companies is in the audit trail: what was asked, by whom,
    and which entities it showed."""
    ids = [str(e.uuid) for e in found[:AUDITED_RESULTS]]
    log_event(session, actor=actor, action="search", object_type="Entity", object_id="",
              details=details | {"found": len(found), "ids": ids})  # fmt: skip


def update_entity(
    session: Session, *, actor: Actor, entity_id: UUID, changes: dict[str, Any]
) -> Entity:
    """Change fields (owner agency only); the key is recomputed."""
    entity = get_editable(session, Entity, entity_id, actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(_("These fields cannot be changed."), [{"field": f} for f in sorted(unknown)])
    current = EntityData(
        kind=entity.kind,
        **{k: getattr(entity, k) for k in EDITABLE if k != "identity_documents"},
        identity_documents=entity.identity_documents.splitlines(),
    )
    for key, value in changes.items():
        setattr(current, key, value)
    current = _normalised(current)
    _validate(current)
    for key in EDITABLE:
        value = getattr(current, key)
        if key == "identity_documents":
            value = "\n".join(d.strip() for d in value if d.strip())
        elif key == "name":
            value = _display_name(current)[:300]
        elif isinstance(value, str) and key != "notes":
            value = value.strip()
        setattr(entity, key, value)
    entity.name_key = name_key(entity.kind, _key_source(entity), country=entity.owner_country)
    session.flush()
    return entity


def list_entities(
    session: Session,
    *,
    actor: Actor,
    kind: str | None = None,
    q: str | None = None,
    limit: int = 50,
) -> list[Entity]:
    """Visible entities; ``q`` matches every word of the name in any script, or a reference."""
    stmt = visible(select(Entity), Entity, actor)
    if kind:
        stmt = stmt.where(Entity.kind == kind)
    if q and q.strip():
        words = name_key(EntityKind.person, q).split()
        digits = phone_key(q, actor.country) if len(re.sub(r"\D", "", q)) >= 6 else ""
        plate = compact_key(q).upper()
        clauses: list[ColumnElement[bool]] = [Entity.reference == q.strip().upper()]
        if words:
            clauses.append(_all_words(words))
        if digits:
            clauses.append(Entity.name_key.like(f"%{digits[-8:]}"))
        if plate:
            clauses.append(Entity.name_key == plate)
        stmt = stmt.where(or_(*clauses))
    stmt = stmt.order_by(Entity.name, Entity.uuid).limit(limit)
    found = list(session.execute(stmt).scalars())
    _log_search(session, actor, found, {"q": (q or "").strip(), "kind": kind or ""})
    return found


def _all_words(words: list[str]) -> ColumnElement[bool]:
    return and_(*[Entity.name_key.like(f"%{w}%") for w in words])


# ------------------------------------------------------------------ suggestions


def _candidates(session: Session, actor: Actor, data: EntityData, key: str) -> list[Entity]:
    """Visible entities of the same kind that could be the same: share a 3-letter word
    start, the last 8 digits, the plate, the date of birth or a document number."""
    clauses: list[ColumnElement[bool]] = []
    if data.kind == EntityKind.phone:
        if len(key) >= 6:
            clauses.append(Entity.name_key.like(f"%{key[-8:]}"))
    elif data.kind == EntityKind.vehicle:
        if key:
            clauses.append(Entity.name_key.like(f"{key[:2]}%"))
    else:
        starts = {w[:3] for w in key.split() if len(w) >= 3} or ({key} if key else set())
        clauses.extend(Entity.name_key.like(f"%{s}%") for s in sorted(starts))
    if data.date_of_birth is not None:
        clauses.append(Entity.date_of_birth == data.date_of_birth)
    for number in sorted(_document_numbers(data.identity_documents)):
        clauses.append(Entity.identity_documents.like(f"%{number[-6:]}%"))
    if not clauses:
        return []
    stmt = visible(select(Entity), Entity, actor).where(Entity.kind == data.kind, or_(*clauses))
    return list(session.execute(stmt.limit(500)).scalars())


def _score(data: EntityData, key: str, entity: Entity) -> EntitySuggestion | None:
    reasons: list[str] = []
    #: Proof on its own (document, registration, number); a shared date of birth only
    #: makes a similar name strong.
    proof = same_dob = False
    if data.kind in (EntityKind.phone, EntityKind.vehicle):
        if key and entity.name_key == key:
            score, proof = 1.0, True
            reasons.append(_("same number") if data.kind == EntityKind.phone else _("same plate"))
        elif data.kind == EntityKind.phone and key[-8:] == entity.name_key[-8:]:
            score = 0.9
            reasons.append(_("same last 8 digits"))
        else:
            score = fuzz.ratio(key, entity.name_key) / 100
            label = _("number %(pct)d%% alike") if data.kind == EntityKind.phone else None
            label = label or _("plate %(pct)d%% alike")
            reasons.append(label % {"pct": round(score * 100)})
    else:
        score = fuzz.token_sort_ratio(key, entity.name_key) / 100
        if score == 1.0:
            reasons.append(_("same name"))
        else:
            reasons.append(_("name %(pct)d%% alike") % {"pct": round(score * 100)})
        source = _key_source(data)
        if has_cyrillic(source) != has_cyrillic(entity.name):
            reasons.append(_("written in the other script"))
        if search_key(source).split() != search_key(entity.name).split() and score == 1.0:
            reasons.append(_("words in another order or spelling"))
    if data.date_of_birth and entity.date_of_birth:
        if data.date_of_birth == entity.date_of_birth:
            score = min(1.0, score + 0.1)
            same_dob = True
            reasons.append(_("same date of birth"))
        else:
            score *= 0.7
            reasons.append(_("different date of birth"))
    shared = _document_numbers(data.identity_documents) & _document_numbers(
        entity.identity_documents
    )
    if shared:
        score, proof = max(score, 0.95), True
        reasons.append(_("same identity document %(n)s") % {"n": ", ".join(sorted(shared))})
    same_registration = compact_key(data.registration_number) == compact_key(
        entity.registration_number
    )
    if data.kind == EntityKind.company and data.registration_number and same_registration:
        score, proof = max(score, 0.97), True
        reasons.append(_("same registration number"))
    if score < MIN_SCORE and not proof:
        return None
    return EntitySuggestion(entity, round(score, 4), reasons, proof or same_dob)


def suggest_entities(
    session: Session, *, actor: Actor, data: EntityData, limit: int = 5
) -> list[EntitySuggestion]:
    """Visible entities that may be the one described, best first, each with its reasons."""
    if data.kind not in {k.value for k in EntityKind}:
        return []
    key = name_key(data.kind, _key_source(data), country=actor.country)
    found = [
        s
        for s in (_score(data, key, e) for e in _candidates(session, actor, data, key))
        if s is not None
    ]
    found.sort(key=lambda s: (-s.score, s.entity.reference))
    shown = found[:limit]
    _log_search(session, actor, [s.entity for s in shown],
                {"suggest": data.kind, "name": _key_source(data)})  # fmt: skip
    return shown


# ------------------------------------------------------------------ involvements


def _open_seizure(session: Session, actor: Actor, seizure_id: UUID) -> Seizure:
    """The seizure for a change of its people: owned by the actor's agency, open."""
    seizure = get_editable(session, Seizure, seizure_id, actor)
    if seizure.status != SeizureStatus.open.value:
        raise Conflict(_("The seizure is closed."), [{"field": "status"}])
    return seizure


def involve(
    session: Session,
    *,
    actor: Actor,
    seizure_id: UUID,
    role: str,
    entity_id: UUID | None = None,
    data: EntityData | None = None,
    note: str = "",
    allow_new: bool = False,
) -> Involvement:
    """Link an entity to a seizure: an existing one (``entity_id``) or a new one (``data``).

    A described entity that is strongly like a known one (score ≥ 0.92 with the same date
    of birth or document; the same phone number or plate) is refused (409, the suggestions
    in the details) unless ``allow_new``: the same person is linked, not duplicated.
    """
    if (entity_id is None) == (data is None):
        raise Invalid(
            _("Give either an existing entity or the description of a new one."),
            [{"field": "entity_id"}, {"field": "entity"}],
        )
    check_code("entity_role", role, "role")
    seizure = _open_seizure(session, actor, seizure_id)
    if data is not None:
        if not allow_new:
            strong = [s for s in suggest_entities(session, actor=actor, data=data) if s.strong]
            if strong:
                raise Conflict(
                    _("This entity seems to be known already: link the existing one."),
                    [
                        {
                            "field": "entity",
                            "entity_id": str(s.entity.uuid),
                            "reference": s.entity.reference,
                            "name": s.entity.name,
                            "score": s.score,
                            "reasons": s.reasons,
                        }
                        for s in strong
                    ],
                )
        groups = shared_with_groups(session, seizure.uuid)
        entity = create_entity(
            session, actor=actor, data=data, distribution=seizure.distribution, group_ids=groups
        )
    else:
        assert entity_id is not None
        entity = get_visible(session, Entity, entity_id, actor)
    existing = session.execute(
        select(Involvement).where(
            Involvement.seizure_id == seizure.uuid,
            Involvement.entity_id == entity.uuid,
            Involvement.role == role,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            _("This entity is already linked to the seizure in this role."),
            [{"field": "role", "value": role, "involvement_id": str(existing.uuid)}],
        )
    involvement = Involvement(seizure=seizure, entity=entity, role=role, note=note.strip())
    session.add(involvement)
    session.flush()
    return involvement


def remove_involvement(session: Session, *, actor: Actor, involvement_id: UUID) -> None:
    """Unlink (owner agency, open seizure); the entity itself stays."""
    involvement, seizure = visible_part(session, actor, Involvement, involvement_id)
    _open_seizure(session, actor, seizure.uuid)
    session.delete(involvement)
    session.flush()


def seizures_of_entity(session: Session, *, actor: Actor, entity_id: UUID) -> list[Seizure]:
    """The seizures the actor can see that this entity is involved in, newest first."""
    entity = get_entity(session, actor=actor, entity_id=entity_id)
    linked = select(Involvement.seizure_id).where(Involvement.entity_id == entity.uuid)
    stmt = visible(select(Seizure), Seizure, actor).where(Seizure.uuid.in_(linked))
    return list(session.execute(stmt.order_by(Seizure.occurred_at.desc())).scalars())
