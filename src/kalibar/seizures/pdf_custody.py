"""A seized item's chain of custody as a printable form, and the formatting the seizure
report shares with it.

The form lists the recorded custody events (seal numbers, from/to, location, condition,
who signed, the start of each event's chain digest) and leaves blank numbered rows with a
signature column, so the paper copy travelling with the item can be continued by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.clock import moment
from kalibar.i18n import _
from kalibar.pdf_layout import Document
from kalibar.seizures import custody
from kalibar.seizures.access import visible_part
from kalibar.seizures.labels import label, quantity_text
from kalibar.seizures.models import CustodyEvent, SeizedItem
from kalibar.seizures.service import place_text, visible_records

#: Empty rows printed under the recorded custody events, for handwritten continuation.
BLANK_CUSTODY_ROWS = 6


def quantity(item: SeizedItem) -> str:
    return quantity_text(item.quantity, item.unit)


def agencies_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, Agency]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Agency).where(Agency.id.in_(wanted))).scalars()
    return {a.id: a for a in rows}


def agency_line(agencies: dict[int, Agency], agency_id: int | None) -> str:
    a = agencies.get(agency_id) if agency_id is not None else None
    return f"{a.code} — {a.name}" if a else ""


def agency_code(agencies: dict[int, Agency], agency_id: int | None) -> str:
    a = agencies.get(agency_id) if agency_id is not None else None
    return a.code if a else ""


def custody_rows(events: list[CustodyEvent]) -> list[tuple[str, ...]]:
    return [
        (
            str(ev.sequence),
            moment(ev.occurred_at),
            label("custody_action", ev.action),
            ev.seal_number,
            ev.from_party,
            ev.to_party,
            ev.location,
            ev.condition + (f" — {ev.note}" if ev.note else ""),
            f"{ev.signed_by} ({ev.signed_agency})" if ev.signed_agency else ev.signed_by,
            ev.digest[:12],
        )
        for ev in events
    ]


def custody_headings() -> list[str]:
    return ["#", _("Date and time"), _("Action"), _("Seal number"), _("From"), _("To"),
            _("Location"), _("Condition"), _("Signed by"), _("Digest")]  # fmt: skip


# ------------------------------------------------------------------ the form


def render_custody_form(session: Session, *, actor: Actor, item_id: uuid.UUID) -> bytes:
    """One item's chain of custody as a printable form, with blank rows to continue by hand."""
    item, s = visible_part(session, actor, SeizedItem, item_id)
    events = custody.custody_chain(session, actor=actor, item_id=item.uuid)
    agencies = agencies_by_id(session, [s.owner_agency_id])
    record = visible_records(session, actor, {item.record_id} if item.record_id else set())

    doc = Document(
        _("%(ref)s · custody of item %(n)s") % {"ref": s.reference, "n": item.position},
        orientation="landscape",
    )
    doc.headline(_("Chain of custody form"))
    row = doc.row
    row(_("Seizure"), f"{s.reference} · {moment(s.occurred_at)} · {place_text(s)}")
    row(_("Owner agency"), agency_line(agencies, s.owner_agency_id))
    what = f"{item.position}. {label('item_kind', item.kind)} · {quantity(item)}"
    row(_("Item"), what + (f" · {item.description}" if item.description else ""))
    rec = record.get(item.record_id) if item.record_id else None
    if rec is not None:
        ident = " ".join(v for v in (rec.make, rec.model, rec.calibre) if v)
        row(_("Firearm"), f"{rec.reference} · {ident}")
        row(_("Serial number"), rec.serial_number)
    row(_("Item ID"), item.uuid)
    doc.ln(2)
    rows: list[tuple[str, ...]] = [(*r, "") for r in custody_rows(events)]
    blank = ("",) * 11
    rows += [(str(len(events) + n), *blank[1:]) for n in range(1, BLANK_CUSTODY_ROWS + 1)]
    doc.grid([*custody_headings(), _("Signature")], rows,
             (6, 21, 18, 28, 24, 24, 28, 30, 26, 21, 40), size=7, min_row_height=11)  # fmt: skip
    problems = custody.verify_custody(events)
    if problems:
        doc.note(_("Chain NOT intact: %(problems)s") % {"problems": " ".join(problems)})
    doc.note(
        _("Each hand-over of the item is written on a new line and signed by the person "
          "receiving it. The digest links each recorded event to the previous one.")
    )  # fmt: skip
    doc.signature_lines(_("Date, name and signature"), _("Stamp"))
    data = doc.pdf_bytes()
    details = {"format": "pdf", "document": "custody"}
    log_event(session, actor=actor, action="export", object_type="SeizedItem",
              object_id=str(item.uuid), details=details)  # fmt: skip
    return data
