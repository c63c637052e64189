"""What a statistic is narrowed to: the period (days in the instance's zone), the owner
agency, the country of the seizure, and any dimension's value (``concealment=spare_tyre``,
``make=zastava``, ``month=2026-03`` …).

The same filter drives a figure, its trend, its map and its exports, so the numbers a
person downloads are the numbers on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, select

from kalibar.agencies.models import Agency
from kalibar.analysis.dimensions import DIMENSIONS, UNKNOWN, Dimension
from kalibar.clock import reader_zone
from kalibar.dates import DateError, parse_day
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import SeizedItem, Seizure

#: Query parameters that are not dimension values.
BASE_PARAMS = ("from", "to", "agency", "by")


@dataclass
class StatsFilter:
    date_from: date | None = None
    date_to: date | None = None
    #: Owner agency code.
    agency: str | None = None
    #: Dimension key → the value asked for (as the dimension's key).
    values: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        """The filter as query parameters (links, export URLs)."""
        out = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "agency": self.agency or "",
        }
        out.update(self.values)
        return {k: v for k, v in out.items() if v}


def parse_filter(params: dict[str, str]) -> StatsFilter:
    """Query parameters as a filter; a bad date or an unknown dimension is ``Invalid``."""
    f = StatsFilter()
    for key in ("from", "to"):
        raw = (params.get(key) or "").strip()
        if raw:
            try:
                day = parse_day(raw)
            except DateError as exc:
                raise Invalid(exc.message, [{"field": key, "value": raw}]) from exc
            setattr(f, "date_from" if key == "from" else "date_to", day)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise Invalid(_("The start of the period is after its end."), [{"field": "from"}])
    f.agency = (params.get("agency") or "").strip().upper() or None
    for key, raw in params.items():
        if key in BASE_PARAMS or key in ("format", "cluster", "page", "csrf_token"):
            continue
        value = (raw or "").strip()
        if not value:
            continue
        if key not in DIMENSIONS:
            raise Invalid(_("Unknown figure or filter."), [{"field": key}])
        f.values[key] = value
    return f


def local_start(day: date) -> datetime:
    """The instant a day starts in the instance's zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=reader_zone()).astimezone(UTC)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``2026-03`` → the instants March 2026 starts and ends in the instance's zone."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = date(year, mon, 1)
    except ValueError as exc:
        raise Invalid(_("Enter a month like 2026-03."), [{"field": "month"}]) from exc
    after = date(year + (mon == 12), mon % 12 + 1, 1)
    return local_start(first), local_start(after)


def seizure_clauses(f: StatsFilter) -> list[Any]:
    """Conditions on the seizure row itself (period, agency, seizure-level values)."""
    s = Seizure
    out: list[Any] = [s.deleted_at.is_(None)]
    if f.date_from:
        out.append(s.occurred_at >= local_start(f.date_from))
    if f.date_to:
        out.append(s.occurred_at < local_start(f.date_to + timedelta(days=1)))
    if f.agency:
        out.append(s.owner_agency_id.in_(select(Agency.id).where(Agency.code == f.agency)))
    for key, value in f.values.items():
        dim = DIMENSIONS[key]
        if dim.level != "seizure":
            continue
        out.append(_seizure_value(dim, value))
    return out


def _seizure_value(dim: Dimension, value: str) -> Any:
    if dim.key == "month":
        start, end = month_bounds(value)
        return and_(Seizure.occurred_at >= start, Seizure.occurred_at < end)
    if dim.key == "agency":
        return Seizure.owner_agency_id.in_(select(Agency.id).where(Agency.code == value.upper()))
    if dim.split:
        if value == UNKNOWN:
            return Seizure.transit_countries == ""
        col = "," + Seizure.transit_countries + ","
        return col.contains("," + value.upper() + ",", autoescape=True)
    return dim.column() == value


def item_clauses(f: StatsFilter) -> list[Any]:
    """Conditions on an item row (and its firearm record, outer-joined)."""
    return [DIMENSIONS[k].column() == v for k, v in f.values.items()
            if DIMENSIONS[k].level != "seizure"]  # fmt: skip


def has_item_filter(f: StatsFilter) -> bool:
    return any(DIMENSIONS[k].level != "seizure" for k in f.values)


def with_items(stmt: Select[Any], *, records: bool = True) -> Select[Any]:
    """Join the live items of each seizure and (``records``) their firearm records, outer."""
    stmt = stmt.select_from(Seizure).join(
        SeizedItem, and_(SeizedItem.seizure_id == Seizure.uuid, SeizedItem.deleted_at.is_(None))
    )
    if records:
        stmt = stmt.outerjoin(FirearmRecord, FirearmRecord.uuid == SeizedItem.record_id)
    return stmt


def needs_records(dim_key: str, f: StatsFilter) -> bool:
    """Whether a figure reads the firearm records (make, model, calibre … or a filter on them)."""
    keys = [dim_key, *f.values]
    return any(DIMENSIONS[k].level == "record" or k == "calibre" for k in keys if k in DIMENSIONS)


def item_exists(f: StatsFilter) -> Any:
    """A seizure holds at least one live item matching the item-level values (an IN over
    the items, not correlated: the item tables are named as they are, no aliases)."""
    matching = (
        select(SeizedItem.seizure_id)
        .outerjoin(FirearmRecord, FirearmRecord.uuid == SeizedItem.record_id)
        .where(SeizedItem.deleted_at.is_(None), *item_clauses(f))
    )
    return Seizure.uuid.in_(matching)
