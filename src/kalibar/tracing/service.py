"""Trace requests: draft, send, acknowledge, work, answer, close or withdraw; the thread.

Who sees a request (the rule of this slice): members of the requesting agency always;
members of the recipient agency once it was sent (a draft is the requester's alone);
nobody else — absent and hidden both answer 404. Only the requester edits, sends,
withdraws and closes; only the recipient acknowledges, starts work and answers; both
post messages. Every change goes through the ORM, so the audit hook records it.

Who may trace a record: its owner agency (``sharing.visibility.require_owner``, the one
ownership rule), since the answer changes the record (``origin_established``). An answer
changes the record only while the requesting agency still owns it (a hand-over may have
moved it since); otherwise the answer stays on the request and the record is untouched.

Every operation reads the time from ``now`` or ``deadlines.clock`` (tests move it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session, selectinload

from kalibar.agencies.models import Agency
from kalibar.audit.scope import Resolver
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.auth.models import User
from kalibar.config import get_settings
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import N_, _
from kalibar.records.labels import TYPE_LABELS
from kalibar.records.models import RECOVERED, FirearmRecord
from kalibar.records.references import next_references
from kalibar.records.service import get_record
from kalibar.reference.countries import is_historic
from kalibar.sharing.visibility import require_owner
from kalibar.tracing import deadlines
from kalibar.tracing.labels import field_words
from kalibar.tracing.models import (
    OPEN,
    TraceMessage,
    TracePriority,
    TraceRequest,
    TraceResult,
    TraceStatus,
)
from kalibar.tracing.requirements import apply_answer, missing_for_sending
from kalibar.tracing.schemas import CONTENT_FIELDS, AnswerIn
from kalibar.tracing.suggest import Suggestion, country_of_import, country_of_make, suggest

DEFAULT_CONFIDENTIALITY = N_(
    "For law-enforcement use only. Not to be passed to third parties without the "
    "written consent of the requesting authority."
)


# ------------------------------------------------------------------ visibility


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    if actor.agency_id is None:
        return false()
    t = TraceRequest
    return or_(
        t.requester_agency_id == actor.agency_id,
        and_(t.recipient_agency_id == actor.agency_id, t.status != TraceStatus.draft.value),
    )


def get_trace(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, messages: bool = False
) -> TraceRequest:
    stmt = select(TraceRequest).where(TraceRequest.uuid == trace_id, visible_clause(actor))
    if messages:
        stmt = stmt.options(selectinload(TraceRequest.messages))
    found = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise NotFound("TraceRequest", str(trace_id))
    return found


def audit_scopes() -> dict[str, Resolver]:
    """A request and its thread are as visible in the audit trail as in the queues."""

    def requests(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        stmt = select(TraceRequest.uuid).where(TraceRequest.uuid.in_(ids), visible_clause(actor))
        return set(session.execute(stmt).scalars())

    def messages(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        stmt = (
            select(TraceMessage.uuid)
            .join(TraceRequest, TraceRequest.uuid == TraceMessage.request_id)
            .where(TraceMessage.uuid.in_(ids), visible_clause(actor))
        )
        return set(session.execute(stmt).scalars())

    return {"TraceRequest": requests, "TraceMessage": messages}


def is_requester(t: TraceRequest, actor: Actor) -> bool:
    return actor.agency_id is not None and t.requester_agency_id == actor.agency_id


def is_recipient(t: TraceRequest, actor: Actor) -> bool:
    return actor.agency_id is not None and t.recipient_agency_id == actor.agency_id


def recipient_works_here(session: Session, t: TraceRequest) -> bool:
    """True when the recipient agency works on this instance — an agency of this
    instance's country, or one with an active user account here — so it answers in
    Kalibar itself and an answer "from" it never comes as a file."""
    if t.recipient_agency_id is None:
        return False
    if t.recipient_country == get_settings().instance_country:
        return True
    user = select(User.id).where(User.agency_id == t.recipient_agency_id, User.active.is_(True))
    return session.execute(user.limit(1)).scalar() is not None


def _as_requester(session: Session, actor: Actor, trace_id: uuid.UUID) -> TraceRequest:
    t = get_trace(session, actor=actor, trace_id=trace_id)
    if not is_requester(t, actor):
        raise Forbidden(_("Only the requesting agency may do this."))
    return t


def _as_recipient(session: Session, actor: Actor, trace_id: uuid.UUID) -> TraceRequest:
    t = get_trace(session, actor=actor, trace_id=trace_id)
    if not is_recipient(t, actor):
        raise Forbidden(_("Only the agency the request was sent to may do this."))
    return t


def _require_status(t: TraceRequest, *allowed: TraceStatus) -> None:
    if t.status not in {s.value for s in allowed}:
        raise Conflict(
            _("Not possible while the request is %(status)s.") % {"status": t.status},
            [{"field": "status", "value": t.status, "allowed": [s.value for s in allowed]}],
        )


def add_note(
    session: Session,
    t: TraceRequest,
    actor: Actor,
    kind: str,
    body: str,
    at: datetime | None = None,
) -> None:
    """Add a line to the request's message history (status changes, messages, imports)."""
    msg = TraceMessage(
        request_id=t.uuid, agency_code=actor.agency_code, author=actor.username, kind=kind,
        body=body, created_at=deadlines.now_or(at),
    )  # fmt: skip
    msg.request = t
    session.add(msg)


# ------------------------------------------------------------------ drafting


def suggestions(
    session: Session, *, actor: Actor, record_id: uuid.UUID, connected: Sequence[str] = ()
) -> list[Suggestion]:
    record = get_record(session, actor=actor, record_id=record_id)
    return suggest(session, record=record, own_agency=actor.agency_code, connected=list(connected))


def traceable_record(session: Session, *, actor: Actor, record_id: uuid.UUID) -> FirearmRecord:
    """The record to trace: visible (404 otherwise) and owned by the actor's agency (403)."""
    record = get_record(session, actor=actor, record_id=record_id)
    require_owner(record, actor, _("Only the agency that owns the record may request a trace."))
    return record


def prefill(record: FirearmRecord) -> dict[str, Any]:
    """Request content taken from the record (the requester completes the rest)."""
    marks = [record.other_markings.strip()]
    if record.serial_obliterated:
        marks.append(_("Serial number obliterated") + (
            " — " + _("restored") if record.serial_restored else ""))  # fmt: skip
    return {
        "priority": TracePriority.routine.value,
        "event_place": record.event_place,
        "event_date": record.event_date,
        # the type in words (the request is read by people, often abroad), not its code
        "weapon_type": str(TYPE_LABELS.get(record.weapon_type or "", record.weapon_type or "")),
        "make": record.make,
        "model": record.model,
        "calibre": record.calibre,
        "serial_number": record.serial_number,
        # as stamped when that is a former state (SU, YU …): the request goes to its successor
        "country_of_manufacture": record.country_of_manufacture
        if is_historic(record.country_of_manufacture)
        else country_of_make(record) or "",
        "year_of_manufacture": record.year_of_manufacture,
        "import_marking": record.import_marking,
        "markings": "\n".join(m for m in marks if m),
        "confidentiality": str(DEFAULT_CONFIDENTIALITY),
        "connected_countries": [],
    }


def _set_content(t: TraceRequest, content: dict[str, Any]) -> None:
    for key, value in content.items():
        if key not in CONTENT_FIELDS:
            continue
        if key == "connected_countries":
            value = ",".join(dict.fromkeys(value or []))
        elif value is None and key not in {"event_date", "year_of_manufacture"}:
            value = ""
        setattr(t, key, value)


def _recipient_reason(record: FirearmRecord, country: str, connected: list[str]) -> str:
    if country == country_of_make(record):
        return "manufacture"
    if country == country_of_import(record.import_marking):
        return "import"
    return "connected" if country in connected else "other"


def create_drafts(
    session: Session,
    *,
    actor: Actor,
    record_id: uuid.UUID,
    recipients: Sequence[str],
    content: dict[str, Any],
    now: datetime | None = None,
) -> list[TraceRequest]:
    """One draft per recipient agency, pre-filled from the record, completed by ``content``."""
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can request a trace."))
    record = traceable_record(session, actor=actor, record_id=record_id)
    if record.status not in {s.value for s in RECOVERED}:
        raise Invalid(
            _("Only a seized, found or surrendered firearm can be traced."),
            [{"field": "record_id", "value": record.status}],
        )
    codes = list(dict.fromkeys(c.strip().upper() for c in recipients if c.strip()))
    agencies = {
        a.code: a for a in session.execute(select(Agency).where(Agency.code.in_(codes))).scalars()
    }
    bad = [c for c in codes if c not in agencies or not agencies[c].active]
    if bad or not codes:
        raise Invalid(
            _("Unknown recipient agency."), [{"field": "recipients", "value": c} for c in bad]
        )
    if actor.agency_code in codes:
        raise Invalid(
            _("An agency cannot send a trace request to itself."),
            [{"field": "recipients", "value": actor.agency_code}],
        )
    at = deadlines.now_or(now)
    data = prefill(record) | {k: v for k, v in content.items() if v is not None}
    prefix = "TR-" + actor.agency_code.split("-", 1)[-1]
    refs = next_references(session, prefix, len(codes))
    batch = uuid.uuid4()
    made = []
    for code, ref in zip(codes, refs, strict=True):
        agency = agencies[code]
        t = TraceRequest(
            reference=ref,
            batch_id=batch,
            record_id=record.uuid,
            requester_agency_id=actor.agency_id,
            requester_agency_code=actor.agency_code,
            requester_country=actor.country,
            recipient_agency_id=agency.id,
            recipient_agency_code=agency.code,
            recipient_country=agency.country_code,
            recipient_reason=_recipient_reason(
                record, agency.country_code, list(data.get("connected_countries") or [])
            ),
            status=TraceStatus.draft.value,
            created_by=actor.username,
            created_at=at,
        )
        _set_content(t, data)
        session.add(t)
        made.append(t)
    return made


def update_draft(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, content: dict[str, Any]
) -> TraceRequest:
    t = _as_requester(session, actor, trace_id)
    _require_status(t, TraceStatus.draft)
    _set_content(t, content)
    return t


# ------------------------------------------------------------------ the lifecycle


def send(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, now: datetime | None = None
) -> TraceRequest:
    """Send a draft. Refused (422, naming each field) if ITI content is missing."""
    t = _as_requester(session, actor, trace_id)
    _require_status(t, TraceStatus.draft)
    missing = missing_for_sending(t)
    if missing:
        raise Invalid(
            _("The request lacks what the International Tracing Instrument requires: %(f)s.")
            % {"f": field_words(missing)},
            [{"field": f, "message": _("required to send")} for f in missing],
        )
    at = deadlines.now_or(now)
    t.status = TraceStatus.sent.value
    t.sent_at = at
    t.ack_due, t.answer_due = deadlines.due_dates(t.priority, at)
    add_note(session, t, actor, "status", TraceStatus.sent.value, at)
    return t


def acknowledge(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, now: datetime | None = None
) -> TraceRequest:
    t = _as_recipient(session, actor, trace_id)
    _require_status(t, TraceStatus.sent)
    t.status = TraceStatus.acknowledged.value
    t.acknowledged_at = deadlines.now_or(now)
    add_note(session, t, actor, "status", t.status, now)
    return t


def start_work(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, now: datetime | None = None
) -> TraceRequest:
    t = _as_recipient(session, actor, trace_id)
    _require_status(t, TraceStatus.sent, TraceStatus.acknowledged)
    if t.acknowledged_at is None:
        t.acknowledged_at = deadlines.now_or(now)
    t.status = TraceStatus.in_progress.value
    add_note(session, t, actor, "status", t.status, now)
    return t


def answer(
    session: Session,
    *,
    actor: Actor,
    trace_id: uuid.UUID,
    body: AnswerIn,
    now: datetime | None = None,
) -> TraceRequest:
    """Record the result; an answer establishes the record's illicit origin (or not)."""
    t = _as_recipient(session, actor, trace_id)
    _require_status(t, *OPEN)
    at = deadlines.now_or(now)
    apply_answer(t, body)
    t.answered_by = actor.username
    if t.acknowledged_at is None:
        t.acknowledged_at = at
    t.status = TraceStatus.answered.value
    t.answered_at = at
    add_note(session, t, actor, "status", t.status, at)
    mark_record(session, t, actor=actor)
    return t


def mark_record(session: Session, t: TraceRequest, *, actor: Actor | None) -> None:
    """The system consequence of an answer on the requester's record (audited by the hook;
    the answering agency does not need to see the record). Only a record the requesting
    agency owns is changed: the answer acts for the owner, never for somebody else."""
    if t.record_id is None:
        return
    record = session.get(FirearmRecord, t.record_id)
    if record is None or record.deleted_at is not None or t.answered_at is None:
        return
    established = t.result == TraceResult.traced.value
    if record.owner_agency_id != t.requester_agency_id:
        log_event(
            session, actor=actor, action="trace_origin", object_type="TraceRequest",
            object_id=str(t.uuid),
            details={"result": t.result, "applied": False, "reason": "record_not_owned"},
        )  # fmt: skip
        return
    if established:
        record.origin_established = True
        record.origin_source = "tracing"
        record.origin_established_at = t.answered_at.date()
        record.origin_note = (
            f"Trace {t.reference} answered by {t.recipient_agency_code}: point of diversion "
            f"{t.diversion_holder} ({t.diversion_country})"
            + (f", {t.diversion_date.isoformat()}" if t.diversion_date else "")
            + (f"; {t.diversion_how}" if t.diversion_how else "")
        )[:4000]
    elif not record.origin_established:
        reason = t.not_traced_reason or t.result or ""
        record.origin_note = (
            f"Trace {t.reference} answered by {t.recipient_agency_code}: {t.result} ({reason})"
        )
    log_event(
        session,
        actor=actor,
        action="trace_origin",
        object_type="FirearmRecord",
        object_id=str(record.uuid),
        details={"trace": str(t.uuid), "result": t.result, "established": established},
    )


def withdraw(
    session: Session,
    *,
    actor: Actor,
    trace_id: uuid.UUID,
    reason: str = "",
    now: datetime | None = None,
) -> TraceRequest:
    t = _as_requester(session, actor, trace_id)
    _require_status(t, TraceStatus.draft, *OPEN)
    t.status = TraceStatus.withdrawn.value
    t.withdrawn_at = deadlines.now_or(now)
    t.withdraw_reason = reason.strip()
    add_note(session, t, actor, "status", t.status, now)
    return t


def close(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, now: datetime | None = None
) -> TraceRequest:
    t = _as_requester(session, actor, trace_id)
    _require_status(t, TraceStatus.answered)
    t.status = TraceStatus.closed.value
    t.closed_at = deadlines.now_or(now)
    add_note(session, t, actor, "status", t.status, now)
    return t


def post_message(
    session: Session,
    *,
    actor: Actor,
    trace_id: uuid.UUID,
    body: str,
    now: datetime | None = None,
) -> TraceRequest:
    t = get_trace(session, actor=actor, trace_id=trace_id)
    if not body.strip():
        raise Invalid(_("Write a message first."), [{"field": "body"}])
    add_note(session, t, actor, "message", body.strip(), now)
    return t
