"""Trace requests and answers as JSON, for partners on another Kalibar instance (or none).

Designed for federation: a document names its schema and version, the request's UUID
(the same on both sides), the sending instance, country and agency, and the recipient
agency. An instance is named by its country (``KALIBAR_INSTANCE_COUNTRY``).

* ``kalibar.trace-request`` — exported by either side; imported by the recipient agency
  on its own instance, where it becomes an incoming request (the requester is known only
  by its code there).
* ``kalibar.trace-answer`` — exported once answered; imported by the requesting agency,
  where it answers the outgoing request and marks the record, as an answer given here does.

An import is refused (422, saying what is wrong) when the file is not JSON, not one of
these documents, lacks or mistypes fields, is meant for another instance or for an agency
not on this one, or is addressed to an agency other than the importer's.

An answer is accepted only for a request this instance sent (not one it imported) to a
recipient that does not work here (``service.recipient_works_here``: an agency of this
country, or with an active account here, answers in Kalibar itself), from that recipient,
and only by the agency that owns the record the answer changes (403 otherwise) — the one
ownership rule, ``sharing.visibility.require_owner``. A file carries no signature yet, so
it is trusted as far as the importer's own record goes and no further.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.files import file_limits, load_json
from kalibar.i18n import _
from kalibar.records.models import FirearmRecord
from kalibar.sharing.visibility import require_owner
from kalibar.tracing import deadlines, service
from kalibar.tracing.models import OPEN, TracePriority, TraceRequest, TraceResult, TraceStatus
from kalibar.tracing.schemas import AnswerIn

REQUEST_SCHEMA = "kalibar.trace-request"
ANSWER_SCHEMA = "kalibar.trace-answer"
VERSION = 1
MAX_BYTES = 1_000_000


def instance() -> str:
    return get_settings().instance_country


class Party(BaseModel):
    instance: str | None = Field(None, max_length=64)
    country: str = Field(min_length=2, max_length=2)
    agency: str = Field(min_length=1, max_length=32)
    agency_name: str = Field("", max_length=200)


class Firearm(BaseModel):
    weapon_type: str = Field("", max_length=32)
    make: str = Field("", max_length=120)
    model: str = Field("", max_length=120)
    calibre: str = Field("", max_length=80)
    serial_number: str = Field("", max_length=80)
    country_of_manufacture: str = Field("", max_length=2)
    year_of_manufacture: int | None = None
    import_marking: str = Field("", max_length=120)
    markings: str = Field("", max_length=4000)
    photo_references: str = Field("", max_length=4000)


class RequestDoc(BaseModel):
    schema_: Literal["kalibar.trace-request"] = Field(alias="schema")
    schema_version: Literal[1]
    request_id: uuid.UUID
    reference: str = Field(max_length=40)
    sender: Party
    recipient: Party
    sent_at: datetime | None = None
    ack_due: datetime | None = None
    answer_due: datetime | None = None
    priority: TracePriority
    urgency_justification: str = Field("", max_length=4000)
    legal_basis: str = Field(min_length=1, max_length=4000)
    circumstances: str = Field(min_length=1, max_length=4000)
    event_place: str = Field("", max_length=200)
    event_date: date | None = None
    firearm: Firearm
    intended_use: str = Field(min_length=1, max_length=4000)
    confidentiality: str = Field("", max_length=4000)
    connected_countries: list[str] = Field(default_factory=list)


class AnswerDoc(BaseModel):
    schema_: Literal["kalibar.trace-answer"] = Field(alias="schema")
    schema_version: Literal[1]
    request_id: uuid.UUID
    reference: str = Field("", max_length=40)
    sender: Party
    recipient: Party
    answered_at: datetime
    answered_by: str = Field("", max_length=80)
    answer: AnswerIn


def _party(session: Session, code: str, country: str, local: bool) -> dict[str, Any]:
    name = session.execute(select(Agency.name).where(Agency.code == code)).scalar()
    return {
        "instance": instance() if local else None,
        "country": country,
        "agency": code,
        "agency_name": name or "",
    }


def request_document(session: Session, t: TraceRequest) -> dict[str, Any]:
    firearm = Firearm.model_validate(t, from_attributes=True)
    return {
        "schema": REQUEST_SCHEMA,
        "schema_version": VERSION,
        "request_id": str(t.uuid),
        "reference": t.reference,
        "sender": _party(session, t.requester_agency_code, t.requester_country, not t.imported)
        | ({"instance": t.requester_instance or None} if t.imported else {}),
        "recipient": _party(session, t.recipient_agency_code, t.recipient_country, t.imported),
        "sent_at": t.sent_at.isoformat() if t.sent_at else None,
        "ack_due": t.ack_due.isoformat() if t.ack_due else None,
        "answer_due": t.answer_due.isoformat() if t.answer_due else None,
        "priority": t.priority,
        "urgency_justification": t.urgency_justification,
        "legal_basis": t.legal_basis,
        "circumstances": t.circumstances,
        "event_place": t.event_place,
        "event_date": t.event_date.isoformat() if t.event_date else None,
        "firearm": firearm.model_dump(mode="json"),
        "intended_use": t.intended_use,
        "confidentiality": t.confidentiality,
        "connected_countries": t.connected,
    }


def answer_document(session: Session, t: TraceRequest) -> dict[str, Any]:
    if t.result is None or t.answered_at is None:
        raise Conflict(_("The request has not been answered yet."), [{"field": "status"}])
    body = AnswerIn(
        result=TraceResult(t.result),
        diversion_holder=t.diversion_holder,
        diversion_country=t.diversion_country,
        diversion_date=t.diversion_date,
        diversion_how=t.diversion_how,
        transfer_chain=t.transfer_chain,
        documents=t.documents,
        not_traced_reason=t.not_traced_reason or None,
        note=t.answer_note,
    )
    return {
        "schema": ANSWER_SCHEMA,
        "schema_version": VERSION,
        "request_id": str(t.uuid),
        "reference": t.reference,
        "sender": _party(session, t.recipient_agency_code, t.recipient_country, t.imported),
        "recipient": _party(session, t.requester_agency_code, t.requester_country, not t.imported),
        "answered_at": t.answered_at.isoformat(),
        "answered_by": t.answered_by,
        "answer": body.model_dump(mode="json"),
    }


def export_json(
    session: Session, *, actor: Actor, trace_id: uuid.UUID, what: str = "request"
) -> dict[str, Any]:
    """The request (or its answer) as a document; the export is written to the audit trail."""
    t = service.get_trace(session, actor=actor, trace_id=trace_id)
    if t.status == TraceStatus.draft.value:
        raise Conflict(_("Send the request before exporting it."), [{"field": "status"}])
    doc = answer_document(session, t) if what == "answer" else request_document(session, t)
    details = {"format": "json", "document": doc["schema"]}
    log_event(session, actor=actor, action="export", object_type="TraceRequest",
              object_id=str(t.uuid), details=details)  # fmt: skip
    return doc


# ------------------------------------------------------------------ import


def _parse(raw: bytes | str) -> dict[str, Any]:
    """The document's JSON: at most ``MAX_BYTES`` (413) and ``KALIBAR_JSON_MAX_DEPTH`` levels
    deep (422), like every JSON file Kalibar reads (:func:`kalibar.files.load_json`)."""
    limits = replace(file_limits(), document_bytes=MAX_BYTES)
    data = load_json(raw, name=_("The trace document"), limits=limits)
    if not isinstance(data, dict):
        raise Invalid(_("The file is not a Kalibar trace document."), [{"field": "schema"}])
    return data


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        raise Invalid(
            _("The trace document is not valid: %(fields)s.")
            % {"fields": ", ".join(d["field"] for d in details)},
            details,
        ) from exc


def import_document(
    session: Session, *, actor: Actor, raw: bytes | str, now: datetime | None = None
) -> TraceRequest:
    """Import a request addressed to the actor's agency, or an answer to its request."""
    if actor.agency_id is None:
        raise Forbidden(_("Import as a member of an agency (the recipient of the document)."))
    data = _parse(raw)
    kind = data.get("schema")
    if kind == REQUEST_SCHEMA:
        return _import_request(session, actor, _validated(RequestDoc, data), now)
    if kind == ANSWER_SCHEMA:
        return _import_answer(session, actor, _validated(AnswerDoc, data), now)
    raise Invalid(
        _("Unknown document schema %(schema)r: expected %(a)s or %(b)s.")
        % {"schema": kind, "a": REQUEST_SCHEMA, "b": ANSWER_SCHEMA},
        [{"field": "schema", "value": str(kind)}],
    )


def _addressed_here(session: Session, actor: Actor, to: Party) -> Agency:
    if to.instance and to.instance != instance():
        raise Invalid(
            _("The document is for the Kalibar instance %(theirs)s; this is %(ours)s.")
            % {"theirs": to.instance, "ours": instance()},
            [{"field": "recipient.instance", "value": to.instance}],
        )
    agency = session.execute(select(Agency).where(Agency.code == to.agency)).scalar_one_or_none()
    if agency is None:
        raise Invalid(
            _("The recipient agency %(code)s is not on this instance.") % {"code": to.agency},
            [{"field": "recipient.agency", "value": to.agency}],
        )
    if agency.id != actor.agency_id:
        raise Invalid(
            _("The document is addressed to %(code)s, not to your agency %(mine)s.")
            % {"code": to.agency, "mine": actor.agency_code},
            [{"field": "recipient.agency", "value": to.agency}],
        )
    return agency


def _import_request(
    session: Session, actor: Actor, doc: RequestDoc, now: datetime | None
) -> TraceRequest:
    agency = _addressed_here(session, actor, doc.recipient)
    if session.get(TraceRequest, doc.request_id) is not None:
        raise Conflict(
            _("This request is already on this instance."),
            [{"field": "request_id", "value": str(doc.request_id)}],
        )
    at = deadlines.now_or(now)
    sent = doc.sent_at or at
    ack_due, answer_due = deadlines.due_dates(doc.priority.value, sent)
    t = TraceRequest(
        uuid=doc.request_id,
        reference=doc.reference,
        batch_id=doc.request_id,
        requester_agency_code=doc.sender.agency,
        requester_country=doc.sender.country.upper(),
        requester_instance=doc.sender.instance or "",
        recipient_agency_id=agency.id,
        recipient_agency_code=agency.code,
        recipient_country=agency.country_code,
        imported=True,
        status=TraceStatus.sent.value,
        priority=doc.priority.value,
        created_by=actor.username,
        created_at=at,
        sent_at=sent,
        ack_due=doc.ack_due or ack_due,
        answer_due=doc.answer_due or answer_due,
        connected_countries=",".join(c.upper() for c in doc.connected_countries),
        **doc.model_dump(
            include={
                "urgency_justification",
                "legal_basis",
                "circumstances",
                "event_place",
                "event_date",
                "intended_use",
                "confidentiality",
            }
        ),  # fmt: skip
        **doc.firearm.model_dump(),
    )
    session.add(t)
    service.add_note(session, t, actor, "status", "imported", at)
    log_event(session, actor=actor, action="import", object_type="TraceRequest",
              object_id=str(t.uuid), details={"document": REQUEST_SCHEMA,
                                              "sender": doc.sender.agency})  # fmt: skip
    return t


def _import_answer(
    session: Session, actor: Actor, doc: AnswerDoc, now: datetime | None
) -> TraceRequest:
    _addressed_here(session, actor, doc.recipient)
    t = session.get(TraceRequest, doc.request_id)
    if t is None or t.imported or not service.is_requester(t, actor):
        # Only a request this instance sent; an imported one is answered here, not imported.
        raise Invalid(
            _("No request %(id)s of your agency is on this instance.") % {"id": doc.request_id},
            [{"field": "request_id", "value": str(doc.request_id)}],
        )
    if doc.sender.agency != t.recipient_agency_code:
        raise Invalid(
            _("The answer comes from %(code)s, but the request went to %(to)s.")
            % {"code": doc.sender.agency, "to": t.recipient_agency_code},
            [{"field": "sender.agency", "value": doc.sender.agency}],
        )
    if service.recipient_works_here(session, t):
        raise Invalid(
            _(
                "%(code)s works on this instance and answers in Kalibar itself; an answer "
                "from it is not accepted as a file."
            )
            % {"code": t.recipient_agency_code},
            [{"field": "sender.agency", "value": doc.sender.agency}],
        )
    if t.record_id is not None:
        # The answer changes the record: only its owner agency may bring that in.
        record = session.get(FirearmRecord, t.record_id)
        if record is not None:
            require_owner(
                record,
                actor,
                _("Only the agency that owns the record may import an answer about it."),
            )
    if t.status not in {s.value for s in OPEN}:
        raise Conflict(
            _("Not possible while the request is %(status)s.") % {"status": t.status},
            [{"field": "status", "value": t.status}],
        )
    from kalibar.tracing.requirements import apply_answer

    apply_answer(t, doc.answer)
    t.answered_by = f"{doc.answered_by} ({doc.sender.agency})".strip()
    t.answered_at = doc.answered_at
    t.acknowledged_at = t.acknowledged_at or doc.answered_at
    t.status = TraceStatus.answered.value
    service.add_note(session, t, actor, "status", "answer_imported", now)
    service.mark_record(session, t, actor=actor)
    return t
