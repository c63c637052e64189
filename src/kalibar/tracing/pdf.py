"""A trace request (and its answer, once given) as a formal PDF letter.

Layout and the vendored font are in :mod:`kalibar.pdf_layout`; headings are in the
exporting user's language.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Conflict
from kalibar.i18n import _
from kalibar.pdf_layout import Document
from kalibar.tracing import service
from kalibar.tracing.labels import PRIORITY_LABELS, REASON_LABELS, RESULT_LABELS, STATUS_LABELS
from kalibar.tracing.models import TraceRequest, TraceStatus


def _names(session: Session, *codes: str) -> dict[str, str]:
    rows = session.execute(select(Agency.code, Agency.name).where(Agency.code.in_(codes))).all()
    return {c: n for c, n in rows}


def render(session: Session, t: TraceRequest) -> bytes:
    names = _names(session, t.requester_agency_code, t.recipient_agency_code)
    doc = Document(_("%(ref)s · request %(uuid)s") % {"ref": t.reference, "uuid": t.uuid})
    heading, row, para = doc.heading, doc.row, doc.para
    doc.headline(
        _("International Tracing Request"),
        _("Under the International Instrument to Enable States to Identify and Trace, in a "
          "Timely and Reliable Manner, Illicit Small Arms and Light Weapons (ITI) and "
          "ISACS 05.31."),
    )  # fmt: skip
    heading(_("Request"))
    row(_("Reference"), t.reference)
    row(_("Request UUID"), t.uuid)
    row(_("Status"), STATUS_LABELS.get(t.status, t.status))
    row(_("Priority"), PRIORITY_LABELS.get(t.priority, t.priority))
    if t.urgency_justification:
        row(_("Why urgent"), t.urgency_justification)
    row(_("Sent"), t.sent_at)
    row(_("Acknowledge by"), t.ack_due)
    row(_("Answer by"), t.answer_due)
    heading(_("Requesting authority"))
    row(_("Agency"), f"{t.requester_agency_code} — {names.get(t.requester_agency_code, '')}")
    row(_("Country"), t.requester_country)
    row(_("Contact"), t.created_by)
    heading(_("Requested authority"))
    row(_("Agency"), f"{t.recipient_agency_code} — {names.get(t.recipient_agency_code, '')}")
    row(_("Country"), t.recipient_country)
    row(_("Why this country"), REASON_LABELS.get(t.recipient_reason, t.recipient_reason))
    heading(_("Why the weapon is considered illicit"))
    para(_("Legal basis"), t.legal_basis)
    para(_("Where and how it was found or seized"), t.circumstances)
    row(_("Place"), t.event_place)
    row(_("Date"), t.event_date)
    row(_("Other connected countries"), ", ".join(t.connected))
    heading(_("Identification of the weapon"))
    row(_("Type"), t.weapon_type)
    row(_("Make"), t.make)
    row(_("Model"), t.model)
    row(_("Calibre"), t.calibre)
    row(_("Serial number"), t.serial_number)
    row(_("Country of manufacture"), t.country_of_manufacture)
    row(_("Year of manufacture"), t.year_of_manufacture)
    row(_("Import marking"), t.import_marking)
    para(_("Markings"), t.markings)
    para(_("Photographs of the markings"), t.photo_references)
    heading(_("Use of the answer and confidentiality"))
    para(_("Intended use of the information"), t.intended_use)
    para(_("Confidentiality conditions"), t.confidentiality)
    if t.result:
        heading(_("Answer"))
        row(_("Result"), RESULT_LABELS.get(t.result, t.result))
        row(_("Answered"), t.answered_at)
        row(_("Last legal holder"), t.diversion_holder)
        row(_("Country of diversion"), t.diversion_country)
        row(_("Date of diversion"), t.diversion_date)
        para(_("How it was diverted"), t.diversion_how)
        para(_("Chain of transfers"), t.transfer_chain)
        para(_("Documents"), t.documents)
        if t.not_traced_reason:
            row(_("Reason not traced"), REASON_LABELS.get(t.not_traced_reason, ""))
        para(_("Note"), t.answer_note)
    doc.signature_lines(_("Date, name and signature"), _("Stamp"))
    return doc.pdf_bytes()


def export_pdf(session: Session, *, actor: Actor, trace_id: uuid.UUID) -> tuple[bytes, str]:
    """The PDF and a file name; the export is written to the audit trail."""
    t = service.get_trace(session, actor=actor, trace_id=trace_id)
    if t.status == TraceStatus.draft.value and not service.is_requester(t, actor):
        raise Conflict(_("Send the request before exporting it."), [{"field": "status"}])
    data = render(session, t)
    log_event(session, actor=actor, action="export", object_type="TraceRequest",
              object_id=str(t.uuid), details={"format": "pdf"})  # fmt: skip
    return data, f"{t.reference}.pdf"
