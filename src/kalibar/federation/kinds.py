"""What each kind of object looks like on the wire, and what a non-nominal agreement
strips (WCO nCEN's split: no persons, phones, addresses or vehicle plates).

``payload(obj, nominal)`` gives the payload an agreement allows, or ``None`` when nothing
of the object may go (a watchlist entry naming a person under a non-nominal agreement).
``NOMINAL`` lists, per kind, the payload keys that only a nominal agreement carries; the
receiver refuses an envelope that carries them under a non-nominal agreement.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.db.base import SharedObject
from kalibar.federation.models import Kind
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Involvement, Seizure
from kalibar.targeting.watchlist_models import WatchlistEntry

RECORD_FIELDS = (
    "reference",
    "status",
    "weapon_type",
    "modifications",
    "make",
    "make_code",
    "model",
    "model_code",
    "calibre",
    "calibre_code",
    "serial_number",
    "serial_normalised",
    "serial_obliterated",
    "serial_restored",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_marking",
    "other_markings",
    "event_date",
    "event_place",
    "needs_review",
    "origin_established",
    "origin_source",
    "origin_established_at",
    "search_text",
)
SEIZURE_FIELDS = (
    "reference",
    "status",
    "occurred_at",
    "place_code",
    "place_name",
    "place_country",
    "latitude",
    "longitude",
    "context",
    "direction",
    "origin_country",
    "transit_countries",
    "destination_country",
    "detection_method",
    "concealment_method",
    "conveyance_kind",
    "vehicle_make",
)
ITEM_FIELDS = (
    "kind",
    "part_kind",
    "calibre",
    "ammunition_type",
    "explosive_type",
    "quantity",
    "unit",
    "description",
)
#: Payload keys only a nominal agreement carries.
NOMINAL: dict[str, frozenset[str]] = {
    Kind.record.value: frozenset({"notes", "case_reference"}),
    Kind.seizure.value: frozenset(
        {
            "address",
            "vehicle_registration",
            "parcel_number",
            "container_number",
            "narrative",
            "entities",
        }
    ),
    Kind.watchlist.value: frozenset({"name"}),
}
#: Watchlist kinds that name a person, a phone, an address or a plate.
NOMINAL_WATCHLIST = frozenset({"person", "phone", "address", "plate"})
SHARED_MODELS: dict[str, type[SharedObject]] = {
    Kind.record.value: FirearmRecord,
    Kind.seizure.value: Seizure,
    Kind.watchlist.value: WatchlistEntry,
}


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: plain(getattr(obj, n)) for n in names}


def record_payload(rec: FirearmRecord, nominal: bool) -> dict[str, Any]:
    out = _fields(rec, RECORD_FIELDS)
    if nominal:
        out.update(notes=rec.notes, case_reference=rec.case_reference)
    return out


def seizure_payload(session: Session, sz: Seizure, nominal: bool) -> dict[str, Any]:
    out = _fields(sz, SEIZURE_FIELDS)
    out["items"] = [
        {**_fields(i, ITEM_FIELDS), "record": str(i.record_id) if i.record_id else None}
        for i in sorted(sz.items, key=lambda i: i.position)
        if i.deleted_at is None
    ]
    if nominal:
        out.update(
            address=sz.address,
            vehicle_registration=sz.vehicle_registration,
            parcel_number=sz.parcel_number,
            container_number=sz.container_number,
            narrative=sz.narrative,
        )
        rows = session.execute(
            select(Involvement.role, Entity)
            .join(Entity, Entity.uuid == Involvement.entity_id)
            .where(Involvement.seizure_id == sz.uuid)
        ).all()
        out["entities"] = [
            {
                "role": role,
                "kind": e.kind,
                "name": e.name,
                "date_of_birth": plain(e.date_of_birth),
                "nationality": e.nationality,
                "phone_number": e.phone_number,
                "address": e.address,
                "vehicle_registration": e.vehicle_registration,
            }
            for role, e in rows
        ]
    return out


def watchlist_payload(entry: WatchlistEntry, nominal: bool) -> dict[str, Any] | None:
    if entry.kind in NOMINAL_WATCHLIST and not nominal:
        return None
    return {
        "kind": entry.kind,
        "name": entry.name,
        "country": entry.country,
        "note": entry.note,
        "active": entry.active,
    }


def hit_payload(hit: Hit, foreign_record: Any, own_record: FirearmRecord | None) -> dict[str, Any]:
    """What the owner of the foreign record learns: its record, our record's reference and
    agency, the score and the decision — never our record's other fields."""
    return {
        "record": str(foreign_record),
        "other_reference": own_record.reference if own_record else "",
        "other_agency": "",
        "other_status": own_record.status if own_record else "",
        "score": round(hit.score, 4),
        "status": hit.status,
        "decided_by": hit.decided_by or "",
        "reason": hit.reason,
    }


def payload(session: Session, kind: str, obj: Any, nominal: bool) -> dict[str, Any] | None:
    if kind == Kind.record.value:
        return record_payload(obj, nominal)
    if kind == Kind.seizure.value:
        return seizure_payload(session, obj, nominal)
    if kind == Kind.watchlist.value:
        return watchlist_payload(obj, nominal)
    return None


def nominal_keys(kind: str, body: dict[str, Any]) -> list[str]:
    """Nominal keys present in a payload (and, for a watchlist entry, a nominal kind)."""
    found = sorted(k for k in NOMINAL.get(kind, frozenset()) if k in body and kind != "watchlist")
    if kind == Kind.watchlist.value and body.get("kind") in NOMINAL_WATCHLIST:
        found.append("name")
    return found


def summary_json(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True)
