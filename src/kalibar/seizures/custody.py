"""Chain of custody: for each seized item an append-only sequence of signed events.

Why a digest chain. A custody record is evidence in court: it must show that nobody
rewrote who held an item, when, under which seal. Each event stores the SHA-256 of the
previous event's digest and its own fields (canonical JSON), so editing or removing an
event in the database breaks every digest after it, and :func:`verify_custody` says
where. (Removing the *last* event leaves the chain consistent; the audit trail still has
its insert.) The ORM refuses to update or delete a :class:`CustodyEvent` at all
(:func:`before_flush` and :func:`do_orm_execute`, installed by ``kalibar.app.listeners``).

Order rules: the first event is ``seized`` (and only the first); an event is not earlier
than the previous one and not in the future; ``sealed`` needs a seal number;
``transferred`` names who receives; ``received`` follows a ``transferred``; nothing comes
after ``released`` or ``destroyed``.

Who may append: members of the agency owning the seizure, and members of an agency a
hand-over of the seizure is offered to (pending) or was accepted by — so the receiving
officer signs ``received`` with their own login. Items removed from a seizure take no
more events. Closed seizures still do: storage, release and destruction come after the
case file is closed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState, Session

from kalibar.audit.chain import canonical_json
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.seizures import vocabulary
from kalibar.seizures.access import visible_part
from kalibar.seizures.models import (
    CustodyEvent,
    Handover,
    HandoverStatus,
    SeizedItem,
    Seizure,
)
from kalibar.sharing.visibility import can_edit

#: Actions after which the item has left the chain for good.
FINAL = ("released", "destroyed")
#: Clock difference tolerated between a device and the server for "not in the future".
CLOCK_SKEW = timedelta(minutes=5)
#: Column limits of the text fields (see models.CustodyEvent).
_LIMITS = {"seal_number": 64, "from_party": 200, "to_party": 200, "location": 200,
           "condition": 300}  # fmt: skip


# ------------------------------------------------------------------ digests


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def event_fields(ev: CustodyEvent) -> dict[str, Any]:
    """The fields the digest covers: everything but the row's own id and digest."""
    return {
        "item_id": str(ev.item_id),
        "seizure_id": str(ev.seizure_id),
        "sequence": ev.sequence,
        "action": ev.action,
        "occurred_at": _stamp(ev.occurred_at),
        "seal_number": ev.seal_number or "",
        "from_party": ev.from_party or "",
        "to_party": ev.to_party or "",
        "location": ev.location or "",
        "condition": ev.condition or "",
        "note": ev.note or "",
        "signed_by": ev.signed_by,
        "signed_agency": ev.signed_agency or "",
        "recorded_at": _stamp(ev.recorded_at),
    }


def compute_digest(previous: str, ev: CustodyEvent) -> str:
    payload = previous + canonical_json(event_fields(ev))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verify_custody(events: Sequence[CustodyEvent]) -> list[str]:
    """Problems found in one item's chain (empty when intact): gaps, foreign events,
    digests that do not match the stored fields."""
    problems: list[str] = []
    ordered = sorted(events, key=lambda e: e.sequence)
    previous = ""
    item_id = ordered[0].item_id if ordered else None
    for expected, ev in enumerate(ordered, start=1):
        if ev.item_id != item_id:
            problems.append(
                _("Event %(n)s belongs to another item.") % {"n": ev.sequence},
            )
        if ev.sequence != expected:
            problems.append(
                _("Event %(expected)s is missing (found %(n)s instead).")
                % {"expected": expected, "n": ev.sequence}
            )
        if compute_digest(previous, ev) != ev.digest:
            problems.append(
                _(
                    "Event %(n)s (%(action)s) was changed after it was recorded: its digest does "
                    "not match."
                )
                % {"n": ev.sequence, "action": ev.action}
            )
        previous = ev.digest
    return problems


# ------------------------------------------------------------------ reading


def _item(session: Session, item_id: uuid.UUID, *, lock: bool = False) -> SeizedItem:
    stmt = select(SeizedItem).where(SeizedItem.uuid == item_id)
    if lock:  # appends queue up: the next sequence is read under the write lock
        lock_for_writing(session)
        stmt = stmt.with_for_update()
    found = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise NotFound("SeizedItem", str(item_id))
    return found


def _events(session: Session, item_id: uuid.UUID) -> list[CustodyEvent]:
    stmt = (
        select(CustodyEvent).where(CustodyEvent.item_id == item_id).order_by(CustodyEvent.sequence)
    )
    return list(session.execute(stmt).scalars())


def custody_chain(session: Session, *, actor: Actor, item_id: uuid.UUID) -> list[CustodyEvent]:
    """The item's events, oldest first, if the actor may see its seizure (a hidden item is
    as absent as a missing one: the 404 names the item only)."""
    visible_part(session, actor, SeizedItem, item_id, include_removed=True)
    return _events(session, item_id)


# ------------------------------------------------------------------ appending


def may_append(session: Session, seizure: Seizure, actor: Actor) -> bool:
    """Owner agency, or the agency a hand-over is offered to or was accepted by."""
    if actor.agency_id is None:
        return False
    if can_edit(seizure, actor):
        return True
    handover = session.execute(
        select(Handover.uuid)
        .where(
            Handover.seizure_id == seizure.uuid,
            Handover.to_agency_id == actor.agency_id,
            Handover.status.in_([HandoverStatus.pending.value, HandoverStatus.accepted.value]),
        )
        .limit(1)
    ).scalar_one_or_none()
    return handover is not None


def _clean_text(values: dict[str, str]) -> dict[str, str]:
    cleaned = {k: (v or "").strip() for k, v in values.items()}
    too_long = [k for k, v in cleaned.items() if k in _LIMITS and len(v) > _LIMITS[k]]
    if too_long:
        raise Invalid(
            _("Some custody fields are too long: %(fields)s.") % {"fields": ", ".join(too_long)},
            [{"field": k, "max_length": _LIMITS[k]} for k in too_long],
        )
    return cleaned


def _when(occurred_at: datetime | None, now: datetime) -> datetime:
    if occurred_at is None:
        return now
    if occurred_at.tzinfo is None:
        raise Invalid(
            _("The time of the custody event needs a time zone."),
            [{"field": "occurred_at", "error": "naive"}],
        )
    when = occurred_at.astimezone(UTC)
    if when > now + CLOCK_SKEW:
        raise Invalid(
            _("A custody event cannot be in the future."),
            [{"field": "occurred_at", "error": "future", "value": when.isoformat()}],
        )
    return when


def _check_order(
    previous: CustodyEvent | None, action: str, when: datetime, fields: dict[str, str]
) -> None:
    if previous is None and action != "seized":
        raise Conflict(
            _("The first custody event of an item must be 'seized', not '%(action)s'.")
            % {"action": action},
            [{"field": "action", "error": "first_must_be_seized", "value": action}],
        )
    if previous is not None:
        if action == "seized":
            raise Conflict(
                _("The item was already recorded as seized; 'seized' is only the first event."),
                [{"field": "action", "error": "already_seized"}],
            )
        if previous.action in FINAL:
            raise Conflict(
                _("The item was %(action)s; its chain of custody is closed.")
                % {"action": previous.action},
                [{"field": "action", "error": "chain_closed", "previous": previous.action}],
            )
        if when < previous.occurred_at:
            raise Conflict(
                _("A custody event cannot be earlier than the previous one (%(at)s).")
                % {"at": _stamp(previous.occurred_at)},
                [{"field": "occurred_at", "error": "before_previous",
                  "previous": _stamp(previous.occurred_at)}],
            )  # fmt: skip
        if action == "received" and previous.action != "transferred":
            raise Conflict(
                _("'received' must follow a 'transferred' event (the previous is '%(action)s').")
                % {"action": previous.action},
                [{"field": "action", "error": "received_without_transfer",
                  "previous": previous.action}],
            )  # fmt: skip
    if action == "sealed" and not fields["seal_number"]:
        raise Invalid(
            _("A 'sealed' event needs the seal number."),
            [{"field": "seal_number", "error": "required"}],
        )
    if action == "transferred" and not fields["to_party"]:
        raise Invalid(
            _("A 'transferred' event needs the receiving party."),
            [{"field": "to_party", "error": "required"}],
        )


def append_event(
    session: Session,
    *,
    actor: Actor,
    item_id: uuid.UUID,
    action: str,
    occurred_at: datetime | None = None,
    seal_number: str = "",
    from_party: str = "",
    to_party: str = "",
    location: str = "",
    condition: str = "",
    note: str = "",
) -> CustodyEvent:
    """Append one signed event to the item's chain (validated first; nothing half-way)."""
    vocabulary.check("custody_action", action, "action")
    fields = _clean_text(
        {"seal_number": seal_number, "from_party": from_party, "to_party": to_party,
         "location": location, "condition": condition, "note": note}
    )  # fmt: skip
    now = utcnow()
    when = _when(occurred_at, now)
    item = _item(session, item_id, lock=True)
    seizure = visible_part(session, actor, SeizedItem, item_id, include_removed=True)[1]
    if not may_append(session, seizure, actor):
        raise Forbidden(
            _(
                "Only the owner agency, or an agency the seizure is handed over to, may add "
                "custody events."
            )
        )
    if item.deleted_at is not None:
        raise Conflict(
            _("The item was removed from the seizure; its chain of custody takes no more events."),
            [{"field": "item_id", "error": "removed"}],
        )
    events = _events(session, item_id)
    previous = events[-1] if events else None
    _check_order(previous, action, when, fields)
    ev = CustodyEvent(
        item_id=item.uuid,
        seizure_id=item.seizure_id,
        sequence=(previous.sequence + 1) if previous else 1,
        action=action,
        occurred_at=when,
        signed_by=actor.username,
        signed_agency=actor.agency_code,
        recorded_at=now,
        **fields,
    )
    ev.digest = compute_digest(previous.digest if previous else "", ev)
    ev.item = item
    session.add(ev)
    session.flush()
    return ev


# ------------------------------------------------------------------ append-only guard


class AppendOnly(Conflict):
    """Raised when code tries to change or remove a custody event."""


def _refuse() -> None:
    raise AppendOnly(
        _("Custody events are append-only: they cannot be changed or deleted."),
        [{"field": "custody", "error": "append_only"}],
    )


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, CustodyEvent):
            _refuse()
    for obj in session.dirty:
        if isinstance(obj, CustodyEvent) and session.is_modified(obj, include_collections=False):
            _refuse()


def do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    if any(m.class_ is CustodyEvent for m in state.all_mappers):
        _refuse()



__all__ = [
    "FINAL",
    "AppendOnly",
    "append_event",
    "compute_digest",
    "custody_chain",
    "before_flush",
    "do_orm_execute",
    "may_append",
    "verify_custody",
]
