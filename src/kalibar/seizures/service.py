"""Recording a seizure: the event, what was seized, closing it; hand-overs re-exported.

Why validation comes first. A seizure is recorded in one go from the border form, the API
or a JSON import; an officer fixing one field at a time would go back and forth, and a
half-stored seizure (event without items, items without custody) is worse than none. So
the event and every item are checked before anything is written, and one
:class:`~kalibar.errors.Invalid` names every bad field (items as ``items[2].part_kind``).

A firearm item becomes a firearm record (status seized) through
:func:`kalibar.records.service.create_record`; the matching ORM hook checks it against
wanted records in the same flush, so the seizure page shows hits at once
(:func:`item_hits`). Every item starts its chain of custody with a ``seized`` event, and
the applicable procedures are copied onto the seizure.

A closed seizure is read-only (Conflict); custody events still follow its items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kalibar.audit.service import history_of, log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.matching import hits as hit_views
from kalibar.matching.models import Hit
from kalibar.records.identify import identify
from kalibar.records.models import FirearmRecord
from kalibar.records.references import next_references
from kalibar.records.service import RecordData, create_record
from kalibar.reference.service import refresh as refresh_catalogue
from kalibar.seizures import custody, procedures
from kalibar.seizures.access import visible_part
from kalibar.seizures.declarations import declaration_for
from kalibar.seizures.handover import (
    accept_handover,
    cancel_handover,
    decline_handover,
    handovers_of,
    incoming_handovers,
    request_handover,
)
from kalibar.seizures.models import ItemKind, SeizedItem, Seizure, SeizureStatus
from kalibar.seizures.validation import (
    distribution_problems,
    item_problems,
    problems_error,
    seizure_values,
)
from kalibar.sharing.service import set_distribution, shared_with_groups
from kalibar.sharing.visibility import get_editable, get_visible, visible

__all__ = [
    "ItemData",
    "SeizureData",
    "accept_handover",
    "add_item",
    "cancel_handover",
    "close_seizure",
    "create_seizure",
    "decline_handover",
    "delete_seizure",
    "get_seizure",
    "handovers_of",
    "incoming_handovers",
    "item_hits",
    "log_seizure_read",
    "remove_item",
    "request_handover",
    "seizure_history",
    "update_seizure",
]


@dataclass
class SeizureData:
    """The seizure event as stated by the officer (codes from the vocabulary)."""

    occurred_at: datetime
    context: str
    place_code: str | None = None
    place_name: str = ""
    address: str = ""
    place_country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    direction: str = "domestic"
    origin_country: str | None = None
    transit_countries: list[str] = field(default_factory=list)
    destination_country: str | None = None
    detection_method: str = ""
    concealment_method: str = ""
    conveyance_kind: str = ""
    vehicle_registration: str = ""
    vehicle_make: str = ""
    bus_line: str = ""
    parcel_number: str = ""
    container_number: str = ""
    legal_basis: str = ""
    criminal_context: list[str] = field(default_factory=list)
    narrative: str = ""
    declaration_uuid: UUID | None = None


@dataclass
class ItemData:
    """One line of what was seized; a firearm carries its record data."""

    kind: str
    firearm: RecordData | None = None
    part_kind: str = ""
    calibre: str = ""
    ammunition_type: str = ""
    explosive_type: str = ""
    description: str = ""
    quantity: float = 1
    unit: str = ""


SEIZURE_FIELDS = tuple(f.name for f in fields(SeizureData))


# ------------------------------------------------------------------ helpers


def _owner(actor: Actor) -> tuple[int, str]:
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can record seizures."))
    return actor.agency_id, actor.country


def _open(seizure: Seizure) -> Seizure:
    if seizure.status != SeizureStatus.open.value:
        raise Conflict(
            _("Seizure %(reference)s is closed; it can no longer be changed.")
            % {"reference": seizure.reference},
            [{"field": "status", "error": "closed", "reference": seizure.reference}],
        )
    return seizure


def _editable(session: Session, actor: Actor, seizure_id: UUID) -> Seizure:
    """The seizure for a change: visible, owned by the actor's agency, open."""
    return _open(get_editable(session, Seizure, seizure_id, actor))


def place_text(seizure: Seizure) -> str:
    """Where, in one line (for custody events and firearm records)."""
    parts = [p for p in (seizure.place_name, seizure.address) if p]
    text = ", ".join(parts)
    if seizure.place_country and seizure.place_country not in text:
        text = f"{text} ({seizure.place_country})" if text else seizure.place_country
    return text


def visible_records(
    session: Session, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, FirearmRecord]:
    """Firearm records the actor may see, by id (tombstoned ones too: a seizure is history)."""
    wanted = set(ids)
    if not wanted:
        return {}
    r = FirearmRecord
    stmt = visible(select(r).where(r.uuid.in_(wanted)), r, actor, include_deleted=True)
    return {rec.uuid: rec for rec in session.execute(stmt).scalars()}


def _declaration_problems(
    session: Session, actor: Actor, declaration_uuid: UUID | None
) -> list[dict[str, Any]]:
    """A seizure links only a declaration the actor can open (``seizures.declarations``); an
    absent and a hidden one get the same answer, so the 422 tells nothing about others'."""
    if declaration_uuid is None:
        return []
    try:
        declaration_for(session, actor, declaration_uuid)
    except NotFound:
        return [
            {
                "field": "declaration_uuid",
                "error": "unknown",
                "message": _("no such declaration among those you can open"),
                "value": str(declaration_uuid),
            }
        ]
    return []


def _as_data(seizure: Seizure) -> SeizureData:
    """The stored seizure as input again (for a validated partial update)."""
    values: dict[str, Any] = {k: getattr(seizure, k) for k in SEIZURE_FIELDS}
    for key in ("transit_countries", "criminal_context"):
        values[key] = [v for v in (values[key] or "").split(",") if v]
    return SeizureData(**values)


# ------------------------------------------------------------------ the event


def create_seizure(
    session: Session,
    *,
    actor: Actor,
    data: SeizureData,
    items: Sequence[ItemData] = (),
    distribution: str = "national",
    group_ids: list[int] | None = None,
    seizure_id: UUID | None = None,
) -> Seizure:
    """Record a seizure with its items; all or nothing (every bad field reported at once)."""
    agency_id, country = _owner(actor)
    values, problems = seizure_values(data, default_country=country)
    problems += distribution_problems(distribution, group_ids)
    problems += _declaration_problems(session, actor, data.declaration_uuid)
    for n, item in enumerate(items):
        problems += item_problems(item, prefix=f"items[{n}].")
    if problems:
        raise problems_error(problems)
    if seizure_id is not None and session.get(Seizure, seizure_id) is not None:
        raise Conflict(
            _("A seizure with this identifier exists already."),
            [{"field": "seizure_id", "value": str(seizure_id)}],
        )
    prefix = actor.agency_code.split("-", 1)[-1] + "-SZ"
    seizure = Seizure(
        uuid=seizure_id or uuid7(),
        reference=next_references(session, prefix, 1)[0],
        owner_agency_id=agency_id,
        owner_country=country,
        seizing_agency_id=agency_id,
        recorded_by=actor.username,
        status=SeizureStatus.open.value,
        **values,
    )
    session.add(seizure)
    set_distribution(session, obj=seizure, distribution=distribution, group_ids=group_ids)
    for item in items:
        _add_item(session, actor, seizure, item)
    # Once, after the items: their kinds decide which procedures apply.
    procedures.apply_procedures(session, seizure=seizure)
    return seizure


def get_seizure(session: Session, *, actor: Actor, seizure_id: UUID) -> Seizure:
    """The seizure if the actor may see it; NotFound otherwise (absent or hidden alike)."""
    return get_visible(session, Seizure, seizure_id, actor)


def update_seizure(
    session: Session, *, actor: Actor, seizure_id: UUID, changes: dict[str, Any]
) -> Seizure:
    """Change event fields (owner agency, open seizure). The result is validated whole.

    ``distribution`` / ``group_ids`` may be among the changes; they also apply to the
    firearm records the seizure created, which were shared like the seizure.
    """
    seizure = _editable(session, actor, seizure_id)
    sharing = {k: changes[k] for k in ("distribution", "group_ids") if k in changes}
    changes = {k: v for k, v in changes.items() if k not in sharing}
    unknown = sorted(set(changes) - set(SEIZURE_FIELDS))
    if unknown:
        raise Invalid(_("These fields cannot be changed."), [{"field": f} for f in unknown])
    data = _as_data(seizure)
    if "place_code" in changes:
        # A new catalogue place brings its own name and coordinates.
        data.place_name = ""
        if "latitude" not in changes and "longitude" not in changes:
            data.latitude = data.longitude = None
    for key, value in changes.items():
        if key in ("transit_countries", "criminal_context") and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        setattr(data, key, value)
    values, problems = seizure_values(data, default_country=seizure.owner_country)
    if data.declaration_uuid != seizure.declaration_uuid:
        problems += _declaration_problems(session, actor, data.declaration_uuid)
    if "distribution" in sharing:
        problems += distribution_problems(sharing["distribution"], sharing.get("group_ids"))
    if problems:
        raise problems_error(problems)
    for key, value in values.items():
        if getattr(seizure, key) != value:
            setattr(seizure, key, value)
    if "distribution" in sharing:
        groups = sharing.get("group_ids")
        set_distribution(
            session, obj=seizure, distribution=sharing["distribution"], group_ids=groups
        )
        for record in _owned_records(session, seizure):
            set_distribution(
                session, obj=record, distribution=sharing["distribution"], group_ids=groups
            )
    session.flush()
    return seizure


def delete_seizure(session: Session, *, actor: Actor, seizure_id: UUID) -> None:
    """Tombstone a seizure recorded in error, and the firearm records it created."""
    seizure = _editable(session, actor, seizure_id)
    now = utcnow()
    seizure.deleted_at = now
    for record in _owned_records(session, seizure):
        record.deleted_at = now
    session.flush()


def _owned_records(session: Session, seizure: Seizure) -> list[FirearmRecord]:
    """Firearm records of the seizure's live items that its owner agency also owns."""
    ids = [i.record_id for i in seizure.items if i.record_id and i.deleted_at is None]
    if not ids:
        return []
    stmt = select(FirearmRecord).where(
        FirearmRecord.uuid.in_(ids),
        FirearmRecord.owner_agency_id == seizure.owner_agency_id,
        FirearmRecord.deleted_at.is_(None),
    )
    return list(session.execute(stmt).scalars())


# ------------------------------------------------------------------ items


def add_item(session: Session, *, actor: Actor, seizure_id: UUID, data: ItemData) -> SeizedItem:
    """Add one item to an open seizure (firearm → record and hits; custody starts)."""
    seizure = _editable(session, actor, seizure_id)
    problems = item_problems(data, prefix="")
    if problems:
        raise problems_error(problems)
    item = _add_item(session, actor, seizure, data)
    procedures.apply_procedures(session, seizure=seizure)
    return item


def _add_item(session: Session, actor: Actor, seizure: Seizure, data: ItemData) -> SeizedItem:
    """Write an already validated item."""
    refresh_catalogue(session)
    session.flush()
    lock_for_writing(session)  # the next position is read under the write lock
    last = session.execute(
        select(func.max(SeizedItem.position)).where(SeizedItem.seizure_id == seizure.uuid)
    ).scalar()
    record: FirearmRecord | None = None
    calibre = data.calibre.strip()
    where = place_text(seizure)
    if data.kind == ItemKind.firearm.value and data.firearm is not None:
        stated = data.firearm
        record = create_record(
            session,
            actor=actor,
            data=replace(
                stated,
                status="seized",
                event_date=stated.event_date or seizure.occurred_at.date(),
                event_place=stated.event_place or where[:200],
                case_reference=stated.case_reference or seizure.reference,
            ),
            distribution=seizure.distribution,
            group_ids=shared_with_groups(session, seizure.uuid) or None,
            allow_duplicate=True,
        )
        calibre = calibre or stated.calibre.strip()
    unit = data.unit or ("rounds" if data.kind == ItemKind.ammunition.value else "pieces")
    item = SeizedItem(
        uuid=uuid7(),
        seizure_id=seizure.uuid,
        position=int(last or 0) + 1,
        kind=data.kind,
        record_id=record.uuid if record is not None else None,
        part_kind=data.part_kind,
        calibre=calibre,
        calibre_code=identify(calibre=calibre).calibre_code if calibre else None,
        ammunition_type=data.ammunition_type,
        explosive_type=data.explosive_type,
        description=data.description.strip(),
        quantity=float(data.quantity),
        unit=unit,
    )
    item.seizure = seizure
    session.add(item)
    session.flush()  # the record's hits are made in this flush (matching hook)
    custody.append_event(
        session,
        actor=actor,
        item_id=item.uuid,
        action="seized",
        occurred_at=seizure.occurred_at,
        location=where[:200],
        to_party=actor.agency_code,
    )
    return item


def remove_item(session: Session, *, actor: Actor, item_id: UUID) -> None:
    """Remove an item recorded in error (soft); its firearm record is tombstoned too.

    The custody chain stays (append-only) and takes no more events.
    """
    item, seizure = visible_part(session, actor, SeizedItem, item_id)
    _editable(session, actor, seizure.uuid)
    now = utcnow()
    item.deleted_at = now
    if item.record_id is not None:
        record = session.get(FirearmRecord, item.record_id)
        if record is not None and record.owner_agency_id == seizure.owner_agency_id:
            record.deleted_at = record.deleted_at or now
    session.flush()


def item_hits(
    session: Session, *, actor: Actor, seizure: Seizure
) -> dict[UUID, list[hit_views.HitView]]:
    """Hits on the seizure's firearm records that the actor may see, by record id."""
    ids = {i.record_id for i in seizure.items if i.record_id and i.deleted_at is None}
    if not ids:
        return {}
    stmt = (
        select(Hit)
        .where(
            or_(Hit.query_record_id.in_(ids), Hit.matched_record_id.in_(ids)),
            hit_views.hits_visible_clause(actor),
        )
        .order_by(Hit.score.desc(), Hit.created_at)
    )
    found: dict[UUID, list[hit_views.HitView]] = {}
    for view in hit_views.views_of(session, actor, list(session.execute(stmt).scalars())):
        hit = view.hit
        rid = hit.query_record_id if hit.query_record_id in ids else hit.matched_record_id
        found.setdefault(rid, []).append(view)
    return found


# ------------------------------------------------------------------ closing, reading


def close_seizure(session: Session, *, actor: Actor, seizure_id: UUID) -> Seizure:
    """Close the case file; refused while a required procedure step is open."""
    seizure = _editable(session, actor, seizure_id)
    session.flush()
    session.refresh(seizure, ["steps"])
    still_open = procedures.open_required_steps(seizure)
    if still_open:
        raise Conflict(
            _("The seizure cannot be closed while required steps are open: %(steps)s.")
            % {"steps": ", ".join(s.title for s in still_open)},
            [
                {
                    "field": f"step:{s.procedure_code}/{s.step_code}",
                    "step_id": str(s.uuid),
                    "title": s.title,
                }
                for s in still_open
            ],
        )
    seizure.status = SeizureStatus.closed.value
    seizure.closed_at = utcnow()
    seizure.closed_by = actor.username
    session.flush()
    return seizure


def log_seizure_read(session: Session, *, actor: Actor, seizure: Seizure) -> None:
    """Seizure pages are sensitive (names, routes): each read is in the audit trail."""
    log_event(
        session, actor=actor, action="read", object_type="Seizure", object_id=str(seizure.uuid)
    )


def seizure_history(
    session: Session, *, actor: Actor, seizure_id: UUID, audited: bool = True
) -> list[Any]:
    """The audit entries of the seizure (visibility checked first); reading them is an
    audited read unless the same request logged the read of the seizure already."""
    get_seizure(session, actor=actor, seizure_id=seizure_id)
    if audited:
        log_event(session, actor=actor, action="read", object_type="Seizure",
                  object_id=str(seizure_id), details={"part": "history"})  # fmt: skip
    return history_of(session, object_id=str(seizure_id))
