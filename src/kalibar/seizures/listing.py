"""Lists of seizures: filters, keyset paging newest first, counts and map points.

Keyset paging on ``(occurred_at, uuid)`` (index ``ix_seizures_occurred``) keeps page 200
as fast as page 1 across thousands of seizures; the cursor is opaque to callers.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.seizures import vocabulary
from kalibar.seizures.models import SeizedItem, Seizure, SeizureStatus
from kalibar.seizures.places import place, search_places
from kalibar.sharing.visibility import visible


@dataclass
class SeizureFilter:
    status: str | None = None
    context: str | None = None
    place_code: str | None = None
    #: Country where the seizure happened (``place_country``).
    country: str | None = None
    #: Owner agency code.
    agency: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    #: Reference, vehicle registration, parcel or container number, place, narrative words.
    q: str | None = None
    item_kind: str | None = None


@dataclass
class MapPoint:
    name: str
    country: str
    lat: float
    lon: float
    count: int
    place_code: str | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _contains(column: Any, text: str) -> Any:
    return func.lower(column).contains(text.lower(), autoescape=True)


def _text_clause(q: str) -> Any:
    text = q.strip()
    words = text.split()
    compact = "".join(ch for ch in text if ch.isalnum()).upper()
    s = Seizure
    clauses = [
        s.reference == text.upper(),
        _contains(s.reference, text),
        _contains(s.parcel_number, text),
        _contains(s.container_number, text),
        _contains(s.place_name, text),
        _contains(s.address, text),
        and_(*[_contains(s.narrative, w) for w in words]),
    ]
    if compact:
        plate = func.upper(func.replace(func.replace(s.vehicle_registration, " ", ""), "-", ""))
        clauses.append(plate.contains(compact, autoescape=True))
    codes = [p.code for p in search_places(text, limit=200)]
    if codes:
        clauses.append(s.place_code.in_(codes))
    return or_(*clauses)


def _filtered(stmt: Select[Any], f: SeizureFilter) -> Select[Any]:
    s = Seizure
    if f.status:
        if f.status not in {x.value for x in SeizureStatus}:
            raise Invalid(_("Unknown seizure status."), [{"field": "status", "value": f.status}])
        stmt = stmt.where(s.status == f.status)
    if f.context:
        vocabulary.check("context", f.context, "context")
        stmt = stmt.where(s.context == f.context)
    if f.place_code:
        found = place(f.place_code)
        stmt = stmt.where(s.place_code == (found.code if found else f.place_code))
    if f.country:
        stmt = stmt.where(s.place_country == f.country.strip().upper())
    if f.agency:
        stmt = stmt.where(s.owner_agency_id.in_(select(Agency.id).where(Agency.code == f.agency)))
    if f.date_from:
        stmt = stmt.where(s.occurred_at >= _day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(s.occurred_at < _day_start(f.date_to + timedelta(days=1)))
    if f.item_kind:
        vocabulary.check("item_kind", f.item_kind, "item_kind")
        stmt = stmt.where(
            exists().where(
                SeizedItem.seizure_id == s.uuid,
                SeizedItem.kind == f.item_kind,
                SeizedItem.deleted_at.is_(None),
            )
        )
    if f.q and f.q.strip():
        stmt = stmt.where(_text_clause(f.q))
    return stmt


def _encode_cursor(seizure: Seizure) -> str:
    values = [seizure.occurred_at.astimezone(UTC).isoformat(), str(seizure.uuid)]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        when, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(when)
        assert moment.tzinfo is not None
        return moment, uuid.UUID(ident)
    except Exception as exc:  # noqa: BLE001
        raise Invalid(_("Invalid cursor."), [{"field": "cursor"}]) from exc


def list_seizures(
    session: Session,
    *,
    actor: Actor,
    filters: SeizureFilter,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Seizure], str | None]:
    """One page of visible seizures, newest first, and the cursor of the next page."""
    s = Seizure
    stmt = _filtered(visible(select(s), s, actor), filters)
    if cursor:
        when, last = _decode_cursor(cursor)
        stmt = stmt.where(or_(s.occurred_at < when, and_(s.occurred_at == when, s.uuid < last)))
    limit = max(1, min(int(limit), 500))
    stmt = stmt.order_by(s.occurred_at.desc(), s.uuid.desc()).limit(limit + 1)
    rows = list(session.execute(stmt).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, _encode_cursor(rows[-1])
    return rows, None


def count_seizures(session: Session, *, actor: Actor) -> dict[str, int]:
    """Visible seizures per status, for the dashboard."""
    stmt = visible(select(Seizure.status, func.count()), Seizure, actor)
    rows = session.execute(stmt.group_by(Seizure.status)).all()
    return {status: int(n) for status, n in rows}


def map_points(session: Session, *, actor: Actor, filters: SeizureFilter) -> list[MapPoint]:
    """Seizure places with coordinates and how many (filtered, visible) seizures each had.

    Catalogue places are one point at the catalogue's coordinates; free places group by
    name and country at their mean coordinates.
    """
    s = Seizure
    stmt = select(
        s.place_code, s.place_name, s.place_country,
        func.avg(s.latitude), func.avg(s.longitude), func.count(),
    ).where(s.latitude.is_not(None), s.longitude.is_not(None))  # fmt: skip
    stmt = _filtered(visible(stmt, s, actor), filters)
    stmt = stmt.group_by(s.place_code, s.place_name, s.place_country)
    points: dict[tuple[str, str], MapPoint] = {}
    for code, name, country, lat, lon, n in session.execute(stmt).all():
        found = place(code) if code else None
        if found is not None:
            key = ("code", found.code)
            if key in points:
                points[key].count += int(n)
                continue
            points[key] = MapPoint(found.name, found.country, found.lat, found.lon, int(n),
                                   found.code)  # fmt: skip
        else:
            key = ("name", f"{name}|{country}|{code or ''}")
            points[key] = MapPoint(name or "", country or "", round(float(lat), 5),
                                   round(float(lon), 5), int(n), code)  # fmt: skip
    return sorted(points.values(), key=lambda p: (-p.count, p.country, p.name))


#: Mass units are summed in kilograms under ``<kind>_kg``.
_MASS = {"g": 0.001, "kg": 1.0}


def item_summary(seizure: Seizure) -> dict[str, float]:
    """What was seized in numbers: kind → quantity (firearms and parts in pieces,
    ammunition in rounds; anything weighed as ``<kind>_kg``). Removed items are left out."""
    summary: dict[str, float] = {}
    for item in seizure.items:
        if item.deleted_at is not None:
            continue
        if item.unit in _MASS:
            key, amount = f"{item.kind}_kg", item.quantity * _MASS[item.unit]
        else:
            key, amount = item.kind, item.quantity
        summary[key] = summary.get(key, 0.0) + float(amount)
    return summary
