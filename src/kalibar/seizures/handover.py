"""Hand-over of a seizure to another agency (e.g. customs → SIPA), which accepts it.

Why read grants. The receiving agency must see the case before deciding, whatever the
seizure's distribution, so a pending offer grants it read access
(:class:`~kalibar.sharing.models.ObjectReader`, reason :data:`OFFERED`); a decline or a
cancellation takes that grant back. On acceptance ownership of the seizure *and* of the
firearm records it created moves to the receiver (open hits on those records follow, so
the new owner decides them), and the sender keeps read access to the seizure (reason
:data:`HANDED_OVER`). The audit hook records every change, so the history shows who
offered, who accepted and when.

Firearm records carry no read grants (``FirearmRecord.__read_grants__`` is off): after a
hand-over the sender sees them only as far as their distribution reaches.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.i18n import _
from kalibar.matching.models import Hit, HitStatus
from kalibar.records.models import FirearmRecord
from kalibar.seizures.access import visible_part
from kalibar.seizures.models import Handover, HandoverStatus, Seizure, SeizureStatus
from kalibar.sharing.models import ObjectReader
from kalibar.sharing.visibility import get_editable, get_visible

#: ObjectReader reasons this module writes.
OFFERED = "handover offered"
HANDED_OVER = "handed over"


def _agency(session: Session, code: str) -> Agency | None:
    return session.execute(
        select(Agency).where(Agency.code == (code or "").strip())
    ).scalar_one_or_none()


def _grant(session: Session, seizure: Seizure, agency_id: int, reason: str) -> None:
    existing = session.execute(
        select(ObjectReader).where(
            ObjectReader.object_uuid == seizure.uuid, ObjectReader.agency_id == agency_id
        )
    ).scalar_one_or_none()
    if existing is None:
        session.add(ObjectReader(object_uuid=seizure.uuid, agency_id=agency_id, reason=reason))
    elif existing.reason != reason and reason == HANDED_OVER:
        existing.reason = reason  # a former owner's grant outlives later offers


def _revoke_offer(session: Session, seizure_id: UUID, agency_id: int) -> None:
    """Take back the grant an offer gave; a former owner's grant stays."""
    grant = session.execute(
        select(ObjectReader).where(
            ObjectReader.object_uuid == seizure_id,
            ObjectReader.agency_id == agency_id,
            ObjectReader.reason == OFFERED,
        )
    ).scalar_one_or_none()
    if grant is not None:
        session.delete(grant)  # through the ORM, so the audit hook sees it


def _pending(session: Session, actor: Actor, handover_id: UUID) -> tuple[Handover, Seizure]:
    handover, seizure = visible_part(session, actor, Handover, handover_id)
    if handover.status != HandoverStatus.pending.value:
        raise Conflict(
            _("This hand-over was %(status)s already.") % {"status": handover.status},
            [{"field": "status", "error": "decided", "status": handover.status}],
        )
    return handover, seizure


def request_handover(
    session: Session, *, actor: Actor, seizure_id: UUID, to_agency: str, note: str = ""
) -> Handover:
    """Offer the seizure to another agency; it may read the seizure while the offer stands."""
    seizure = get_editable(session, Seizure, seizure_id, actor)
    if seizure.status != SeizureStatus.open.value:
        raise Conflict(
            _("Seizure %(reference)s is closed; it can no longer be changed.")
            % {"reference": seizure.reference},
            [{"field": "status", "error": "closed"}],
        )
    agency = _agency(session, to_agency)
    if agency is None or not agency.active:
        raise Invalid(
            _("Unknown agency code."),
            [{"field": "to_agency", "error": "unknown", "value": to_agency}],
        )
    if agency.id == seizure.owner_agency_id:
        raise Invalid(
            _("The seizure belongs to this agency already."),
            [{"field": "to_agency", "error": "same_agency", "value": to_agency}],
        )
    pending = session.execute(
        select(Handover.uuid).where(
            Handover.seizure_id == seizure.uuid,
            Handover.status == HandoverStatus.pending.value,
        )
    ).first()
    if pending is not None:
        raise Conflict(
            _("A hand-over of this seizure is pending already; cancel it first."),
            [{"field": "to_agency", "error": "pending", "handover_id": str(pending[0])}],
        )
    handover = Handover(
        seizure_id=seizure.uuid,
        from_agency_id=seizure.owner_agency_id,
        to_agency_id=agency.id,
        status=HandoverStatus.pending.value,
        note=(note or "").strip(),
        requested_by=actor.username,
    )
    session.add(handover)
    _grant(session, seizure, agency.id, OFFERED)
    session.flush()
    return handover


def _decide(handover: Handover, actor: Actor, status: HandoverStatus) -> None:
    handover.status = status.value
    handover.decided_by = actor.username
    handover.decided_at = utcnow()


def _withdraw(
    session: Session, handover: Handover, actor: Actor, status: HandoverStatus
) -> Handover:
    """Declined or cancelled: the offer is decided and the receiver's read access ends."""
    _decide(handover, actor, status)
    _revoke_offer(session, handover.seizure_id, handover.to_agency_id)
    session.flush()
    return handover


def accept_handover(session: Session, *, actor: Actor, handover_id: UUID) -> Seizure:
    """The receiving agency takes the seizure and its firearm records over."""
    handover, seizure = _pending(session, actor, handover_id)
    if actor.agency_id != handover.to_agency_id:
        raise Forbidden(_("Only the agency the seizure is offered to may accept it."))
    receiver = session.get(Agency, handover.to_agency_id)
    assert receiver is not None
    sender_id = seizure.owner_agency_id
    _decide(handover, actor, HandoverStatus.accepted)
    seizure.owner_agency_id = receiver.id
    seizure.owner_country = receiver.country_code
    ids = [i.record_id for i in seizure.items if i.record_id is not None]
    if ids:
        records = session.execute(
            select(FirearmRecord).where(
                FirearmRecord.uuid.in_(ids), FirearmRecord.owner_agency_id == sender_id
            )
        ).scalars()
        moved = []
        for record in records:
            record.owner_agency_id = receiver.id
            record.owner_country = receiver.country_code
            moved.append(record.uuid)
        _move_hits(session, moved, sender_id, receiver.id)
    _revoke_offer(session, seizure.uuid, receiver.id)
    _grant(session, seizure, sender_id, HANDED_OVER)
    session.flush()
    return seizure


def _move_hits(session: Session, record_ids: list[UUID], sender_id: int, receiver_id: int) -> None:
    """Open hits on moved records: the new owner is the agency that must decide them."""
    if not record_ids:
        return
    hits = session.execute(
        select(Hit).where(
            or_(Hit.query_record_id.in_(record_ids), Hit.matched_record_id.in_(record_ids)),
            Hit.status == HitStatus.open.value,
        )
    ).scalars()
    for hit in hits:
        if hit.query_record_id in record_ids and hit.query_agency_id == sender_id:
            hit.query_agency_id = receiver_id
        if hit.matched_record_id in record_ids and hit.matched_agency_id == sender_id:
            hit.matched_agency_id = receiver_id


def decline_handover(session: Session, *, actor: Actor, handover_id: UUID, reason: str) -> Handover:
    """The receiving agency refuses the seizure, saying why; its read access ends."""
    reason = (reason or "").strip()
    handover, _seizure = _pending(session, actor, handover_id)
    if actor.agency_id != handover.to_agency_id:
        raise Forbidden(_("Only the agency the seizure is offered to may decline it."))
    if not reason:
        raise Invalid(
            _("Say why the hand-over is declined."), [{"field": "reason", "error": "required"}]
        )
    handover.decline_reason = reason
    return _withdraw(session, handover, actor, HandoverStatus.declined)


def cancel_handover(session: Session, *, actor: Actor, handover_id: UUID) -> Handover:
    """The sending agency withdraws its offer; the receiver's read access ends."""
    handover, _seizure = _pending(session, actor, handover_id)
    if actor.agency_id != handover.from_agency_id:
        raise Forbidden(_("Only the agency that offered the seizure may cancel the hand-over."))
    return _withdraw(session, handover, actor, HandoverStatus.cancelled)


def incoming_handovers(session: Session, *, actor: Actor) -> list[Handover]:
    """Pending offers to the actor's agency, oldest first (the dashboard's to-do list)."""
    if actor.agency_id is None:
        return []
    stmt = (
        select(Handover)
        .join(Seizure, Seizure.uuid == Handover.seizure_id)
        .where(
            Handover.to_agency_id == actor.agency_id,
            Handover.status == HandoverStatus.pending.value,
            Seizure.deleted_at.is_(None),
        )
        .order_by(Handover.created_at, Handover.uuid)
    )
    return list(session.execute(stmt).scalars())


def handovers_of(session: Session, *, actor: Actor, seizure_id: UUID) -> list[Handover]:
    """Every hand-over of a visible seizure, oldest first."""
    get_visible(session, Seizure, seizure_id, actor)
    stmt = (
        select(Handover)
        .where(Handover.seizure_id == seizure_id)
        .order_by(Handover.created_at, Handover.uuid)
    )
    return list(session.execute(stmt).scalars())
