"""The programme ledger's operations: trainings and participants, equipment and its
events, procedures adopted.

Every read goes through the one visibility filter; every change through
``require_owner`` (only the owner agency changes a row or its parts) and the audit hook
(the tables are ``Audited``). Functions never commit: the edge does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from kalibar.audit.scope import Resolver, parent_resolver
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Forbidden, NotFound
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.programme.models import (
    Equipment,
    EquipmentEvent,
    EquipmentEventKind,
    Participant,
    ProcedureAdoption,
    Training,
)
from kalibar.programme.schemas import (
    EquipmentEventIn,
    EquipmentIn,
    ParticipantIn,
    ProcedureIn,
    TrainingIn,
)
from kalibar.sharing.service import set_distribution
from kalibar.sharing.visibility import get_editable, get_visible, visible

PAGE = 50


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and whether there is a next one."""

    rows: Sequence[T]
    more: bool


def _owner(actor: Actor) -> tuple[int, str]:
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can record the programme ledger."))
    return actor.agency_id, actor.country


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


# ---------------------------------------------------------------- trainings


def _participant(data: ParticipantIn, position: int) -> Participant:
    return Participant(
        position=position,
        full_name=data.full_name,
        agency=data.agency.upper(),
        unit=data.unit,
        region=data.region,
        role=data.role,
        gender=data.gender.value,
        certificate=data.certificate,
    )


def _free_reference(session: Session, agency_id: int, reference: str) -> None:
    taken = session.execute(
        select(Training.uuid).where(
            Training.owner_agency_id == agency_id, Training.reference == reference
        )
    ).first()
    if taken is not None:
        raise Conflict(
            _("A training with this reference exists already."),
            [{"field": "reference", "value": reference}],
        )


def create_training(
    session: Session, *, actor: Actor, data: TrainingIn, training_id: uuid.UUID | None = None
) -> Training:
    """Record a training (or a gender workshop) with its participants."""
    agency_id, country = _owner(actor)
    reference = data.reference or f"TR-{data.start_date.year}-{uuid7().hex[-6:].upper()}"
    _free_reference(session, agency_id, reference)
    training = Training(
        uuid=training_id or uuid7(),
        owner_agency_id=agency_id,
        owner_country=country,
        reference=reference,
        kind=data.kind.value,
        course=data.course,
        programme=data.programme,
        start_date=data.start_date,
        end_date=data.end_date or data.start_date,
        place=data.place,
        place_code=data.place_code,
        trainers=data.trainers,
        trainers_training=data.trainers_training,
        notes=data.notes,
        participants=[_participant(p, n) for n, p in enumerate(data.participants, start=1)],
    )
    session.add(training)
    set_distribution(session, obj=training, distribution=data.distribution.value)
    return training


def get_training(session: Session, *, actor: Actor, training_id: uuid.UUID) -> Training:
    return get_visible(session, Training, training_id, actor)


def add_participants(
    session: Session, *, actor: Actor, training_id: uuid.UUID, people: Sequence[ParticipantIn]
) -> list[Participant]:
    """Add participants to a training the actor's agency owns."""
    training = get_editable(session, Training, training_id, actor)
    last = session.execute(
        select(func.max(Participant.position)).where(Participant.training_id == training.uuid)
    ).scalar_one()
    added = [_participant(p, (last or 0) + n) for n, p in enumerate(people, start=1)]
    training.participants.extend(added)
    training.updated_at = utcnow()
    return added


def remove_participant(
    session: Session, *, actor: Actor, training_id: uuid.UUID, participant_id: uuid.UUID
) -> None:
    training = get_editable(session, Training, training_id, actor)
    for p in list(training.participants):
        if p.uuid == participant_id:
            training.participants.remove(p)
            return
    raise NotFound(_("Participant"), str(participant_id))


def delete_training(session: Session, *, actor: Actor, training_id: uuid.UUID) -> None:
    """Soft delete: the tombstone hides it from lists and figures; the audit keeps it."""
    get_editable(session, Training, training_id, actor).deleted_at = utcnow()


def list_trainings(
    session: Session, *, actor: Actor, q: str = "", limit: int = PAGE, offset: int = 0
) -> Page[Training]:
    stmt = visible(select(Training), Training, actor)
    if q.strip():
        pattern = _like(q.strip())
        stmt = stmt.where(
            or_(
                func.lower(Training.course).like(pattern, escape="\\"),
                func.lower(Training.reference).like(pattern, escape="\\"),
                func.lower(Training.place).like(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(Training.start_date.desc(), Training.uuid).limit(limit + 1)
    rows = list(session.execute(stmt.offset(offset)).scalars())
    return Page(rows[:limit], len(rows) > limit)


def participant_counts(session: Session, training_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Participants per training, for a list page (one query)."""
    if not training_ids:
        return {}
    stmt = (
        select(Participant.training_id, func.count())
        .where(Participant.training_id.in_(list(training_ids)))
        .group_by(Participant.training_id)
    )
    return {tid: int(n) for tid, n in session.execute(stmt)}


# ---------------------------------------------------------------- equipment


def create_equipment(
    session: Session, *, actor: Actor, data: EquipmentIn, equipment_id: uuid.UUID | None = None
) -> Equipment:
    """Record a piece of equipment (and its issue, when ``issued_on`` is given)."""
    agency_id, country = _owner(actor)
    taken = session.execute(
        select(Equipment.uuid).where(
            Equipment.owner_agency_id == agency_id,
            Equipment.kind == data.kind.value,
            Equipment.serial == data.serial,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            _("Equipment of this kind with this serial number exists already."),
            [{"field": "serial", "value": data.serial}],
        )
    equipment = Equipment(
        uuid=equipment_id or uuid7(),
        owner_agency_id=agency_id,
        owner_country=country,
        kind=data.kind.value,
        model=data.model,
        serial=data.serial,
        place_code=data.place_code,
        place_name=data.place_name,
        programme=data.programme,
        notes=data.notes,
    )
    if data.issued_on is not None:
        equipment.events.append(
            EquipmentEvent(kind=EquipmentEventKind.issued.value, on=data.issued_on)
        )
    session.add(equipment)
    set_distribution(session, obj=equipment, distribution=data.distribution.value)
    return equipment


def get_equipment(session: Session, *, actor: Actor, equipment_id: uuid.UUID) -> Equipment:
    return get_visible(session, Equipment, equipment_id, actor)


def add_equipment_event(
    session: Session, *, actor: Actor, equipment_id: uuid.UUID, data: EquipmentEventIn
) -> EquipmentEvent:
    equipment = get_editable(session, Equipment, equipment_id, actor)
    event = EquipmentEvent(kind=data.kind.value, on=data.on, note=data.note)
    equipment.events.append(event)
    equipment.updated_at = utcnow()
    return event


def delete_equipment(session: Session, *, actor: Actor, equipment_id: uuid.UUID) -> None:
    get_editable(session, Equipment, equipment_id, actor).deleted_at = utcnow()


def list_equipment(
    session: Session, *, actor: Actor, q: str = "", limit: int = PAGE, offset: int = 0
) -> Page[Equipment]:
    stmt = visible(select(Equipment), Equipment, actor).options(selectinload(Equipment.events))
    if q.strip():
        pattern = _like(q.strip())
        stmt = stmt.where(
            or_(
                func.lower(Equipment.serial).like(pattern, escape="\\"),
                func.lower(Equipment.model).like(pattern, escape="\\"),
                func.lower(Equipment.place_name).like(pattern, escape="\\"),
                func.lower(func.coalesce(Equipment.place_code, "")).like(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(Equipment.place_code, Equipment.kind, Equipment.serial).limit(limit + 1)
    rows = list(session.execute(stmt.offset(offset)).scalars())
    return Page(rows[:limit], len(rows) > limit)


# ---------------------------------------------------------------- procedures


def create_procedure(
    session: Session, *, actor: Actor, data: ProcedureIn, procedure_id: uuid.UUID | None = None
) -> ProcedureAdoption:
    agency_id, country = _owner(actor)
    taken = session.execute(
        select(ProcedureAdoption.uuid).where(
            ProcedureAdoption.owner_agency_id == agency_id,
            ProcedureAdoption.name == data.name,
            ProcedureAdoption.version == data.version,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            _("This version of this procedure is recorded already."),
            [{"field": "version", "value": data.version}],
        )
    adoption = ProcedureAdoption(
        uuid=procedure_id or uuid7(),
        owner_agency_id=agency_id,
        owner_country=country,
        name=data.name,
        version=data.version,
        adopted_on=data.adopted_on,
        agency=(data.agency or actor.agency_code).upper(),
        procedure_code=data.procedure_code,
        notes=data.notes,
    )
    session.add(adoption)
    set_distribution(session, obj=adoption, distribution=data.distribution.value)
    return adoption


def get_procedure(session: Session, *, actor: Actor, procedure_id: uuid.UUID) -> ProcedureAdoption:
    return get_visible(session, ProcedureAdoption, procedure_id, actor)


def delete_procedure(session: Session, *, actor: Actor, procedure_id: uuid.UUID) -> None:
    get_editable(session, ProcedureAdoption, procedure_id, actor).deleted_at = utcnow()


def list_procedures(
    session: Session, *, actor: Actor, limit: int = PAGE, offset: int = 0
) -> Page[ProcedureAdoption]:
    stmt = visible(select(ProcedureAdoption), ProcedureAdoption, actor)
    stmt = stmt.order_by(ProcedureAdoption.adopted_on.desc(), ProcedureAdoption.uuid)
    rows = list(session.execute(stmt.limit(limit + 1).offset(offset)).scalars())
    return Page(rows[:limit], len(rows) > limit)


def audit_scopes() -> dict[str, Resolver]:
    """Participants and equipment events are as visible in the audit trail as their
    training or equipment (installed by the composition root)."""
    return {
        Participant.__name__: parent_resolver(Participant.training_id, Training),
        EquipmentEvent.__name__: parent_resolver(EquipmentEvent.equipment_id, Equipment),
    }
