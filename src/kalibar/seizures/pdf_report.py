"""The seizure report as PDF.

The report is what goes to the prosecutor and into the case file: the event, what was
seized (with the firearm records and their hits), who was involved, each procedure step's
state, the chain of custody and the evidence hashes. Headings are in the exporting user's
language; values are printed as recorded (names in Latin or Cyrillic). Every export is
written to the audit trail.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kalibar import i18n
from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.clock import moment
from kalibar.i18n import N_, _
from kalibar.labels import label as word_for
from kalibar.matching.models import Hit
from kalibar.pdf_layout import Document
from kalibar.records.labels import STATUS_LABELS as RECORD_STATUS
from kalibar.seizures import custody, procedures
from kalibar.seizures.labels import label
from kalibar.seizures.models import (
    Entity,
    EvidenceFile,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
    StepStatus,
)
from kalibar.seizures.pdf_custody import (
    agencies_by_id,
    agency_code,
    agency_line,
    custody_headings,
    custody_rows,
    quantity,
)
from kalibar.seizures.service import place_text, visible_records
from kalibar.sharing.visibility import get_visible, visible

HIT_STATUS = {"open": N_("open"), "confirmed": N_("confirmed"), "rejected": N_("rejected")}
ENTITY_KIND = {
    "person": N_("person"),
    "company": N_("company"),
    "vehicle": N_("vehicle"),
    "phone": N_("phone"),
    "address": N_("address"),
}


def _labels(list_name: str, codes: str) -> str:
    return ", ".join(label(list_name, c.strip()) for c in codes.split(",") if c.strip())


def _coordinates(s: Seizure) -> str:
    if s.latitude is None or s.longitude is None:
        return ""
    return f"{s.latitude:.5f}, {s.longitude:.5f}"


def _route(s: Seizure) -> str:
    stops = [s.origin_country or "?"]
    stops += [c.strip() for c in s.transit_countries.split(",") if c.strip()]
    stops.append(s.destination_country or "?")
    return "" if stops == ["?", "?"] else " → ".join(stops)


# ------------------------------------------------------------------ loading


def _hits(session: Session, record_ids: set[uuid.UUID]) -> list[Hit]:
    """Hits on the seizure's records: the seizure's visibility decides, as for its items;
    the other side's record is shown only if the actor may see it."""
    if not record_ids:
        return []
    stmt = (
        select(Hit)
        .where(or_(Hit.query_record_id.in_(record_ids), Hit.matched_record_id.in_(record_ids)))
        .order_by(Hit.score.desc())
    )
    return list(session.execute(stmt).scalars())


def _involvements(
    session: Session, actor: Actor, seizure_id: uuid.UUID
) -> tuple[list[tuple[Involvement, Entity]], int]:
    """Entities the actor may see, and how many more are hidden from them."""
    stmt = (
        select(Involvement, Entity)
        .join(Entity, Entity.uuid == Involvement.entity_id)
        .where(Involvement.seizure_id == seizure_id)
        .order_by(Involvement.created_at)
    )
    shown = [(i, e) for i, e in session.execute(visible(stmt, Entity, actor)).all()]
    total = len(
        session.execute(select(Involvement.uuid).where(Involvement.seizure_id == seizure_id)).all()
    )
    return shown, total - len(shown)


# ------------------------------------------------------------------ sections


def _event(doc: Document, s: Seizure, agencies: dict[int, Agency]) -> None:
    row = doc.row
    doc.heading(_("Seizure event"))
    row(_("Reference"), s.reference)
    row(_("Status"), label("seizure_status", s.status))
    row(_("Owner agency"), agency_line(agencies, s.owner_agency_id))
    row(_("Seizing agency"), agency_line(agencies, s.seizing_agency_id))
    row(_("Recorded by"), s.recorded_by)
    row(_("Date and time"), s.occurred_at)
    row(_("Place"), place_text(s))
    row(_("Coordinates"), _coordinates(s))
    row(_("Context"), label("context", s.context))
    row(_("Direction"), label("direction", s.direction))
    row(_("Route"), _route(s))
    row(_("Detection method"), label("detection_method", s.detection_method))
    row(_("Concealment method"), label("concealment_method", s.concealment_method))
    row(_("Conveyance"), label("conveyance_kind", s.conveyance_kind))
    conveyance = [
        (_("Vehicle registration"), s.vehicle_registration),
        (_("Vehicle make"), s.vehicle_make),
        (_("Bus line"), s.bus_line),
        (_("Parcel number"), s.parcel_number),
        (_("Container number"), s.container_number),
    ]
    for name, value in conveyance:
        if value:
            row(name, value)
    row(_("Criminal context"), _labels("criminal_context", s.criminal_context))
    if s.declaration_uuid:
        row(_("Declaration"), s.declaration_uuid)
    if s.closed_at:
        row(_("Closed"), f"{moment(s.closed_at)} · {s.closed_by}")
    doc.para(_("Legal basis"), s.legal_basis)
    doc.para(_("Narrative"), s.narrative)


def _hit_line(
    hit: Hit, record_id: uuid.UUID, records: dict[uuid.UUID, Any], agencies: dict[int, Agency]
) -> str:
    mine_is_query = hit.query_record_id == record_id
    other_id = hit.matched_record_id if mine_is_query else hit.query_record_id
    other_agency = agency_code(
        agencies, hit.matched_agency_id if mine_is_query else hit.query_agency_id
    )
    other = records.get(other_id)
    head = f"{hit.score:.0%} · {HIT_STATUS.get(hit.status, hit.status)}"
    if other is None:
        return f"{head} · {other_agency} · " + _("record not visible to your agency")
    ident = " ".join(v for v in (other.make, other.model, other.calibre) if v)
    return (
        f"{head} · {other.reference} ({RECORD_STATUS.get(other.status, other.status)}, "
        f"{other_agency}) · {ident} · {_('serial number')} {other.serial_number or '—'}"
    )


def _items(
    doc: Document,
    session: Session,
    actor: Actor,
    items: list[SeizedItem],
    agencies: dict[int, Agency],
) -> None:
    doc.heading(_("Items seized"))
    if not items:
        doc.note(_("No items recorded."))
        return
    record_ids = {i.record_id for i in items if i.record_id}
    hits = _hits(session, record_ids)
    records = visible_records(session, actor, record_ids | {h.query_record_id for h in hits}
                       | {h.matched_record_id for h in hits})  # fmt: skip
    agencies.update(
        agencies_by_id(
            session, {h.query_agency_id for h in hits} | {h.matched_agency_id for h in hits}
        )
    )
    for item in items:
        doc.subheading(f"{item.position}. {label('item_kind', item.kind)}")
        row = doc.row
        row(_("Quantity"), quantity(item))
        if item.description:
            row(_("Description"), item.description)
        if item.part_kind:
            row(_("Part"), label("part_kind", item.part_kind))
        if item.calibre:
            row(_("Calibre"), item.calibre)
        if item.ammunition_type:
            row(_("Ammunition type"), label("ammunition_type", item.ammunition_type))
        if item.explosive_type:
            row(_("Explosive type"), label("explosive_type", item.explosive_type))
        if not item.record_id:
            continue
        rec = records.get(item.record_id)
        if rec is None:
            row(_("Firearm record"), _("not visible to your agency"))
            continue
        row(_("Firearm record"), rec.reference)
        row(_("Make"), rec.make)
        row(_("Model"), rec.model)
        row(_("Calibre"), rec.calibre)
        row(_("Serial number"), rec.serial_number)
        if rec.other_markings:
            row(_("Markings"), rec.other_markings)
        mine = [h for h in hits if item.record_id in (h.query_record_id, h.matched_record_id)]
        lines = [_hit_line(h, item.record_id, records, agencies) for h in mine]
        row(_("Hits"), "\n".join(lines) if lines else _("none"))


def _entity_details(e: Entity) -> str:
    parts: list[str] = []
    if e.date_of_birth:
        parts.append(_("born %(date)s") % {"date": e.date_of_birth.isoformat()})
    if e.nationality:
        parts.append(_("nationality %(c)s") % {"c": e.nationality})
    parts += [d for d in e.identity_documents.splitlines() if d.strip()]
    for value in (e.registration_number, e.vehicle_registration, e.vehicle_make,
                  e.vehicle_kind, e.phone_number, e.address, e.country or ""):  # fmt: skip
        if value and value != e.name:
            parts.append(value)
    return "; ".join(parts)


def _entities(doc: Document, involved: list[tuple[Involvement, Entity]], hidden: int) -> None:
    doc.heading(_("Persons, vehicles and other entities"))
    if not involved and not hidden:
        doc.note(_("No persons or other entities recorded."))
        return
    rows = [
        (
            label("entity_role", inv.role),
            str(ENTITY_KIND.get(e.kind, e.kind)),
            e.name,
            e.reference,
            _entity_details(e) + (f" — {inv.note}" if inv.note else ""),
        )
        for inv, e in involved
    ]
    headings = [_("Role"), _("Kind"), _("Name"), _("Reference"), _("Details")]
    doc.grid(headings, rows, (14, 12, 28, 24, 52))
    if hidden:
        doc.note(_("%(n)s more entities are not visible to your agency.") % {"n": hidden})


def _step_state(step: ProcedureStep, now: datetime) -> str:
    if step.status == StepStatus.done.value:
        text = _("done by %(who)s, %(when)s") % {
            "who": step.completed_by, "when": moment(step.completed_at)
        }  # fmt: skip
        return text + (f" — {step.note}" if step.note else "")
    if step.status == StepStatus.waived.value:
        return _("waived by %(who)s, %(when)s: %(reason)s") % {
            "who": step.completed_by,
            "when": moment(step.completed_at) if step.completed_at else "",
            "reason": step.waived_reason,
        }
    if step.due_at is not None and step.due_at < now:
        return _("OVERDUE (was due %(when)s)") % {"when": moment(step.due_at)}
    return _("open")


def _procedures(doc: Document, session: Session, steps: list[ProcedureStep]) -> None:
    doc.heading(_("Procedures"))
    if not steps:
        doc.note(_("No procedures apply."))
        return
    language = i18n.current_language()
    now = datetime.now(UTC)
    by_procedure: dict[str, list[ProcedureStep]] = {}
    for step in steps:
        by_procedure.setdefault(step.procedure_code, []).append(step)
    headings = [_("Step"), _("Role"), _("Due"), _("State")]
    for code, group in by_procedure.items():
        doc.subheading(procedures.procedure_name(code, language, session))
        rows = [
            (
                procedures.step_title(st, language)
                + ("" if st.required else " " + _("(optional)")),
                word_for(st.role, "role"),
                moment(st.due_at) if st.due_at else "",
                _step_state(st, now),
            )
            for st in group
        ]
        doc.grid(headings, rows, (46, 14, 17, 53))


def _custody(doc: Document, items: list[SeizedItem]) -> None:
    doc.heading(_("Chain of custody"))
    for item in items:
        doc.subheading(f"{item.position}. {label('item_kind', item.kind)} · {quantity(item)}")
        events = list(item.custody)
        if not events:
            doc.note(_("No custody events recorded."))
            continue
        doc.grid(custody_headings(), custody_rows(events),
                 (5, 19, 15, 24, 16, 16, 22, 22, 28, 20), size=6.5)  # fmt: skip
        problems = custody.verify_custody(events)
        doc.note(
            _("Chain verified: every digest matches.")
            if not problems
            else _("Chain NOT intact: %(problems)s") % {"problems": " ".join(problems)}
        )


def _evidence(doc: Document, files: list[EvidenceFile], items: list[SeizedItem]) -> None:
    doc.heading(_("Evidence files"))
    if not files:
        doc.note(_("No evidence files."))
        return
    position = {i.uuid: i.position for i in items}
    rows = [
        (
            label("evidence_kind", f.kind),
            f.original_name + (f" — {f.caption}" if f.caption else ""),
            str(position.get(f.item_id, "")) if f.item_id else "",
            f"{f.media_type}, {f.size:,} B",
            f.sha256,
        )
        for f in files
    ]
    headings = [_("Kind"), _("File"), _("Item"), _("Type and size"), _("SHA-256")]
    doc.grid(headings, rows, (14, 36, 8, 24, 98), size=6.5)


def _handovers(doc: Document, handovers: list[Handover], agencies: dict[int, Agency]) -> None:
    if not handovers:
        return
    doc.heading(_("Hand-overs"))
    rows = [
        (
            moment(h.created_at),
            agency_code(agencies, h.from_agency_id),
            agency_code(agencies, h.to_agency_id),
            label("handover_status", h.status),
            h.requested_by,
            " ".join(
                v
                for v in (h.decided_by, moment(h.decided_at) if h.decided_at else "")
                if v
            ),  # fmt: skip
            " — ".join(v for v in (h.note, h.decline_reason) if v),
        )
        for h in handovers
    ]
    headings = [_("Requested"), _("From"), _("To"), _("Status"), _("Requested by"),
                _("Decided"), _("Note")]  # fmt: skip
    doc.grid(headings, rows, (18, 14, 14, 14, 16, 22, 32))


# ------------------------------------------------------------------ entry points


def render_report(session: Session, *, actor: Actor, seizure_id: uuid.UUID) -> bytes:
    """The seizure report as PDF bytes; the export is audited."""
    s = get_visible(session, Seizure, seizure_id, actor)
    items = [i for i in s.items if i.deleted_at is None]
    handovers = list(
        session.execute(
            select(Handover).where(Handover.seizure_id == s.uuid).order_by(Handover.created_at)
        ).scalars()
    )
    files = list(
        session.execute(
            select(EvidenceFile)
            .where(EvidenceFile.seizure_id == s.uuid, EvidenceFile.deleted_at.is_(None))
            .order_by(EvidenceFile.created_at)
        ).scalars()
    )
    agencies = agencies_by_id(
        session,
        [s.owner_agency_id, s.seizing_agency_id]
        + [h.from_agency_id for h in handovers]
        + [h.to_agency_id for h in handovers],
    )
    involved, hidden = _involvements(session, actor, s.uuid)

    doc = Document(_("%(ref)s · seizure %(uuid)s") % {"ref": s.reference, "uuid": s.uuid})
    doc.headline(
        _("Seizure report") + f" {s.reference}",
        _("Exported %(when)s by %(who)s (%(agency)s).")
        % {
            "when": moment(datetime.now(UTC)),
            "who": actor.username,
            "agency": actor.agency_code,
        },
    )
    _event(doc, s, agencies)
    _items(doc, session, actor, items, agencies)
    _entities(doc, involved, hidden)
    _procedures(doc, session, list(s.steps))
    _custody(doc, items)
    _evidence(doc, files, items)
    _handovers(doc, handovers, agencies)
    doc.signature_lines(_("Date, name and signature"), _("Stamp"))
    data = doc.pdf_bytes()
    log_event(session, actor=actor, action="export", object_type="Seizure",
              object_id=str(s.uuid), details={"format": "pdf", "document": "report"})  # fmt: skip
    return data
