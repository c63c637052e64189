"""Operations on firearm records. Every read goes through the sharing filter."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import history_of, log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.i18n import _
from kalibar.records.identify import Identification, identify, search_terms
from kalibar.records.models import FirearmRecord
from kalibar.records.references import next_references
from kalibar.reference.service import refresh as refresh_catalogue
from kalibar.sharing.service import set_distribution
from kalibar.sharing.visibility import get_editable, get_visible, visible

EDITABLE = (
    "status",
    "weapon_type",
    "modifications",
    "make",
    "model",
    "calibre",
    "serial_number",
    "serial_obliterated",
    "serial_restored",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_marking",
    "other_markings",
    "event_date",
    "event_place",
    "case_reference",
    "notes",
)


@dataclass
class RecordData:
    """What a person states about a firearm, already parsed by ``records.fields``."""

    status: str
    weapon_type: str = ""
    modifications: list[str] = field(default_factory=list)
    make: str = ""
    model: str = ""
    calibre: str = ""
    serial_number: str = ""
    serial_obliterated: bool = False
    serial_restored: bool = False
    country_of_manufacture: str | None = None
    year_of_manufacture: int | None = None
    import_marking: str = ""
    other_markings: str = ""
    event_date: date | None = None
    event_place: str = ""
    reporting_agency: str | None = None
    case_reference: str = ""
    notes: str = ""


def apply_identification(record: FirearmRecord, ident: Identification) -> None:
    record.make_code = ident.make_code
    record.model_code = ident.model_code
    record.calibre_code = ident.calibre_code
    if ident.weapon_type_code:
        record.weapon_type = ident.weapon_type_code
    record.serial_normalised = ident.serial_normalised
    record.needs_review = ident.needs_review
    record.search_text = ident.search_text
    if ident.country and not record.country_of_manufacture:
        record.country_of_manufacture = ident.country


def _reporting_agency_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    agency_id = session.execute(select(Agency.id).where(Agency.code == code)).scalar()
    if agency_id is None:
        raise Invalid(_("Unknown agency code."), [{"field": "reporting_agency", "value": code}])
    return int(agency_id)


def likely_duplicates(
    session: Session,
    *,
    actor: Actor,
    make_code: str | None,
    serial_normalised: str,
    exclude: uuid.UUID | None = None,
) -> list[FirearmRecord]:
    """Visible records with the same normalised make and serial."""
    if not serial_normalised:
        return []
    stmt = select(FirearmRecord).where(FirearmRecord.serial_normalised == serial_normalised)
    stmt = stmt.where(
        FirearmRecord.make_code == make_code if make_code else FirearmRecord.make_code.is_(None)
    )
    if exclude:
        stmt = stmt.where(FirearmRecord.uuid != exclude)
    return list(session.execute(visible(stmt.limit(10), FirearmRecord, actor)).scalars())


def _owner(actor: Actor) -> tuple[int, str]:
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can record firearms."))
    return actor.agency_id, actor.country


def create_record(
    session: Session,
    *,
    actor: Actor,
    data: RecordData,
    distribution: str = Distribution.national.value,
    group_ids: list[int] | None = None,
    allow_duplicate: bool = False,
    record_id: uuid.UUID | None = None,
) -> FirearmRecord:
    """Record a firearm. A likely duplicate is refused (409) unless ``allow_duplicate``."""
    agency_id, country = _owner(actor)
    refresh_catalogue(session)
    ident = identify(
        make=data.make,
        model=data.model,
        calibre=data.calibre,
        weapon_type=data.weapon_type,
        serial=data.serial_number,
    )
    if not allow_duplicate:
        dups = likely_duplicates(
            session,
            actor=actor,
            make_code=ident.make_code,
            serial_normalised=ident.serial_normalised,
        )
        if dups:
            raise Conflict(
                _("A record with the same make and serial number exists already."),
                [
                    {"field": "serial_number", "record_id": str(d.uuid), "reference": d.reference}
                    for d in dups
                ],
            )
    prefix = actor.agency_code.split("-", 1)[-1]
    record = FirearmRecord(
        uuid=record_id or None,
        reference=next_references(session, prefix, 1)[0],
        owner_agency_id=agency_id,
        owner_country=country,
        reporting_agency_id=_reporting_agency_id(session, data.reporting_agency) or agency_id,
        **{k: _stored(k, getattr(data, k)) for k in EDITABLE},
    )
    apply_identification(record, ident)
    session.add(record)
    set_distribution(session, obj=record, distribution=distribution, group_ids=group_ids)
    return record


def _stored(key: str, value: Any) -> Any:
    if key == "modifications":
        return ",".join(sorted(set(value))) if isinstance(value, list) else value or ""
    return value


def get_record(session: Session, *, actor: Actor, record_id: uuid.UUID) -> FirearmRecord:
    return get_visible(session, FirearmRecord, record_id, actor)


def update_record(
    session: Session,
    *,
    actor: Actor,
    record_id: uuid.UUID,
    changes: dict[str, Any],
    distribution: str | None = None,
    group_ids: list[int] | None = None,
) -> FirearmRecord:
    """Change fields; only the owner agency may. Identification is recomputed."""
    record = get_editable(session, FirearmRecord, record_id, actor)
    refresh_catalogue(session)
    unknown = set(changes) - set(EDITABLE) - {"reporting_agency"}
    if unknown:
        raise Invalid(_("These fields cannot be changed."), [{"field": f} for f in sorted(unknown)])
    for key, value in changes.items():
        if key == "reporting_agency":
            record.reporting_agency_id = _reporting_agency_id(session, value)
        else:
            setattr(record, key, _stored(key, value))
    ident = identify(
        make=record.make,
        model=record.model,
        calibre=record.calibre,
        weapon_type=record.weapon_type or "",
        serial=record.serial_number,
    )
    apply_identification(record, ident)
    if distribution is not None:
        set_distribution(session, obj=record, distribution=distribution, group_ids=group_ids)
    session.flush()
    return record


def delete_record(session: Session, *, actor: Actor, record_id: uuid.UUID) -> None:
    """Soft delete: a tombstone that federation propagates; the audit trail keeps it all."""
    record = get_editable(session, FirearmRecord, record_id, actor)
    record.deleted_at = utcnow()
    session.flush()


def record_history(
    session: Session, *, actor: Actor, record_id: uuid.UUID, audited: bool = True
) -> list[Any]:
    """The record's audit entries (visibility checked first). Reading them is a read of the
    record, in the audit trail like any other (``audited=False`` only where the same
    request already logged the read of the record, e.g. its page)."""
    record = get_record(session, actor=actor, record_id=record_id)
    if audited:
        log_event(session, actor=actor, action="read", object_type="FirearmRecord",
                  object_id=str(record.uuid), details={"part": "history"})  # fmt: skip
    return history_of(session, object_id=str(record_id))


# ---------------------------------------------------------------- listing


@dataclass
class RecordFilter:
    status: str | None = None
    weapon_type: str | None = None
    make: str | None = None
    calibre: str | None = None
    country: str | None = None
    agency: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    needs_review: bool | None = None


SORTS = {
    "event_date": FirearmRecord.event_date,
    "created": FirearmRecord.created_at,
    "reference": FirearmRecord.reference,
    "serial": FirearmRecord.serial_normalised,
    "make": FirearmRecord.make_code,
}


def filtered(stmt: Select[Any], f: RecordFilter) -> Select[Any]:
    """``stmt`` narrowed by the filter (the list, the export and the API share it)."""
    r = FirearmRecord
    if f.status:
        stmt = stmt.where(r.status == f.status)
    if f.weapon_type:
        code = identify(weapon_type=f.weapon_type).weapon_type_code
        if code is None:
            raise Invalid(
                _("Unknown weapon type: %(value)s.") % {"value": f.weapon_type[:40]},
                [{"field": "weapon_type", "message": _("Not a known weapon type.")}],
            )
        stmt = stmt.where(or_(r.weapon_type == code, r.weapon_type == f.weapon_type))
    if f.make:
        code = identify(make=f.make).make_code
        stmt = stmt.where(r.make_code == code if code else r.make == f.make)
    if f.calibre:
        code = identify(calibre=f.calibre).calibre_code
        stmt = stmt.where(r.calibre_code == code if code else r.calibre == f.calibre)
    if f.country:
        stmt = stmt.where(r.country_of_manufacture == f.country.upper())
    if f.agency:
        stmt = stmt.where(r.owner_agency_id.in_(select(Agency.id).where(Agency.code == f.agency)))
    if f.date_from:
        stmt = stmt.where(r.event_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(r.event_date <= f.date_to)
    if f.needs_review is not None:
        stmt = stmt.where(r.needs_review.is_(f.needs_review))
    if f.q and f.q.strip():
        terms = search_terms(f.q)
        clauses: list[Any] = []
        # A serial prefix is the reading of last resort for text with no digits: "Zastava"
        # names a make, and OR-ing a serial range with it would defeat the sort index.
        as_serial = any(c.isdigit() for c in terms.serial) or not (
            terms.make_code or terms.model_code or terms.make_codes
        )
        if terms.serial and as_serial:
            clauses.append(
                and_(
                    r.serial_normalised >= terms.serial,
                    r.serial_normalised < terms.serial + "\uffff",
                )
            )
        if terms.make_code:
            clauses.append(r.make_code == terms.make_code)
        if terms.make_codes:
            clauses.append(r.make_code.in_(terms.make_codes))
        if terms.model_code:
            clauses.append(r.model_code == terms.model_code)
        if terms.reference:
            clauses.append(r.reference == terms.reference)
        stmt = stmt.where(or_(*clauses)) if clauses else stmt.where(r.uuid.is_(None))
    return stmt


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        assert isinstance(values, list) and len(values) == 2
        return values
    except Exception as exc:  # noqa: BLE001
        raise Invalid(_("Invalid cursor."), [{"field": "cursor"}]) from exc


def list_records(
    session: Session,
    *,
    actor: Actor,
    filters: RecordFilter,
    sort: str = "created",
    descending: bool = True,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[FirearmRecord], str | None]:
    """One page of visible records and the cursor of the next page (keyset paging)."""
    if sort not in SORTS:
        raise Invalid(_("Unknown sort key."), [{"field": "sort", "value": sort}])
    key = SORTS[sort]
    r = FirearmRecord
    refresh_catalogue(session)
    stmt = filtered(visible(select(r), r, actor), filters)
    if cursor:
        last_value, last_id = _decode_cursor(cursor)
        last_uuid = uuid.UUID(last_id)
        value = _cursor_value(sort, last_value)
        if descending:
            stmt = stmt.where(or_(key < value, and_(key == value, r.uuid < last_uuid)))
        else:
            stmt = stmt.where(or_(key > value, and_(key == value, r.uuid > last_uuid)))
    order = (key.desc(), r.uuid.desc()) if descending else (key.asc(), r.uuid.asc())
    rows = list(session.execute(stmt.order_by(*order).limit(limit + 1)).scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode_cursor([_sort_value(sort, last), str(last.uuid)])
    return rows, next_cursor


def _sort_value(sort: str, record: FirearmRecord) -> Any:
    value = getattr(record, SORTS[sort].key)
    return value.isoformat() if hasattr(value, "isoformat") else (value or "")


def _cursor_value(sort: str, value: Any) -> Any:
    if sort == "event_date":
        return date.fromisoformat(value) if value else date.min
    if sort == "created":
        return datetime.fromisoformat(value)
    return value


def count_records(session: Session, *, actor: Actor) -> dict[str, int]:
    """Visible records per status, for the dashboard."""
    stmt = visible(select(FirearmRecord.status, func.count()), FirearmRecord, actor)
    rows = session.execute(stmt.group_by(FirearmRecord.status)).all()
    return {status: int(n) for status, n in rows}


def log_record_read(session: Session, *, actor: Actor, record: FirearmRecord) -> None:
    """Record pages are sensitive: each read is in the audit trail."""
    log_event(
        session, actor=actor, action="read", object_type="FirearmRecord", object_id=str(record.uuid)
    )
